"""A form posted twice (a double click, a resent request) does its work once.

Each form carries a random token; the first post with it claims the token and stores its
answer (the case's reference); a repeat waits for that answer and gets the same. Claims are
rows in the database (the primary key makes the claim atomic), not cache entries: the pages
that file a case or take a fee keep working, and exactly once, while Redis is down.
"""

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from .models import FormClaim

PENDING = "…"
TOKEN_TTL = timedelta(hours=6)  # a form left open over lunch can still be submitted once


class StillRunning(Exception):
    """The first post with this token has not finished within the wait."""


def new_token() -> str:
    return secrets.token_urlsafe(16)


def run_once(*, scope: str, token: str, work: Callable[[], str], wait: float = 10.0) -> str:
    """`work()`'s answer, computed by the first post with this token only."""
    key = hashlib.blake2b(f"{scope}:{token}".encode(), digest_size=32).hexdigest()
    claims = FormClaim.objects.filter(key=key)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if _claim(key):
            try:
                answer = work()
            except BaseException:
                claims.delete()  # nothing was done: the user may correct and post again
                raise
            claims.update(answer=answer)
            return answer
        answer = claims.values_list("answer", flat=True).first()
        if answer not in (None, PENDING):
            return answer
        time.sleep(0.05)  # the first post is still at work (or just failed: then we try)
    raise StillRunning


def _claim(key: str) -> bool:
    now = timezone.now()
    FormClaim.objects.filter(claimed_at__lt=now - TOKEN_TTL).delete()
    _row, created = FormClaim.objects.get_or_create(
        key=key, defaults={"answer": PENDING, "claimed_at": now}
    )
    return created
