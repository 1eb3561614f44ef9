"""The Zalo Official Account's access token, renewed before it expires by one process.

Zalo gives an access token valid `expires_in` seconds and a refresh token that works once:
`POST {ZALO_OAUTH_URL}` (header `secret_key`; form `app_id`, `grant_type=refresh_token`,
`refresh_token`) answers a new pair. Two workers renewing at once would spend the same
refresh token twice and the loser's error could overwrite the winner's tokens, losing
the only valid refresh token. So one process renews at a time: it claims the row's lease
(`refreshing_until`) by compare-and-set, calls Zalo with no transaction open, and stores
the new pair the moment it arrives; the others keep using the current access token (still
valid: renewal starts `ZALO_TOKEN_MARGIN_SECONDS` before expiry) or wait for the renewal.
"""

import json
import logging
import time
import urllib.parse
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .channels.http import post
from .models import ZaloToken

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30
WAIT_SECONDS = 5  # for another process's renewal when our token has expired


def _row() -> ZaloToken:
    token, _ = ZaloToken.objects.get_or_create(
        pk=1, defaults={"refresh_token": settings.ZALO_REFRESH_TOKEN}
    )
    return token


def access_token(*, now: datetime | None = None) -> str:
    """A valid access token ("" if none can be had: the channel is then unusable)."""
    now = now or timezone.now()
    token = _row()
    if _fresh(token, now):
        return token.access_token
    if renew(now=now):
        return _row().access_token
    # Someone else is renewing: use theirs once stored, else what we have (still valid
    # through the margin, or Zalo answers -124 and the message is retried).
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        token = _row()
        if _fresh(token, now) or token.refreshing_until is None:
            break
        time.sleep(0.1)
    return token.access_token if token.expires_at and token.expires_at > now else ""


def _fresh(token: ZaloToken, now: datetime) -> bool:
    margin = timedelta(seconds=settings.ZALO_TOKEN_MARGIN_SECONDS)
    expires_at = token.expires_at
    return bool(token.access_token) and expires_at is not None and expires_at > now + margin


def renew(*, now: datetime | None = None) -> bool:
    """Renew the tokens if no other process is; True if this call renewed them."""
    now = now or timezone.now()
    _row()
    claimed = ZaloToken.objects.filter(
        Q(refreshing_until=None) | Q(refreshing_until__lt=now), pk=1
    ).update(refreshing_until=now + timedelta(seconds=LEASE_SECONDS))
    if not claimed:
        return False
    refresh_token = ZaloToken.objects.values_list("refresh_token", flat=True).get(pk=1)
    try:
        answer = _ask_zalo(refresh_token)
    except (OSError, ValueError) as exc:
        # Whether Zalo spent the refresh token is unknown; the next renewal will say.
        ZaloToken.objects.filter(pk=1).update(
            refreshing_until=None, last_error=f"{type(exc).__name__}: {exc}"
        )
        logger.error("Zalo token renewal failed: %s", exc)
        return False
    if not answer.get("access_token"):
        ZaloToken.objects.filter(pk=1).update(
            refreshing_until=None, last_error=json.dumps(answer, ensure_ascii=False)[:500]
        )
        logger.error("Zalo refused to renew the token: %s", answer)
        return False
    # At once, before anything else can fail: the old refresh token is spent.
    stored_at = timezone.now()
    ZaloToken.objects.filter(pk=1).update(
        access_token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        expires_at=stored_at + timedelta(seconds=int(answer["expires_in"])),
        refreshed_at=stored_at,
        refreshing_until=None,
        last_error="",
    )
    return True


def _ask_zalo(refresh_token: str) -> dict:
    form = urllib.parse.urlencode(
        {
            "app_id": settings.ZALO_APP_ID,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
    ).encode()
    _, answer = post(
        settings.ZALO_OAUTH_URL, form, "application/x-www-form-urlencoded", settings.ZALO_TIMEOUT,
        headers={"secret_key": settings.ZALO_SECRET_KEY},
    )  # fmt: skip
    return json.loads(answer or b"{}")


def forget_access_token(token: str) -> None:
    """Zalo refused this access token (-124): renew at the next send."""
    ZaloToken.objects.filter(pk=1, access_token=token).update(expires_at=timezone.now())
