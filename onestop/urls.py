from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases import views as case_pages
from notifications import views as notification_pages

urlpatterns = [
    path("", case_pages.home, name="home"),
    path("alerts/", notification_pages.alerts_page, name="alerts"),
    path("alerts/read/", notification_pages.alerts_mark_read, name="alerts-read"),
    path("health/", notification_pages.health, name="health"),
    path("", include("cases.web.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("notifications.urls")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("documents.api.urls")),
    path("", include("documents.urls")),
    path("api/v1/", include("payments.api.urls")),
    path("payments/", include("payments.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
