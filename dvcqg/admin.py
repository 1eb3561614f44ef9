"""The sync as administrators see it: per case what was sent, when, the reply and what waits;
reconciliation's mismatches with "push again"; the catalogue's differences to confirm; the
simulator's record and its controls."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onestop import money
from onestop.admin import ReadOnlyAdmin

from . import catalogue, reconcile, selectors, services, simulator, tasks
from .models import CatalogueChange, Message, PortalCase, RatingsReport, SimulatorRecord


def _local(moment) -> str:
    return localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def _pretty(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=1))


# --- the outbox -------------------------------------------------------------------------------


class MessageState(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Waiting")),
            ("retrying", _("Failed, retrying")),
            ("parked", _("Parked")),
            ("sent", _("Acknowledged")),
        ]

    def queryset(self, request, queryset):
        return {
            "pending": queryset.filter(sent_at=None, parked_at=None),
            "retrying": queryset.filter(sent_at=None, parked_at=None, attempts__gt=0),
            "parked": queryset.filter(sent_at=None).exclude(parked_at=None),
            "sent": queryset.exclude(sent_at=None),
        }.get(self.value(), queryset)


@admin.action(description=_("Push the cases again to the portal"))
def push_again(modeladmin, request, queryset):
    case_ids = set(queryset.values_list("case_id", flat=True))
    count = services.push_again(case_ids=case_ids)
    modeladmin.message_user(request, gettext("Cases queued again: %d.") % count, messages.SUCCESS)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """The outbox to the portal: every message, its state, the portal's reply."""

    list_display = ["id", "case", "service", "created_at", "sent_at", "attempts", "parked_at"]
    list_filter = [MessageState, "service"]
    search_fields = ["case__code"]
    list_select_related = ["case"]
    fields = [
        "case",
        "event",
        "service",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "attempts",
        "parked_at",
        "last_error",
        "reply_shown",
        "payload_shown",
    ]
    readonly_fields = fields
    actions = [push_again]

    @admin.display(description=_("portal's reply"))
    def reply_shown(self, message):
        return _pretty(message.reply)

    @admin.display(description=_("data"))
    def payload_shown(self, message):
        return _pretty(message.payload)


class CaseState(admin.SimpleListFilter):
    title = _("sync")
    parameter_name = "sync"

    def lookups(self, request, model_admin):
        return [
            ("held", _("Held by a parked message")),
            ("retrying", _("Waiting to retry")),
            ("pending", _("Messages waiting")),
            ("mismatch", _("Differs on the portal")),
            ("missing", _("Not on the portal")),
        ]

    def queryset(self, request, queryset):
        return {
            "held": queryset.exclude(held_by=None),
            "retrying": queryset.exclude(wait_until=None),
            "pending": queryset.filter(
                Exists(
                    Message.objects.filter(
                        case_id=OuterRef("case_id"), sent_at=None, parked_at=None
                    )
                )
            ),
            "mismatch": queryset.exclude(mismatch=None),
            "missing": queryset.filter(acknowledged_at=None),
        }.get(self.value(), queryset)


