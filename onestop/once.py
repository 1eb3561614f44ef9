"""A form posted twice (a double click, a resent request) does its work once.

Each form carries a random token; the first post with it claims the token in the cache and
stores its answer (the case's reference); a repeat waits for that answer and gets the same.
"""

import secrets
import threading
import time
from collections.abc import Callable

from django.core.cache import cache

PENDING = "…"
TOKEN_TTL = 6 * 3600  # seconds: a form left open over lunch can still be submitted once
# Redis's add is atomic (SET NX); the embedded mode's file cache checks, then writes. Its one
# server process serves requests in threads, so claiming under a lock makes it atomic there.
_claiming = threading.Lock()


class StillRunning(Exception):
    """The first post with this token has not finished within the wait."""


def new_token() -> str:
    return secrets.token_urlsafe(16)


def run_once(*, scope: str, token: str, work: Callable[[], str], wait: float = 10.0) -> str:
    """`work()`'s answer, computed by the first post with this token only."""
    key = f"form-once:{scope}:{token}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with _claiming:
            claimed = cache.add(key, PENDING, timeout=TOKEN_TTL)
        if claimed:
            try:
                answer = work()
            except BaseException:
                cache.delete(key)  # nothing was done: the user may correct and post again
                raise
            cache.set(key, answer, timeout=TOKEN_TTL)
            return answer
        answer = cache.get(key)
        if answer not in (None, PENDING):
            return answer
        time.sleep(0.05)  # the first post is still at work (or just failed: then we try)
    raise StillRunning
