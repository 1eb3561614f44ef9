"""DRF throttles on the one limiter (onestop/ratelimit.py) and the one client identity."""

from rest_framework.throttling import BaseThrottle

from onestop.ratelimit import ONLINE_FILING, client_over_rate


class ClientRateThrottle(BaseThrottle):
    """At most the rate in `settings.<rate_setting>` per client, for every request."""

    scope = ""
    rate_setting = ""

    def allow_request(self, request, view):
        self._wait = client_over_rate(request, self.scope, self.rate_setting)
        return self._wait is None

    def wait(self):
        return self._wait


class TokenThrottle(ClientRateThrottle):
    scope, rate_setting = "token", "TOKEN_RATE"


class OnlineFilingThrottle(ClientRateThrottle):
    """Filing without staff; the portal's form counts in the same scope (one limit)."""

    scope, rate_setting = ONLINE_FILING


class VerifyThrottle(ClientRateThrottle):
    """Checking a signature costs real CPU: anyone may, but not without end."""

    scope, rate_setting = "verify", "PUBLIC_VERIFY_RATE"
