from django.urls import path

from . import api, webhooks

urlpatterns = [
    path("alerts/", api.StaffAlertList.as_view(), name="staff-alerts"),
    path("alerts/<int:pk>/read/", api.StaffAlertRead.as_view(), name="staff-alert-read"),
    path(
        "cases/<code:code>/apology-draft/",
        api.ApologyDraftView.as_view(),
        name="case-apology-draft",
    ),
    path("messaging/zalo/events/", webhooks.zalo_events, name="zalo-events"),
    path("messaging/bounces/", webhooks.email_bounces, name="email-bounces"),
]
