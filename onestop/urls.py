from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import views as case_pages

urlpatterns = [
    path("", case_pages.home, name="home"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("cases.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "cases.api.errors.not_found"
