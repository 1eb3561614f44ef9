"""A national sign-in whose answer cannot be trusted is refused with a page saying why, and
nobody is signed in: each way the answer can be wrong, and the provider down."""

import socket
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from cases.models import User
from nationalid.models import NationalIdentity
from nationalid.simulator.server import FAULTS

from .national_identity import HUNG, MAI, choose, query, sign_in, signed_in_user_id, start

pytestmark = pytest.mark.django_db


def refusal(response) -> str:
    """The reason the refusal page gives (data-reason), after checking it is one."""
    assert response.status_code in (400, 403, 404, 503), response.status_code
    page = response.content.decode()
    assert "Đăng nhập bằng định danh điện tử không thành công" in page or "failed" in page
    return page.split('data-reason="')[1].split('"')[0]


def nobody_signed_in(client) -> bool:
    return signed_in_user_id(client) is None and not NationalIdentity.objects.exists()


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{urlencode({**query(url), **changes})}"


def test_a_tampered_state_is_refused(client, idp):
    callback = choose(client, start(client), MAI)

    response = client.get(with_query(callback, state="forged-state"))

    assert refusal(response) == "state"
    assert nobody_signed_in(client)


def test_a_replayed_answer_is_refused_in_another_browser(client, idp, django_user_model):
    from django.test import Client

    _response, callback = sign_in(client, MAI)  # Mai signs in; someone copies the answer
    thief = Client()

    response = thief.get(callback)

    assert refusal(response) == "state"
    assert signed_in_user_id(thief) is None


def test_an_answer_used_twice_in_the_same_browser_is_refused(client, idp):
    first, callback = sign_in(client, MAI)
    client.logout()

    response = client.get(callback)

    assert first.status_code == 302
    assert refusal(response) == "state"
    assert signed_in_user_id(client) is None


def test_a_reused_authorization_code_is_refused(client, idp):
    from django.test import Client

    _response, callback = sign_in(client, MAI)
    # Someone with Mai's code starts their own sign-in and hands the code in with it.
    thief = Client()
    their_state = query(start(thief))["state"]

    response = thief.get(with_query(callback, state=their_state))

    assert refusal(response) == "refused"
    assert signed_in_user_id(thief) is None


def test_the_provider_refuses_a_code_twice_and_revokes_its_token(client, idp, settings):
    """RFC 6749 §4.1.2, as the simulator keeps it: what a replayed code got stops working."""
    asked = query(start(client))
    callback = choose(client, start(client), MAI)
    body = {
        "grant_type": "authorization_code",
        "code": query(callback)["code"],
        "redirect_uri": "http://testserver/national-id/callback/",
        "client_id": settings.NATIONAL_ID_CLIENT_ID,
        "client_secret": settings.NATIONAL_ID_CLIENT_SECRET,
    }
    # Our client kept the PKCE verifier in the session; here the test plays the client.
    body["code_verifier"] = client.session[f"_state_nationalid_{query(callback)['state']}"]["data"][
        "code_verifier"
    ]
    assert asked["state"] != query(callback)["state"]

    first = requests.post(f"{idp}/token", data=body, timeout=5)
    again = requests.post(f"{idp}/token", data=body, timeout=5)

    assert first.status_code == 200 and again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    bearer = {"Authorization": f"Bearer {first.json()['access_token']}"}
    assert requests.get(f"{idp}/userinfo", headers=bearer, timeout=5).status_code == 401


def test_a_wrong_pkce_verifier_is_refused(client, idp, settings):
    callback = choose(client, start(client), MAI)
    body = {
        "grant_type": "authorization_code",
        "code": query(callback)["code"],
        "redirect_uri": "http://testserver/national-id/callback/",
        "client_id": settings.NATIONAL_ID_CLIENT_ID,
        "client_secret": settings.NATIONAL_ID_CLIENT_SECRET,
        "code_verifier": "x" * 48,
    }

    answer = requests.post(f"{idp}/token", data=body, timeout=5)

    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "fault, reason",
    [
        ("wrong_nonce", "id_token"),
        ("foreign_key", "id_token"),
        ("expired", "id_token"),
        ("wrong_audience", "id_token"),
        ("wrong_issuer", "id_token"),
        ("userinfo_sub", "userinfo"),
    ],
)
def test_an_untrustworthy_answer_is_refused(client, idp, fault, reason):
    response, _callback = sign_in(client, MAI, fault=fault)

    assert refusal(response) == reason
    assert nobody_signed_in(client)
    assert not User.objects.exists()


def test_every_fault_the_simulator_offers_is_tested():
    tested = {"wrong_nonce", "foreign_key", "expired", "wrong_audience", "wrong_issuer"}
    assert FAULTS.keys() == tested | {"userinfo_sub"}


def test_the_person_cancelling_at_the_provider_signs_nobody_in(client, idp):
    from .national_identity import at_provider

    path, host = at_provider(start(client))
    back = client.post(path, {"cancel": "1"}, **host)

    response = client.get(back["Location"])

    assert query(back["Location"])["error"] == "access_denied"
    assert refusal(response) == "refused"
    assert nobody_signed_in(client)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_provider_down_gives_a_clear_message_and_local_pages_keep_working(
    client, idp, settings, procedure
):
    settings.NATIONAL_ID_ISSUER = f"http://127.0.0.1:{_closed_port()}/idp-sim"

    response = client.get("/national-id/start/")

    assert refusal(response) == "unavailable" and response.status_code == 503
    assert "thử lại" in response.content.decode() or "try again" in response.content.decode()
    for page in ("/", "/procedures/", "/login/", "/signup/"):
        assert client.get(page).status_code == 200, page


def test_the_provider_going_down_before_the_answer_is_checked(client, idp, settings):
    callback = choose(client, start(client), HUNG)
    settings.NATIONAL_ID_ISSUER = f"http://127.0.0.1:{_closed_port()}/idp-sim"

    response = client.get(callback)

    assert refusal(response) == "unavailable"
    assert nobody_signed_in(client)


def test_without_a_provider_the_sign_in_says_it_is_not_set_up(client, settings):
    settings.NATIONAL_ID_ISSUER = ""
    settings.NATIONAL_ID_SIMULATOR = False

    assert refusal(client.get("/national-id/start/")) == "disabled"
    assert client.get("/idp-sim/.well-known/openid-configuration").status_code == 404
