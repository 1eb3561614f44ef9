"""The national identity provider for the tests: our simulator, served on a real socket.

The browser's steps (our start page, the provider's sign-in page, our callback) go through
Django's test client; the calls our site makes to the provider behind the browser's back
(discovery, token, JWKS, userinfo) cross a real HTTP connection to the same code served by
a thread, as they would cross to the portal. The simulator keeps its codes and tokens in the
cache, which both sides share, and nothing in the database.
"""

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

from nationalid import client as national_client
from nationalid.simulator.persons import PEOPLE

PORTS = range(8230, 8240)  # this worktree's port range

MAI, HUNG, PAO, SAPA = PEOPLE  # LoA2 citizen, LoA2 citizen, LoA1 citizen, LoA2 business


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _serve() -> ThreadedWSGIServer:
    for port in PORTS:
        try:
            server = ThreadedWSGIServer(("127.0.0.1", port), QuietHandler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError("no free port in 8230-8239")
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def idp_server():
    server = _serve()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def idp_keys(tmp_path_factory):
    return tmp_path_factory.mktemp("idp-sim")


@pytest.fixture
def idp(settings, idp_server, idp_keys):
    """Sign-in through the simulator at its socket; each test's client starts afresh
    (no discovery document or JWKS remembered from another test)."""
    settings.NATIONAL_ID_SIMULATOR = True
    settings.NATIONAL_ID_SIMULATOR_DIR = idp_keys
    settings.NATIONAL_ID_ISSUER = f"{idp_server}/idp-sim"
    national_client._clients.clear()
    yield settings.NATIONAL_ID_ISSUER
    national_client._clients.clear()


def start(client, next_url=""):
    """Our start page: the redirect to the provider's sign-in page."""
    response = client.get("/national-id/start/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content
    return response["Location"]


def at_provider(url: str) -> tuple[str, dict]:
    """A provider's page as the test client asks for it: its path, at the provider's host."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}", {"HTTP_HOST": parts.netloc}


def choose(client, authorize_url, person, fault="") -> str:
    """At the provider's page, sign in as `person`: the redirect back to our callback."""
    path, host = at_provider(authorize_url)
    page = client.get(path, **host)
    assert page.status_code == 200, page.content
    answer = client.post(path, {"person": person.tech_id, "fault": fault}, **host)
    assert answer.status_code == 302, answer.content
    return answer["Location"]


def sign_in(client, person, *, fault="", next_url=""):
    """The whole journey; the callback's response, and the callback URL (to replay it)."""
    callback_url = choose(client, start(client, next_url), person, fault)
    return client.get(callback_url), callback_url


def query(url: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")
