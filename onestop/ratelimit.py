"""Fixed-window counters in Redis: one pipelined round trip for all the limits of a request.

Each counter is one integer key per window (`INCR` then `EXPIRE`), so a request costs O(1)
whatever the limit. Without Redis (the embedded mode) the counters live in the Django cache.
When the counter store cannot be reached the limits hold in each process's own memory,
with a logged warning: the public pages stay up and guessing stays slow (with N worker
processes a client gets at most N times its limit), and Redis is not asked again for
OUTAGE_SECONDS, so a dead Redis costs no request its timeout. Login attempts are limited by
django-axes, which keeps its counts in the database.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.core.cache import cache

from .clients import client_ip

logger = logging.getLogger(__name__)

# A limiter must never make a request wait on a Redis that is down or unreachable.
REDIS_TIMEOUT_SECONDS = 0.25
# After a failure the counters stay in memory this long before Redis is tried again.
OUTAGE_SECONDS = 5.0
# Counters kept in memory during an outage, least recently used dropped first: a client's
# own counters are touched at each of its requests, so flooding new keys cannot drop them.
LOCAL_KEYS = 100_000

# As DRF reads a rate: "N/s", "N/sec", "N/minute", "N/hour", "N/day" (the first letter counts).
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `window` seconds."""

    scope: str
    count: int
    window: int

    @classmethod
    def parse(cls, scope: str, rate: str) -> "Limit":
        """`Limit.parse("lookup", "600/hour")`: DRF's rate notation."""
        count, period = rate.split("/")
        return cls(scope, int(count), PERIODS[period.strip()[0]])


@dataclass(frozen=True)
class Hit:
    """One counter touched by a request: counted (`INCR`) or only read."""

    limit: Limit
    ident: str
    count: bool = True


def _key(hit: Hit, now: float) -> str:
    # Idents can be long (a 10,000-character case code): hash them to a bounded key.
    ident = hashlib.blake2b(hit.ident.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return cache.make_key(f"rl:{hit.limit.scope}:{ident}:{int(now // hit.limit.window)}")


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )


def _counts(hits: list[Hit], now: float) -> list[int]:
    keys = [_key(hit, now) for hit in hits]
    if not settings.REDIS_URL:
        values = []
        for hit, key in zip(hits, keys, strict=True):
            if hit.count:
                cache.add(key, 0, timeout=hit.limit.window)
                values.append(cache.incr(key))
            else:
                values.append(cache.get(key, 0))
        return values
    pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
    for hit, key in zip(hits, keys, strict=True):
        if hit.count:
            pipe.incr(key)
            pipe.expire(key, hit.limit.window)
        else:
            pipe.get(key)
    replies = iter(pipe.execute())
    values = []
    for hit in hits:
        values.append(int(next(replies) or 0))
        if hit.count:
            next(replies)  # EXPIRE's answer
    return values


class _LocalCounters:
    """This process's fixed-window counters, while the counter store is unreachable."""

    def __init__(self):
        self._lock = threading.Lock()
        self._values: OrderedDict[str, int] = OrderedDict()  # a key names its window
        self.down_until: dict[str, float] = {}  # store's URL: monotonic time to ask it again

    def counts(self, hits: list[Hit], now: float) -> list[int]:
        values = []
        with self._lock:
            for hit in hits:
                key = _key(hit, now)
                value = self._values.pop(key, 0) + hit.count
                self._values[key] = value  # now the most recently used
                values.append(value)
            while len(self._values) > LOCAL_KEYS:
                self._values.popitem(last=False)
        return values


_local = _LocalCounters()


def exceeded(hits: list[Hit], now: float | None = None) -> int | None:
    """Count the hits; the seconds to wait if any limit is exceeded, else None.

    A counted hit is over its limit when it is beyond `count`; a read one when `count`
    hits were already made. Atomic: parallel requests each see their own number.
    """
    if not hits:
        return None
    now = time.time() if now is None else now
    store = settings.REDIS_URL
    if time.monotonic() < _local.down_until.get(store, 0.0):
        values = _local.counts(hits, now)
    else:
        try:
            values = _counts(hits, now)
        except (redis.RedisError, OSError, ValueError) as exc:  # ValueError: the cache's incr
            logger.warning(
                "Rate limits count in this process: the counter store is unreachable (%s)", exc
            )
            _local.down_until[store] = time.monotonic() + OUTAGE_SECONDS
            values = _local.counts(hits, now)
    waits = [
        hit.limit.window - int(now % hit.limit.window)
        for hit, value in zip(hits, values, strict=True)
        if value > hit.limit.count or (not hit.count and value >= hit.limit.count)
    ]
    return max(waits) if waits else None


# Writes anyone may make, each one limit per client whether it comes by the API or a page:
# (scope, the setting holding its rate).
ONLINE_FILING = ("online-filing", "ONLINE_FILING_RATE")
FEEDBACK_FILING = ("feedback-filing", "ONLINE_FILING_RATE")
SIGNUP = ("signup", "ONLINE_FILING_RATE")


def client_over_rate(request, scope: str, rate_setting: str) -> int | None:
    """Count this request against its client's `settings.<rate_setting>` ("N/hour") under
    `scope`; the seconds to wait if over, else None. The API's throttles and the web's
    forms share it, so one scope is one limit per client, web and API alike."""
    limit = Limit.parse(scope, getattr(settings, rate_setting))
    return exceeded([Hit(limit, client_ip(request))])
