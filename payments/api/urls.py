from django.urls import path

from . import views

urlpatterns = [
    path("cases/<code:code>/payments/", views.CasePaymentsView.as_view(), name="case-payments"),
    path(
        "cases/<code:code>/payments/<code:reference>/refund/",
        views.PaymentRefundView.as_view(),
        name="payment-refund",
    ),
    path(
        "cases/<code:code>/payments/<code:reference>/receipt/",
        views.PaymentReceiptView.as_view(),
        name="payment-receipt",
    ),
    path(
        "cases/<code:code>/exemptions/", views.CaseExemptionsView.as_view(), name="case-exemptions"
    ),
    path("payments/callback/paygov/", views.PayGovCallbackView.as_view(), name="paygov-callback"),
]
