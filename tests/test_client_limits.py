"""Limits key on the real client: forwarding headers count only from our own proxies."""

import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from cases.models import Case, OnlineLevel, User
from feedback.models import Feedback
from onestop.clients import client_ip

from .conftest import APPLICANT
from .factories import ProcedureFactory

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
        (0, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "", "2001:db8:1:2::"),  # its /64
        (1, "10.0.0.2", "2001:db8:1:2::9", "2001:db8:1:2::"),
        (0, "::ffff:198.51.100.1", "", "198.51.100.1"),  # IPv4, written as IPv6
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


def test_rotating_addresses_inside_one_ipv6_64_is_one_client(file_case, client_for):
    """Regression: rotating addresses inside one /64 (what one home router hands out) gave
    300 wrong PINs on one case with no 429."""
    case = file_case()
    answers = [
        lookup(client_for(), case.code, REMOTE_ADDR=f"2001:db8:1:2::{n:x}").status_code
        for n in range(1, 8)
    ]
    assert answers == [404] * 5 + [429] * 2  # LOOKUP_CASE_MAX_FAILURES on one case
    # The next /64 is another client.
    assert lookup(client_for(), case.code, REMOTE_ADDR="2001:db8:1:3::1").status_code == 404


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


@override_settings(AXES_FAILURE_LIMIT=3, LOGIN_CLIENT_MAX_FAILURES=3)
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


def web_login(username, password, address):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_username_attacked_from_many_clients_logs_in_at_once_from_a_clean_one(staff, client_for):
    """Regression: 10 wrong passwords per username locked it for everyone: one stranger kept
    all 69 staff accounts locked with ~69 requests per 15 minutes."""
    for n in range(20):  # 20 clients, each to its own pair limit: 60 failures on "officer"
        for _ in range(3):
            token(client_for(), "officer", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
        assert web_login("officer", "wrong", f"198.51.100.{n}").status_code == 429

    started = time.monotonic()
    assert web_login("officer", "secret-pass-123", "203.0.113.5").status_code == 302
    answer = token(client_for(), "officer", "secret-pass-123", REMOTE_ADDR="203.0.113.6")
    assert answer.status_code == 200
    assert time.monotonic() - started < 5  # at once: no wait was imposed on either


@override_settings(AXES_FAILURE_LIMIT=3, LOGIN_SLOWDOWN_MAX_SECONDS=60)
def test_the_clients_that_failed_on_an_attacked_username_wait_longer_at_each_failure(
    staff, client_for
):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for n in range(6):  # 6 failures: the username is attacked (6 // 3 = 2 s a step)
            assert token(client_for(), "signer", "wrong", REMOTE_ADDR=f"192.0.2.{n}").status_code
        again = token(client_for(), "signer", "secret-pass-123", REMOTE_ADDR="192.0.2.0")
        assert again.status_code == 429 and again["Retry-After"] == "2"

        clock.shift(2)
        assert token(client_for(), "signer", "wrong", REMOTE_ADDR="192.0.2.0").status_code == 400
        # 7 failures (still 2 s a step), the client's second: 4 s, then the right password.
        assert token(client_for(), "signer", "x", REMOTE_ADDR="192.0.2.0")["Retry-After"] == "4"
        clock.shift(4)
        answer = token(client_for(), "signer", "secret-pass-123", REMOTE_ADDR="192.0.2.0")
        assert answer.status_code == 200
        # Refused attempts were not failures.
        assert AccessAttempt.objects.aggregate(n=Sum("failures_since_start"))["n"] == 7


@override_settings(AXES_FAILURE_LIMIT=3, LOGIN_CLIENT_MAX_FAILURES=10)
def test_a_client_locked_on_one_username_may_still_log_in_as_another(staff, client_for):
    """A colleague behind the same office address is not locked out by one who forgot."""
    office = {"REMOTE_ADDR": "203.0.113.20"}
    assert [token(client_for(), "builder", "wrong", **office).status_code for _ in range(3)] == [
        400,
        400,
        429,
    ]
    assert token(client_for(), "builder", "secret-pass-123", **office).status_code == 429
    assert token(client_for(), "counter", "secret-pass-123", **office).status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_knocking_during_a_lock_does_not_renew_it(staff, client_for):
    """Regression: each failure during the lock-out restarted the cool-off (axes' default)."""
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(3):
            token(client_for(), "builder", "wrong")
        for _ in range(14):
            clock.shift(60)  # keeps knocking through the cool-off
            assert token(client_for(), "builder", "wrong").status_code == 429
        clock.shift(61)  # 15 min after the last real failure
        assert token(client_for(), "builder", "secret-pass-123").status_code == 200


@override_settings(AXES_FAILURE_LIMIT=3)
def test_an_admin_lifts_a_usernames_slow_down_and_locks(staff, client_for):
    for _ in range(3):
        token(client_for(), "builder", "wrong")
    assert token(client_for(), "builder", "secret-pass-123").status_code == 429
    call_command("axes_reset_username", "builder")
    assert token(client_for(), "builder", "secret-pass-123").status_code == 200


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


def portal_filing(client, procedure, token):
    scan = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    return client.post(
        f"/procedures/{procedure.code}/submit/", {"token": token, **APPLICANT, "document_0": scan}
    )


@override_settings(ONLINE_FILING_RATE="2/hour")
def test_the_portals_online_filing_shares_the_apis_limit_per_client(province, client_for):
    """Regression: the portal's form had no limit: 30 anonymous filings in 2 s."""
    online = ProcedureFactory(
        code="2.000488",  # what file_online files
        agency=province["justice"],
        online_level=OnlineLevel.FULL,
        required_documents=["Tờ khai"],
    )
    assert file_online(client_for()).status_code == 201
    assert portal_filing(Client(), online, "a").status_code == 302
    refused = portal_filing(Client(), online, "b")
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 3600
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert file_online(client_for()).status_code == 429  # the same limit, on the API
    assert Case.objects.count() == 2
    # Another client files.
    assert portal_filing(Client(REMOTE_ADDR="198.51.100.9"), online, "c").status_code == 302


@override_settings(ONLINE_FILING_RATE="2/hour")
def test_sign_up_is_limited_per_client(db):
    """Regression: 30 accounts in 7.4 s from one address."""

    def sign_up(name, **meta):
        password = "núi-Fansipan-3143"
        body = {"username": name, "email": f"{name}@example.vn"}
        return Client(**meta).post(
            "/signup/", {**body, "password1": password, "password2": password}
        )

    assert [sign_up(name).status_code for name in ("mai", "lan", "hoa")] == [302, 302, 429]
    assert sign_up("hung", REMOTE_ADDR="198.51.100.9").status_code == 302
    assert set(User.objects.values_list("username", flat=True)) == {"mai", "lan", "hung"}


@override_settings(ONLINE_FILING_RATE="2/hour")
def test_the_web_feedback_form_shares_the_apis_limit_per_client(file_case):
    case = file_case()
    client = Client()
    assert client.post("/feedback/", {"code": case.code, "pin": case.pin}).status_code == 302
    body = {"kind": "complaint", "about": "case", "text": "Chậm trả."}
    assert [client.post("/feedback/case/", body).status_code for _ in range(3)] == [302, 302, 429]
    assert Feedback.objects.count() == 2
