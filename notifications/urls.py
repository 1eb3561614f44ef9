from django.urls import path

from . import api

urlpatterns = [
    path("alerts/", api.StaffAlertList.as_view(), name="staff-alerts"),
    path("alerts/<int:pk>/read/", api.StaffAlertRead.as_view(), name="staff-alert-read"),
    path(
        "cases/<code:code>/apology-draft/",
        api.ApologyDraftView.as_view(),
        name="case-apology-draft",
    ),
]
