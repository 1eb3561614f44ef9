"""Limits key on the real client: forwarding headers count only from our own proxies."""

import pytest
from django.test import RequestFactory, override_settings

from onestop.clients import client_ip

from .conftest import APPLICANT

pytestmark = pytest.mark.django_db


def lookup(client, code, **meta):
    return client.get(f"/api/v1/public/cases/{code}/", {"pin": "AAAAAAAA"}, **meta)


def token(client, username, password, **meta):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", **meta
    )


def file_online(client, **meta):
    body = {"procedure": "2.000488", "channel": "online", "applicant": APPLICANT}
    return client.post("/api/v1/cases/", body, format="json", **meta)


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "client"),
    [
        (0, "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no proxy: the header is a lie
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        (1, "10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own prefix
        (2, "10.0.0.3", "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # came around the proxy
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (0, "", "", "0.0.0.0"),
    ],
)
def test_the_client_is_the_entry_our_outermost_proxy_added(
    settings, proxies, remote, forwarded, client
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == client


@override_settings(LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR=5)
def test_rotating_forwarded_for_from_one_socket_is_one_client(client_for):
    """Regression: a new X-Forwarded-For per request was never limited (300 went through)."""
    answers = [
        lookup(client_for(), "000.00.01.H38-261127-0001", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        for n in range(6)
    ]
    assert [a.status_code for a in answers] == [404] * 5 + [429]


@override_settings(LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR=5, TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_real_clients_are_counted_apart(client_for):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(5):  # a forged prefix does not make a new client
        forwarded = f"192.0.2.{n}, 198.51.100.1"
        assert (
            lookup(client_for(), "X-1", HTTP_X_FORWARDED_FOR=forwarded, **proxy).status_code == 404
        )
    assert (
        lookup(client_for(), "X-1", HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy).status_code == 429
    )
    assert (
        lookup(client_for(), "X-1", HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy).status_code == 404
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_token_logins_are_limited_per_client_whatever_the_forwarded_for(staff, client_for):
    """Regression: 60 wrong passwords with rotating X-Forwarded-For all went through."""
    answers = [
        token(client_for(), "builder", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]
    assert answers == [400, 400, 429]  # the third failure reaches the limit
    # Another username, even the right password, from the same client: held back.
    answer = token(client_for(), "counter", "secret-pass-123", HTTP_X_FORWARDED_FOR="192.0.2.9")
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) == 15 * 60
    assert answer.json()["error"] == "throttled"
    # Another client logs in.
    ok = token(client_for(), "counter", "secret-pass-123", REMOTE_ADDR="198.51.100.5")
    assert ok.status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_logins_are_limited_per_username_across_clients(staff, client_for):
    for n in range(3):
        token(client_for(), "officer", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
    answer = token(client_for(), "officer", "secret-pass-123", REMOTE_ADDR="198.51.100.77")
    assert answer.status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_admin_login_page_is_limited_too(staff, client):
    """Regression: /admin/login/ had no limit at all."""
    for _ in range(2):
        page = client.post("/admin/login/", {"username": "root", "password": "wrong"})
        assert page.status_code == 200  # the form again, with its error
    page = client.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert page.status_code == 429 and page["Retry-After"]
    assert 'role="alert"' in page.content.decode()


@override_settings(TOKEN_RATE="2/minute")
def test_the_token_endpoint_has_a_request_rate_per_client(staff, client_for):
    for _ in range(2):
        assert token(client_for(), "counter", "secret-pass-123").status_code == 200
    answer = token(client_for(), "counter", "secret-pass-123", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert answer.status_code == 429 and int(answer["Retry-After"]) <= 60


@override_settings(ONLINE_FILING_RATE="2/hour")
def test_anonymous_online_filing_is_limited_per_client(staff, procedure, client_for):
    """Regression: anonymous POST /api/v1/cases/ had no limit."""
    for _ in range(2):
        assert file_online(client_for()).status_code == 201
    answer = file_online(client_for(), HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert answer.status_code == 429 and answer["Retry-After"]
    # Counter staff file all day long.
    counter = client_for(staff["counter"])
    body = {"procedure": "2.000488", "channel": "counter", "applicant": APPLICANT}
    assert counter.post("/api/v1/cases/", body, format="json").status_code == 201


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_successful_login_does_not_wipe_the_clients_failures(staff, client_for):
    """Whoever holds one account must not reset the count between guesses at another."""
    for _ in range(2):
        assert token(client_for(), "builder", "wrong").status_code == 400
    assert token(client_for(), "counter", "secret-pass-123").status_code == 200
    assert token(client_for(), "builder", "wrong").status_code == 429
