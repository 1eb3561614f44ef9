"""The counter desk (bộ phận một cửa): intake, the receipt, online submissions, the work queue."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import selectors, services
from cases.api.filters import CaseFilter
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Procedure, Role, Status
from cases.models.case import OPEN_STATES
from onestop import once

from .common import mark_due, paginate, pin_for, put_errors, remember_pin, staff_required
from .forms import IntakeForm

SEARCH_RESULTS = 12


@staff_required(Role.COUNTER_STAFF)
def procedure_options(request):
    """Search as you type: the procedures matching the words typed (an HTMX fragment)."""
    text = request.GET.get("q", "").strip()
    procedures = selectors.procedure_search(text=text)[:SEARCH_RESULTS] if text else []
    return render(request, "desk/_procedure_options.html", {"procedures": procedures, "q": text})


@staff_required(Role.COUNTER_STAFF)
def intake(request):
    """Tiếp nhận hồ sơ: choose the procedure, type the applicant, tick the documents, file."""
    code = request.POST.get("procedure") or request.GET.get("procedure")
    procedure = (
        get_object_or_404(Procedure.objects.select_related("agency"), code=code, is_active=True)
        if code
        else None
    )
    form = None
    if procedure is not None:
        if request.method == "POST":
            form = IntakeForm(request.POST, procedure=procedure)
            if form.is_valid():
                reference = _file(request, form, procedure)
                if reference:
                    return redirect("receipt", code=reference)
        else:
            form = IntakeForm(procedure=procedure, initial={"token": once.new_token()})
    status = 400 if form is not None and form.errors else 200
    text = request.GET.get("q", "").strip()
    context = {
        "procedure": procedure,
        "form": form,
        "q": text,
        # Without JavaScript the search form lands here: the same list as the live search.
        "procedures": selectors.procedure_search(text=text)[:SEARCH_RESULTS] if text else [],
    }
    return render(request, "desk/intake.html", context, status=status)


def _file(request, form, procedure) -> str | None:
    """File the case once per form; its reference, or None with the error on the form."""

    def work():
        case = services.case_file(
            procedure=procedure,
            applicant=form.applicant(),
            channel=form.cleaned_data["channel"],
            documents=form.document_list(),
            by=request.user,
        )
        remember_pin(request, case)
        return case.reference

    try:
        return once.run_once(
            scope=f"intake:{request.user.pk}", token=form.cleaned_data["token"], work=work
        )
    except ValidationError as error:
        put_errors(form, error)
    except (ActionForbidden, InvalidTransition) as error:
        form.add_error(None, str(error))
    except once.StillRunning:
        form.add_error(None, _("This form is already being filed; look for it in the queue."))
    return None


@staff_required()
def receipt(request, code):
    """Giấy tiếp nhận và hẹn trả kết quả (form 01), for printing."""
    case = selectors.case_get_for_user(
        user=request.user, code_or_reference=code, with_timeline=True
    )
    if case is None or case.code is None:
        raise Http404
    context = {
        "case": case,
        # Each document received with how many copies of what the catalogue asks for.
        "documents": [
            (document, case.procedure.document_named(document.name))
            for document in case.documents.all()
        ],
        "pin": pin_for(request, case),
        "received_by": selectors.receiving_clerk_name(case),
        "receipt_desk": Role.COUNTER_STAFF in request.user.roles,
    }
    return render(request, "desk/receipt.html", context)


@staff_required(Role.COUNTER_STAFF)
def submissions(request):
    """Online submissions waiting at the counter: accept or refuse each."""
    cases = (
        selectors.cases_visible_to(request.user)
        .filter(status=Status.SUBMITTED)
        .prefetch_related("documents")
        .order_by("submitted_at", "id")
    )
    return render(request, "desk/submissions.html", {"page": paginate(request, cases)})


class WorkQueueFilter(CaseFilter):
    """The API's case filters with labels for people, and the officer by username."""

    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=Status.choices, empty_label=gettext_lazy("Open")
    )
    procedure = django_filters.CharFilter(
        field_name="procedure__code", label=gettext_lazy("Procedure code")
    )
    officer = django_filters.ModelChoiceFilter(
        field_name="assigned_to",
        label=gettext_lazy("Officer"),
        queryset=selectors.staff_with_role(Role.OFFICER).order_by("username"),
        to_field_name="username",
        empty_label=gettext_lazy("Anyone"),
    )
    due = django_filters.ChoiceFilter(
        label=gettext_lazy("Due"),
        choices=[("soon", gettext_lazy("due soon")), ("overdue", gettext_lazy("overdue"))],
        empty_label=gettext_lazy("Any time"),
        method="filter_due",
    )
    search = django_filters.CharFilter(
        label=gettext_lazy("Code, name or ID number"), method="filter_search"
    )

    class Meta(CaseFilter.Meta):
        fields = []

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=OPEN_STATES)  # the work still to do
        return super().filter_queryset(queryset)


@staff_required()
def work_queue(request):
    """The open cases under the user's agency, by deadline, late and due-soon ones marked."""
    cases = selectors.cases_visible_to(request.user).order_by(
        F("appointment_at").asc(nulls_last=True), "id"
    )
    filters = WorkQueueFilter(request.GET, queryset=cases, request=request)
    form = filters.form
    for name in ("agency", "received_from", "received_to", "assigned_to"):
        form.fields.pop(name, None)
    page = paginate(request, filters.qs)  # an invalid filter shows next to its field
    page.object_list = mark_due(page.object_list, request.user)
    return render(request, "desk/queue.html", {"filter_form": form, "page": page})
