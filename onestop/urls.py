"""The one module of the ground that knows every app, as URLconfs do."""

from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.api.views import CODE_IN_URL
from desk import api as desk_api
from notifications import views as notification_pages
from onestop import health
from payments import views as payment_pages
from reports import views as report_pages


class CodeConverter:
    """A case code, submission reference or username in a URL: no NUL (PostgreSQL cannot
    store it) and no longer than anything we issue, so a bad one is a 404 before any query."""

    regex = CODE_IN_URL

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CodeConverter, "code")


def _api_docs():
    """Swagger UI under the site's CSP: its start script is a file of its own (the split
    view), and the styles it writes into its elements are allowed on this page only. Its
    files come from SWAGGER_UI_DIST: a host named there is allowed here, none when they are
    our own static files."""
    dist = urlsplit(spectacular_settings.SWAGGER_UI_DIST)
    host = [f"{dist.scheme}://{dist.netloc}"] if dist.netloc else []
    policy = {
        "script-src": [SELF, *host],
        "style-src": [SELF, UNSAFE_INLINE, *host],
        "img-src": [SELF, "data:", *host],
    }
    return csp_update(policy)(SpectacularSwaggerSplitView.as_view(url_name="schema"))


urlpatterns = [
    path("alerts/", notification_pages.alerts_page, name="alerts"),
    path("alerts/read/", notification_pages.alerts_mark_read, name="alerts-read"),
    path("health/", health.health, name="health"),
    path("rating/", report_pages.rate, name="rate-case"),
    path("", include("portal.urls")),
    path("", include("desk.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", _api_docs(), name="api-docs"),
    path("api/v1/me/", desk_api.MeView.as_view(), name="me"),
    path("api/v1/", include("notifications.urls")),
    path("api/v1/", include("cases.api.urls")),
    path("api/v1/", include("documents.api.urls")),
    path("", include("documents.urls")),
    path("api/v1/", include("payments.api.urls")),
    path("payments/", include("payments.urls")),
    path("reports/payments/", payment_pages.payments_day, name="reports-payments"),
    path("api/v1/", include("reports.api.urls")),
    path("reports/", include("reports.urls")),
    path("", include("nationalid.urls")),
    path("api/v1/", include("feedback.api.urls")),
    path("", include("feedback.urls")),
    path("dvcqg/", include("dvcqg.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "cases.api.errors.not_found"
