from django.urls import path

from . import views

urlpatterns = [
    path("simulator/auth/", views.simulator_auth, name="dvcqg-simulator-auth"),
    path("simulator/api/", views.simulator_api, name="dvcqg-simulator-api"),
]
