"""The limiter: one Redis round trip a request, O(1) counters, open when Redis is down."""

import logging

import pytest
import redis
from django.test import override_settings

from cases.public_lookup import case_public_lookup
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


def test_the_limits_fail_open_with_a_warning_when_redis_is_down(caplog):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        with caplog.at_level(logging.WARNING, logger="onestop.ratelimit"):
            assert exceeded([Hit(Limit("test", 0, 60), "x")]) is None
    assert "Rate limits are off" in caplog.text


def test_without_redis_the_counters_live_in_the_django_cache(settings):
    settings.REDIS_URL = ""  # the embedded mode
    limit = Limit("test", 1, 60)
    assert exceeded([Hit(limit, "x")], now=60.0) is None
    assert exceeded([Hit(limit, "x")], now=60.0) == 60
