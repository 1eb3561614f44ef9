"""What a worker keeps in memory across requests, valid while its stamps are unchanged.

A stamp is a random token under a key in the shared cache. Whatever changes the data behind
a stamp renews it (`renew_stamp`), at once and again after commit; a worker checks the
stamps of what it kept on each use (`Kept.get`, one cache round trip) and reads afresh
when they moved. Users (`user_context`) and procedures (`catalogue`) are kept this way.

A request reads its stamps once: the first read takes the shared stamps (`shared_stamp`)
along, so a filing checks its user and its procedure in one round trip. It sees the
stamps as they were when it started, as it sees its user; what it renews itself, it reads
again.
"""

import logging
import secrets
import threading
import time

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.dispatch import receiver

logger = logging.getLogger(__name__)

MAX_KEPT = 4096  # per worker and kind; a few hundred bytes each
# A backstop only: a stamp renewal lost while the cache was down holds at most this long.
MAX_AGE_SECONDS = 60

_SHARED: list[str] = []  # stamps every request may need: read along with the first
_request = threading.local()  # .stamps: what this thread's request has read, key -> stamp


def shared_stamp(key: str) -> str:
    """Declare a stamp that is one key for every user (not one per user or object)."""
    _SHARED.append(key)
    return key


@receiver(request_started)
def _request_started(**kwargs):
    _request.stamps = {}


@receiver(request_finished)
def _request_finished(**kwargs):
    _request.stamps = None


def read_stamps(keys: list[str]) -> tuple:
    """The current stamps under these keys, in at most one cache round trip; in a request,
    those it has read already are not read again."""
    read = getattr(_request, "stamps", None)
    if read is None:
        return _read_stamps(keys)
    missing = [key for key in keys if key not in read]
    if missing:
        missing += [key for key in _SHARED if key not in read and key not in missing]
        read.update(zip(missing, _read_stamps(missing), strict=True))
    return tuple(read[key] for key in keys)


def _read_stamps(keys: list[str]) -> tuple:
    """The current stamps under these keys, in one cache round trip. A missing one (never
    stamped, or evicted) is made: a new stamp differs from every one an entry holds."""
    found = cache.get_many(keys)
    if len(found) < len(keys):
        for key in keys:
            if key not in found:
                cache.add(key, secrets.token_hex(8), timeout=None)
        found = cache.get_many(keys)
    return tuple(found.get(key) for key in keys)


def current_stamps(keys: list[str]) -> tuple | None:
    """`read_stamps`, or None when the cache does not answer: then nothing kept is trusted."""
    try:
        return read_stamps(keys)
    except Exception:  # the cache's own errors differ by backend (redis, file)
        logger.warning("Kept data: the cache is unavailable; read from the database.")
        return None


def renew_stamp(key: str) -> None:
    """Make what is kept under this stamp stale in every worker: now, and again after
    commit (a worker that re-read meanwhile read the old rows)."""

    def renew():
        read = getattr(_request, "stamps", None)
        if read is not None:
            read.pop(key, None)
        try:
            cache.set(key, secrets.token_hex(8), timeout=None)
        except Exception:  # the write that changed the data must not fail for the cache
            logger.warning("Kept data: the cache is unavailable; %s not renewed.", key)

    renew()
    transaction.on_commit(renew)


class Kept:
    """What a worker keeps of one kind: key -> (the stamps it was read under, when, the
    value). `stamp_keys_of(value)` names the stamps a value depends on."""

    def __init__(self, stamp_keys_of):
        self.entries: dict = {}
        self.stamp_keys_of = stamp_keys_of

    def get(self, key):
        """The kept value if its stamps are still the current ones, else None."""
        entry = self.entries.get(key)
        if (
            entry is not None
            and time.monotonic() - entry[1] < MAX_AGE_SECONDS
            and current_stamps(self.stamp_keys_of(entry[2])) == entry[0]
        ):
            return entry[2]
        return None

    def keep(self, key, stamps: tuple | None, value) -> None:
        """Keep a value read after `stamps` were read (before: a change in between must
        show as a moved stamp)."""
        if stamps is None:  # the cache did not answer: nothing is trusted later either
            return
        if len(self.entries) >= MAX_KEPT:
            self.entries.clear()
        self.entries[key] = (stamps, time.monotonic(), value)

    def forget(self, key) -> None:
        self.entries.pop(key, None)
