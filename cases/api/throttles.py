"""DRF throttles on the one limiter (onestop/ratelimit.py) and the one client identity."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from onestop.clients import client_ip
from onestop.ratelimit import Hit, Limit, exceeded


class ClientRateThrottle(BaseThrottle):
    """At most the rate in `settings.<rate_setting>` per client, for every request."""

    scope = ""
    rate_setting = ""

    def allow_request(self, request, view):
        limit = Limit.parse(self.scope, getattr(settings, self.rate_setting))
        self._wait = exceeded([Hit(limit, client_ip(request))])
        return self._wait is None

    def wait(self):
        return self._wait


class TokenThrottle(ClientRateThrottle):
    scope, rate_setting = "token", "TOKEN_RATE"


class OnlineFilingThrottle(ClientRateThrottle):
    scope, rate_setting = "online-filing", "ONLINE_FILING_RATE"


class VerifyThrottle(ClientRateThrottle):
    """Checking a signature costs real CPU: anyone may, but not without end."""

    scope, rate_setting = "verify", "PUBLIC_VERIFY_RATE"