@admin.register(PortalCase)
class PortalCaseAdmin(ReadOnlyAdmin):
    """Đồng bộ theo hồ sơ: per case, what the portal has, what waits, what differs."""

    list_display = [
        "case",
        "acknowledged_at",
        "last_sent_at",
        "pending",
        "parked",
        "wait_until",
        "checked_at",
        "mismatch_shown",
    ]
    list_filter = [CaseState]
    search_fields = ["case__code"]
    list_select_related = ["case"]
    fields = [
        "case",
        "acknowledged_at",
        "last_sent_at",
        "wait_until",
        "held_by",
        "checked_at",
        "mismatch_shown",
        "messages_shown",
    ]
    readonly_fields = fields
    actions = [push_again, "check_now"]
    change_form_template = "admin/dvcqg/portalcase/change_form.html"

    def get_queryset(self, request):
        # Counted per row shown (correlated), not grouped over every case and message.
        def count(**state):
            rows = Message.objects.filter(case_id=OuterRef("case_id"), sent_at=None, **state)
            return Coalesce(Subquery(rows.values("case_id").annotate(n=Count("id")).values("n")), 0)

        return (
            super()
            .get_queryset(request)
            .annotate(pending=count(parked_at=None), parked=count(parked_at__isnull=False))
        )

    @admin.display(description=_("waiting"), ordering="pending")
    def pending(self, portal_case):
        return portal_case.pending

    @admin.display(description=_("parked"), ordering="parked")
    def parked(self, portal_case):
        return portal_case.parked

    @admin.display(description=_("mismatch"))
    def mismatch_shown(self, portal_case):
        if not portal_case.mismatch:
            return ""
        return "; ".join(
            gettext("%(field)s: ours %(ours)s, portal %(theirs)s")
            % {"field": name, "ours": ours or "-", "theirs": theirs or "-"}
            for name, (ours, theirs) in portal_case.mismatch.items()
        )

    @admin.display(description=_("messages, in the order they go"))
    def messages_shown(self, portal_case):
        states = {
            "sent": gettext("acknowledged"),
            "parked": gettext("parked"),
            "retrying": gettext("failed, will retry"),
            "pending": gettext("waiting"),
        }
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    reverse("admin:dvcqg_message_change", args=[m.pk]),
                    m.pk,
                    m.service,
                    m.payload.get("TrangThaiHoSo") or m.payload.get("TrangThai", ""),
                    _local(m.created_at),
                    _local(m.sent_at),
                    m.attempts,
                    states[m.state],
                    m.last_error or (m.reply or {}).get("message", ""),
                )
                for m in selectors.messages_of(portal_case.case_id)
            ),
        )
        head = format_html(
            "<tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th></tr>",
            gettext("service"),
            gettext("status"),
            gettext("written at"),
            gettext("acknowledged at"),
            gettext("attempts"),
            gettext("state"),
            gettext("reply or error"),
        )
        return format_html("<table>{}{}</table>", head, rows)

    @admin.action(description=_("Ask the portal about them now (TraCuuHoSo)"))
    def check_now(self, request, queryset):
        result = reconcile.reconcile(case_ids=list(queryset.values_list("case_id", flat=True)))
        self.message_user(
            request,
            gettext("Checked %(checked)d, differing %(mismatched)d, no answer %(unreachable)d.")
            % vars(result),
            messages.WARNING if result.mismatched or result.unreachable else messages.SUCCESS,
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.push_one)
        return [path("<int:pk>/push/", view, name="dvcqg_portalcase_push"), *super().get_urls()]

    def push_one(self, request, pk):
        if request.method == "POST":
            services.push_again(case_ids=[pk])
            self.message_user(request, gettext("The case was queued again."), messages.SUCCESS)
        return redirect("admin:dvcqg_portalcase_change", pk)


@admin.register(RatingsReport)
class RatingsReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "created_at", "sent_at", "attempts", "last_error"]
    readonly_fields = [f.name for f in RatingsReport._meta.fields]


# --- the catalogue -----------------------------------------------------------------------------


