from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:document_id>/", views.verify_document, name="verify-document"),
]
