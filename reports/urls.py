from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="reports-dashboard"),
    path("kpis/<str:kpi>/", views.kpi_cases, name="reports-kpi-cases"),
    path("ratings/", views.ratings, name="reports-ratings"),
]
