from django.urls import include, path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.throttling import ScopedRateThrottle

from . import views


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


router = DefaultRouter()
router.register("procedures", views.ProcedureViewSet, basename="procedure")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("cases", views.CaseViewSet, basename="case")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    *[
        path(f"cases/<str:code>/actions/{action}/", view.as_view(), name=f"case-action-{action}")
        for action, view in views.action_views().items()
    ],
    path(
        "cases/<str:code>/documents/",
        views.CaseDocumentUploadView.as_view(),
        name="case-documents",
    ),
    path("public/cases/<str:code>/", views.PublicCaseView.as_view(), name="public-case"),
    path("", include(router.urls)),
]
