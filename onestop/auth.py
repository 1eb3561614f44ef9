"""Failed-login limits (django-axes, counted in the database so they survive a Redis outage).

No stranger can lock a member of staff out. Failures count against the client, and against
the pair (client, username); never against the username alone, which anyone can type:
- a client with LOGIN_CLIENT_MAX_FAILURES failures within the cool-off is refused, whatever
  the username (429);
- a client with AXES_FAILURE_LIMIT failures on one username is refused on that username;
- a username attacked from many clients (AXES_FAILURE_LIMIT failures or more in all) slows
  down the clients that failed on it: each waits after its last failure one second per
  AXES_FAILURE_LIMIT failures the username took, doubled at each of its own failures (at
  most LOGIN_SLOWDOWN_MAX_SECONDS). A client that never failed on it logs in at once.
Refused attempts are not counted, so a lock ends a cool-off after the last real failure.
`manage.py axes_reset_username NAME` forgets a username's failures (lifting its pair locks
and its slow-down); `axes_reset_ip ADDRESS` a client's.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.utils import timezone


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins over the web.

    `authenticate()` without a request (a shell, a management command) has no client to
    limit: it passes through to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def login_username(request, credentials) -> str | None:
    """The username django-axes counts failures on, as it can be stored: a login form may
    send anything (10,000 characters, a NUL byte), and a failure must still be a 400."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:150]


@dataclass(frozen=True)
class Failures:
    """The failures within the cool-off that bear on one login attempt."""

    client: int  # from this client, on any username
    pair: int  # from this client on this username
    username: int  # on this username, from every client
    pair_last: datetime | None  # this client's last failure on this username

    def locked(self) -> bool:
        return (
            self.client >= settings.LOGIN_CLIENT_MAX_FAILURES
            or self.pair >= settings.AXES_FAILURE_LIMIT
        )

    def slowed_for(self, now: datetime) -> int:
        """Seconds this client must still wait before trying this username again."""
        attacked = self.username // settings.AXES_FAILURE_LIMIT
        if not attacked or not self.pair:
            return 0
        delay = min(attacked * 2 ** (self.pair - 1), settings.LOGIN_SLOWDOWN_MAX_SECONDS)
        return max(0, math.ceil(delay - (now - self.pair_last).total_seconds()))


def failures(request, credentials) -> Failures:
    """One query over the attempts of this client or on this username in the cool-off."""
    client = request.axes_ip_address
    username = get_client_username(request, credentials)
    pair = Q(ip_address=client, username=username)
    counts = AccessAttempt.objects.filter(
        Q(ip_address=client) | Q(username=username),
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(
        from_client=Sum("failures_since_start", filter=Q(ip_address=client), default=0),
        from_pair=Sum("failures_since_start", filter=pair, default=0),
        on_username=Sum("failures_since_start", filter=Q(username=username), default=0),
        pair_last=Max("attempt_time", filter=pair),
    )
    return Failures(
        counts["from_client"], counts["from_pair"], counts["on_username"], counts["pair_last"]
    )


class LoginLimitHandler(AxesDatabaseHandler):
    """django-axes' database handler, locking by client and by pair, slowing a username."""

    def is_locked(self, request, credentials=None) -> bool:
        found = failures(request, credentials)
        if found.locked():
            return True
        wait = found.slowed_for(timezone.now())
        if wait:
            request.login_wait = wait
        return bool(wait)

    def get_failures(self, request, credentials=None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT after a failure: the limit itself once
        the client or the pair is locked, else the pair's count."""
        found = failures(request, credentials)
        return settings.AXES_FAILURE_LIMIT if found.locked() else found.pair


def login_wait(request) -> int:
    """Seconds a refused login must wait: its slow-down, else a whole cool-off."""
    return getattr(request, "login_wait", None) or math.ceil(settings.AXES_COOLOFF_TIME * 3600)
