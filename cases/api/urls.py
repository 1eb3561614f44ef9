from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("procedures", views.ProcedureViewSet, basename="procedure")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("cases", views.CaseViewSet, basename="case")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    *[
        path(f"cases/<code:code>/actions/{action}/", view.as_view(), name=f"case-action-{action}")
        for action, view in views.action_views().items()
    ],
    path(
        "cases/<code:code>/documents/",
        views.CaseDocumentUploadView.as_view(),
        name="case-documents",
    ),
    path(
        "cases/<code:code>/documents/<int:document_id>/file/",
        views.CaseDocumentFileView.as_view(),
        name="case-document-file",
    ),
    path("public/cases/<code:code>/", views.PublicCaseView.as_view(), name="public-case"),
    path("", include(router.urls)),
]
