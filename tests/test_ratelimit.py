"""The limiter: one Redis round trip a request, O(1) counters, open when Redis is down."""

import logging

import pytest
import redis

from cases.public_lookup import LookupThrottled, case_public_lookup
from onestop import ratelimit
from onestop.ratelimit import Hit, Limit, exceeded

from .conftest import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the requests the limiter sends to Redis (the real Redis still answers)."""
    trips = []
    execute = redis.client.Pipeline.execute
    command = redis.Redis.execute_command

    def counted_execute(pipe, *args, **kwargs):
        trips.append("pipeline")
        return execute(pipe, *args, **kwargs)

    def counted_command(client, *args, **kwargs):
        trips.append(args[0])
        return command(client, *args, **kwargs)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counted_execute)
    monkeypatch.setattr(redis.Redis, "execute_command", counted_command)
    return trips


@pytest.mark.parametrize("right_pin", [True, False])
def test_a_public_lookup_costs_one_redis_round_trip(file_case, round_trips, right_pin):
    case = file_case(vn(2026, 11, 27, 9, 0))
    pin = case.pin if right_pin else "AAAAAAAA"
    round_trips.clear()

    found = case_public_lookup(code=case.code, pin=pin, client="203.0.113.7")

    assert (found is not None) == right_pin
    assert round_trips == ["pipeline"]


def test_a_counter_is_one_integer_whatever_the_count():
    """Not DRF's pickled list of timestamps, which grows with the limit."""
    limit = Limit("test", 1000, 3600)
    for _ in range(50):
        assert exceeded([Hit(limit, "203.0.113.7")], now=7200.0) is None
    key = ratelimit._key(Hit(limit, "203.0.113.7"), 7200.0)
    assert ratelimit._redis(ratelimit.settings.REDIS_URL).get(key) == b"50"


def test_over_the_limit_says_how_long_to_wait():
    limit = Limit("test", 2, 60)
    hits = [exceeded([Hit(limit, "x")], now=6000.0 + 15) for _ in range(3)]
    assert hits == [None, None, 45]


@pytest.fixture
def redis_down(settings, monkeypatch):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CACHES = {
        "default": {"BACKEND": "onestop.cache.RedisCache", "LOCATION": settings.REDIS_URL}
    }
    monkeypatch.setattr(ratelimit, "_local", ratelimit._LocalCounters())  # this test's own


def test_with_redis_down_the_limits_hold_in_the_process_with_a_warning(redis_down, caplog):
    """Regression: with Redis down every limit was off."""
    limit = Limit("test", 2, 60)
    with caplog.at_level(logging.WARNING, logger="onestop.ratelimit"):
        hits = [exceeded([Hit(limit, "x")], now=6000.0 + 15) for _ in range(3)]
    assert hits == [None, None, 45]
    assert exceeded([Hit(limit, "y")], now=6000.0 + 15) is None  # another client
    assert exceeded([Hit(limit, "x")], now=6060.0) is None  # the next window
    # Redis was asked once: the outage is remembered, so no request waits on its timeout.
    assert caplog.text.count("the counter store is unreachable") == 1


def test_with_redis_down_pin_guessing_on_one_case_is_still_stopped(redis_down, file_case):
    """Regression: with Redis down 300 wrong PINs on one case went through in 0.7 s."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    answers = []
    for n in range(7):
        try:
            answers.append(case_public_lookup(code=case.code, pin=f"AAAAAAA{n}", client="x"))
        except LookupThrottled:
            answers.append("throttled")
    assert answers == [None] * 5 + ["throttled"] * 2
    # The right PIN from another client still works.
    assert case_public_lookup(code=case.code, pin=case.pin, client="y") == case


def test_the_counters_kept_in_memory_are_bounded(redis_down, monkeypatch):
    monkeypatch.setattr(ratelimit, "LOCAL_KEYS", 100)
    limit = Limit("test", 1, 60)
    exceeded([Hit(limit, "attacker")], now=60.0)
    for n in range(300):  # flooding new keys, while the attacker keeps asking
        exceeded([Hit(limit, f"other-{n}")], now=60.0)
        exceeded([Hit(limit, "attacker", count=False)], now=60.0)
    assert len(ratelimit._local._values) == 100
    assert exceeded([Hit(limit, "attacker")], now=60.0) == 60  # its count survived


def test_without_redis_the_counters_live_in_the_django_cache(settings):
    settings.REDIS_URL = ""  # the embedded mode
    limit = Limit("test", 1, 60)
    assert exceeded([Hit(limit, "x")], now=60.0) is None
    assert exceeded([Hit(limit, "x")], now=60.0) == 60
