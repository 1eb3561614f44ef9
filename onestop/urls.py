from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import views as case_pages
from reports import views as report_pages

urlpatterns = [
    path("", case_pages.home, name="home"),
    path("rating/", report_pages.rate, name="rate-case"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("reports/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