class PullForm(forms.Form):
    codes = forms.CharField(
        label=_("Procedure codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or more national codes, separated by spaces; empty: every procedure."),
    )


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(ReadOnlyAdmin):
    """The portal's catalogue against ours: an administrator confirms what to apply."""

    list_display = ["procedure", "field", "ours_shown", "portal_shown", "pulled_at", "applied_at"]
    list_filter = [("applied_at", admin.EmptyFieldListFilter), "field"]
    search_fields = ["procedure__code", "procedure__name"]
    list_select_related = ["procedure"]
    actions = ["apply"]
    change_list_template = "admin/dvcqg/cataloguechange/change_list.html"

    @admin.display(description=_("ours"))
    def ours_shown(self, change):
        return _catalogue_value(change.ours)

    @admin.display(description=_("the portal's"))
    def portal_shown(self, change):
        shown = _catalogue_value(change.portal)
        return shown if catalogue.applicable(change) else gettext("%s (cannot apply)") % shown

    @admin.action(description=_("Apply the portal's values"))
    def apply(self, request, queryset):
        pending = queryset.filter(applied_at=None)
        if request.POST.get("confirmed") == "yes":
            count = catalogue.apply(changes=pending)
            self.message_user(request, gettext("Changes applied: %d.") % count, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Apply these changes to the catalogue?"),
            "changes": [
                (c, _catalogue_value(c.ours), _catalogue_value(c.portal), catalogue.applicable(c))
                for c in pending.select_related("procedure")
            ],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/dvcqg/catalogue_apply.html", context)

    def get_urls(self):
        view = self.admin_site.admin_view(self.pull)
        return [path("pull/", view, name="dvcqg_catalogue_pull"), *super().get_urls()]

    def pull(self, request):
        form = PullForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            codes = form.cleaned_data["codes"].split() or None
            tasks.pull_catalogue.delay(codes)
            self.message_user(
                request,
                gettext("Asked the portal; the differences appear here once it has answered."),
                messages.SUCCESS,
            )
            return redirect("admin:dvcqg_cataloguechange_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Pull the catalogue from the portal"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/dvcqg/catalogue_pull.html", context)


def _catalogue_value(value) -> str:
    if isinstance(value, dict):  # a processing time
        return f"{value.get('value')} {value.get('unit')}"
    if isinstance(value, list):  # fee items
        return "; ".join(f"{f['code']} {f['name']}: {money.vnd(f['amount'])}" for f in value) or "-"
    return str(value)


# --- the simulator -----------------------------------------------------------------------------


class SimulatorForm(forms.Form):
    down = forms.BooleanField(label=_("Down (answers 503)"), required=False)
    delay_ms = forms.IntegerField(label=_("Delay (ms)"), min_value=0, max_value=60_000)
    faults = forms.MultipleChoiceField(
        label=_("Answer the next requests with"),
        required=False,
        choices=[(name, name) for name in simulator.FAULT_NAMES],
        widget=forms.CheckboxSelectMultiple,
    )


@admin.register(SimulatorRecord)
class SimulatorRecordAdmin(ReadOnlyAdmin):
    """What the portal simulator received, per case (MaHoSo) in the order it came."""

    list_display = ["ma_ho_so", "id", "received_at", "service", "status", "content", "answer"]
    list_filter = ["service", "accepted"]
    search_fields = ["ma_ho_so"]
    ordering = ["-ma_ho_so", "id"]
    readonly_fields = [f.name for f in SimulatorRecord._meta.fields]
    change_list_template = "admin/dvcqg/simulatorrecord/change_list.html"

    @admin.display(description=_("status"))
    def status(self, record):
        data = record.data if isinstance(record.data, dict) else {}
        return data.get("TrangThaiHoSo") or data.get("TrangThai") or ""

    @admin.display(description=_("content"))
    def content(self, record):
        data = record.data if isinstance(record.data, dict) else {}
        return data.get("NoiDungXuLy") or data.get("TenTTHC") or ""

    @admin.display(description=_("answer"))
    def answer(self, record):
        return f"{record.reply.get('error_code')} {record.reply.get('message', '')}"

    def changelist_view(self, request, extra_context=None):
        extra = {"simulator_on": not settings.DVCQG_URL, "control": simulator.control()}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        view = self.admin_site.admin_view(self.control)
        return [path("control/", view, name="dvcqg_simulator_control"), *super().get_urls()]

    def control(self, request):
        state = simulator.control()
        form = SimulatorForm(request.POST or None, initial=state)
        if request.method == "POST" and form.is_valid():
            simulator.set_control(**form.cleaned_data)
            self.message_user(request, gettext("The simulator was changed."), messages.SUCCESS)
            return redirect(reverse("admin:dvcqg_simulatorrecord_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Control the portal simulator"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/dvcqg/simulator_control.html", context)
