from django.urls import path

from . import views

urlpatterns = [
    path("cases/<str:code>/payments/", views.CasePaymentsView.as_view(), name="case-payments"),
    path(
        "cases/<str:code>/payments/<str:reference>/refund/",
        views.PaymentRefundView.as_view(),
        name="payment-refund",
    ),
    path(
        "cases/<str:code>/exemptions/", views.CaseExemptionsView.as_view(), name="case-exemptions"
    ),
    path("payments/callback/paygov/", views.PayGovCallbackView.as_view(), name="paygov-callback"),
]
