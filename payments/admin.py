from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from onestop.admin import ReadOnlyAdmin

from . import reports, selectors
from .models import FeeExemption, GatewayCallback, PaymentRequest, Receipt


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnlyAdmin):
    list_display = ["reference", "case", "method", "amount", "state", "needs_review", "created_at"]
    list_filter = ["state", "method", "needs_review", "gateway"]
    search_fields = ["reference", "transaction_id", "case__code"]
    list_select_related = ["case"]
    readonly_fields = [f.name for f in PaymentRequest._meta.fields]

    def get_urls(self):
        view = self.admin_site.admin_view(self.reconciliation)
        return [
            path("reconciliation/", view, name="payments_reconciliation"),
            *super().get_urls(),
        ]

    def reconciliation(self, request):
        """Đối soát: the day's requests per agency; ?format=csv downloads it."""
        day = reports.report_day(request.GET.get("date", ""))
        if request.GET.get("format") == "csv":
            return reports.reconciliation_csv_response(day)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reconciliation report"),
            "day": day,
            "rows": selectors.reconciliation_report(day),
            "columns": selectors.REPORT_COLUMNS,
        }
        return TemplateResponse(request, "admin/payments/reconciliation.html", context)


@admin.register(GatewayCallback)
class GatewayCallbackAdmin(ReadOnlyAdmin):
    """The inbox: every callback as it came, and what became of it."""

    list_display = ["received_at", "gateway", "reference", "transaction_id", "outcome", "source"]
    list_filter = ["outcome", "gateway", "source", "checksum_ok"]
    search_fields = ["reference", "transaction_id"]
    readonly_fields = [f.name for f in GatewayCallback._meta.fields]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["label", "payment", "issued_at"]
    list_select_related = ["agency", "payment"]
    list_filter = ["year"]


@admin.register(FeeExemption)
class FeeExemptionAdmin(ReadOnlyAdmin):
    list_display = ["case", "fee_item", "reason", "granted_by", "granted_at"]
    list_select_related = ["case", "fee_item", "granted_by"]
