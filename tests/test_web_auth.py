"""Staff log in on our own page and land on their desk; `GET /api/v1/me/` says who they are."""

import pytest

pytestmark = pytest.mark.django_db


def log_in(client, username, password="secret-pass-123", **extra):
    return client.post("/login/", {"username": username, "password": password, **extra})


@pytest.mark.parametrize(
    ("username", "desk"),
    [
        ("counter", "/desk/counter/"),
        ("officer", "/desk/officer/"),
        ("signer", "/desk/signer/"),
        ("supervisor", "/reports/"),
        ("citizen", "/my/cases/"),
    ],
)
def test_each_role_lands_on_its_desk_after_logging_in(client, staff, username, desk):
    answer = log_in(client, username)
    assert answer.status_code == 302 and answer["Location"] == "/desk/"
    assert client.get("/desk/")["Location"] == desk
    assert client.get(desk).status_code == 200


def test_a_next_page_wins_over_the_desk(client, staff):
    answer = log_in(client, "counter", next="/desk/queue/")
    assert answer["Location"] == "/desk/queue/"


def test_a_wrong_password_is_said_on_the_form_and_keeps_the_username(client, staff):
    answer = log_in(client, "counter", password="wrong")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'role="alert"' in html and 'value="counter"' in html


def test_the_login_page_checks_csrf(staff):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "counter", "password": "x"}).status_code == 403


def test_a_desk_sends_an_anonymous_visitor_to_log_in(client):
    answer = client.get("/desk/counter/")
    assert answer.status_code == 302
    assert answer["Location"] == "/login/?next=/desk/counter/"


def test_a_desk_of_another_role_is_forbidden(client, staff):
    client.force_login(staff["officer"])
    assert client.get("/desk/counter/").status_code == 403
    assert client.get("/desk/signer/").status_code == 403


def test_logging_out_is_a_post_and_ends_the_session(client, staff):
    client.force_login(staff["counter"])
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/"
    assert client.get("/desk/counter/").status_code == 302


def test_me_tells_who_is_logged_in_their_roles_and_agency(client, staff):
    client.force_login(staff["officer"])
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "officer"
    assert me["roles"] == ["officer"]
    assert me["agency"] == {"code": "000.00.20.H38", "name": "Sở Tư pháp", "level": "province"}
    assert me["desk"] == "/desk/officer/"


def test_me_for_a_citizen_has_no_agency(client, staff):
    client.force_login(staff["citizen"])
    me = client.get("/api/v1/me/").json()
    assert me["roles"] == [] and me["agency"] is None and me["is_staff_member"] is False


def test_me_without_credentials_is_401(client):
    answer = client.get("/api/v1/me/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_a_citizen_signs_up_and_sees_their_cases(client):
    answer = client.post(
        "/signup/",
        {
            "username": "mai",
            "email": "mai@example.vn",
            "password1": "núi-Fansipan-3143",
            "password2": "núi-Fansipan-3143",
        },
    )
    assert answer["Location"] == "/my/cases/"
    assert client.get("/my/cases/").status_code == 200


def test_a_sign_up_with_mismatched_passwords_keeps_what_was_typed(client):
    answer = client.post(
        "/signup/",
        {"username": "mai", "email": "mai@example.vn", "password1": "a-b-c-1234", "password2": "x"},
    )
    assert answer.status_code == 400
    assert 'value="mai@example.vn"' in answer.content.decode()


def test_the_nav_shows_desks_to_staff_and_the_portal_to_the_public(client, staff):
    public = client.get("/procedures/").content.decode()
    assert 'href="/login/"' in public and 'href="/desk/counter/"' not in public
    client.force_login(staff["counter"])
    desk = client.get("/desk/queue/").content.decode()
    assert 'href="/desk/counter/"' in desk and 'href="/desk/counter/submissions/"' in desk


def test_the_desks_speak_vietnamese_first_and_english_on_request(client, staff):
    client.force_login(staff["counter"])
    assert "Danh sách hồ sơ" in client.get("/desk/queue/").content.decode()
    english = client.get("/desk/queue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Work queue" in english and 'lang="en"' in english
