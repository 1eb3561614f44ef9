"""Onestop's URLs, and the hand-written baselines the benchmark compares them with."""

from django.urls import include, path

from . import baseline

urlpatterns = [
    path("bench/bare/", baseline.bare),
    path("bench/lookup/<str:code>/", baseline.public_lookup),
    path("bench/cases/<str:code>/", baseline.case_page),
    path("bench/cases/", baseline.case_list),
    path("bench/procedures/", baseline.procedures),
    path("bench/agencies/", baseline.agencies),
    path("bench/filing/", baseline.filing),
    path("", include("onestop.urls")),
]
