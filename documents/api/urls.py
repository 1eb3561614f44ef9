from django.urls import path

from . import views

urlpatterns = [
    path("cases/<code:code>/receipt/", views.ReceiptView.as_view(), name="case-receipt"),
    path("cases/<code:code>/forms/<str:form>/", views.FormView.as_view(), name="case-form"),
    path("cases/<code:code>/result/", views.CaseResultView.as_view(), name="case-result"),
    path(
        "public/cases/<code:code>/result/",
        views.PublicResultView.as_view(),
        name="public-case-result",
    ),
    path("public/verify/", views.PublicVerifyUploadView.as_view(), name="public-verify-upload"),
    path(
        "public/verify/<uuid:document_id>/",
        views.PublicVerifyDocumentView.as_view(),
        name="public-verify",
    ),
]
