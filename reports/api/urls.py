from django.urls import path

from . import views

urlpatterns = [
    path("reports/kpis/", views.KPIReportView.as_view(), name="report-kpis"),
    path("reports/kpis/<str:kpi>/cases/", views.KPICasesView.as_view(), name="report-kpi-cases"),
    path(
        "reports/kpis/<str:kpi>/procedures/",
        views.KPIProceduresView.as_view(),
        name="report-kpi-procedures",
    ),
    path("reports/scorecard/", views.ScorecardView.as_view(), name="report-scorecard"),
    path("reports/throughput/", views.ThroughputView.as_view(), name="report-throughput"),
    path("reports/ratings/", views.RatingListView.as_view(), name="report-ratings"),
    path("public/cases/<str:code>/rating/", views.PublicRatingView.as_view(), name="public-rating"),
]
