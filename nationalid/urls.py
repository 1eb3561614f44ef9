from django.urls import include, path

from . import views

urlpatterns = [
    path("national-id/", views.account, name="nationalid-account"),
    path("national-id/start/", views.start, name="nationalid-start"),
    path("national-id/callback/", views.callback, name="nationalid-callback"),
    path("national-id/link/", views.link, name="nationalid-link"),
    path("national-id/logout/", views.logout, name="nationalid-logout"),
    path("national-id/signed-out/", views.signed_out, name="nationalid-signed-out"),
    path("idp-sim/", include("nationalid.simulator.urls")),
]
