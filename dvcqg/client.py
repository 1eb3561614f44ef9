"""Talking to the national portal: the session, one request, and what its reply means.

With `DVCQG_URL` empty the requests go to the simulator in this process
(`dvcqg.simulator.answer`), through the same reading of replies as real HTTP answers, so a
simulated 500 or a page of HTML is handled exactly as the portal's would be.

The session token is kept in the shared cache (every worker and thread uses one) and renewed
when the portal says it expired. Neither it nor the password is ever logged or stored with
a message: replies are kept without a `session` field.
"""

import enum
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

SESSION_KEY = "dvcqg:session"
SUCCESS = "0"
EXISTS = ("3", "-3")
EXISTS_WORDS = "đã tồn tại"


class Outcome(enum.Enum):
    OK = "ok"
    EXISTS = "exists"  # the case is on the portal already: send it as an update
    RETRY = "retry"  # a passing fault: network, timeout, 5xx, not JSON, "try again"
    REFUSED = "refused"  # the portal will not take it as it is


@dataclass(frozen=True)
class Reply:
    outcome: Outcome
    detail: str  # for the administrator: what came back, or what went wrong
    body: dict = field(default_factory=dict)  # the JSON answer, when there was one


class PortalError(Exception):
    """No usable answer to a request that is not a case's message (look-ups, catalogue)."""


# --- the wire ----------------------------------------------------------------------------

_local = threading.local()


def _http() -> requests.Session:
    """One HTTP session (kept-alive connections) per thread."""
    session = getattr(_local, "http", None)
    if session is None:
        session = _local.http = requests.Session()
        session.headers["Content-Type"] = "application/json; charset=utf-8"
        session.headers["Accept"] = "application/json"
    return session


def _post(endpoint: str, body: dict) -> tuple[int, bytes]:
    """(HTTP status, body) of one POST; requests' own exceptions for network faults."""
    if not settings.DVCQG_URL:
        from . import simulator

        return simulator.answer(endpoint, json.dumps(body).encode(), settings.DVCQG_TIMEOUT)
    url = settings.DVCQG_AUTH_URL if endpoint == "auth" else settings.DVCQG_URL
    headers = {"dstcode": settings.DVCQG_DSTCODE} if settings.DVCQG_DSTCODE else {}
    response = _http().post(
        url,
        data=json.dumps(body).encode(),
        headers=headers,
        timeout=(min(3.0, settings.DVCQG_TIMEOUT), settings.DVCQG_TIMEOUT),
    )
    return response.status_code, response.content


def _json(status: int, content: bytes) -> tuple[dict | None, str]:
    """The answer as a JSON object, or None and why not."""
    if status >= 500 or status in (408, 429):
        return None, f"HTTP {status}"
    try:
        body = json.loads(content)
    except ValueError:
        return None, f"HTTP {status}, not JSON: {content[:80]!r}"
    if not isinstance(body, dict):
        return None, f"HTTP {status}, not a JSON object"
    return body, ""


# --- the session -------------------------------------------------------------------------

_login_lock = threading.Lock()


def session() -> str:
    """The portal session, from the cache or by signing in; PortalError if it cannot."""
    token = cache.get(SESSION_KEY)
    if token:
        return token
    with _login_lock:  # one sign-in per process when many threads find none
        token = cache.get(SESSION_KEY)
        if token:
            return token
        try:
            status, content = _post(
                "auth",
                {"username": settings.DVCQG_USERNAME, "password": settings.DVCQG_PASSWORD},
            )
        except requests.RequestException as exc:
            raise PortalError(f"sign-in: {type(exc).__name__}") from None
        body, problem = _json(status, content)
        if body is None:
            raise PortalError(f"sign-in: {problem}")
        if str(body.get("error_code")) != SUCCESS or not body.get("session"):
            raise PortalError(f"sign-in refused: {_scrub(body)}")
        token = str(body["session"])
        cache.set(SESSION_KEY, token, timeout=settings.DVCQG_SESSION_SECONDS)
        logger.info("Signed in to the national portal as %s", settings.DVCQG_USERNAME)
        return token


def _forget(token: str) -> None:
    """Drop a session the portal refused, unless another thread renewed it already."""
    if cache.get(SESSION_KEY) == token:
        cache.delete(SESSION_KEY)


def _scrub(body: dict) -> dict:
    return {key: value for key, value in body.items() if key not in ("session", "password")}


# --- a request ---------------------------------------------------------------------------


def call(service: str, **fields) -> Reply:
    """Send one request to the integration endpoint and say what its answer means.

    A session the portal refuses is renewed and the request sent once more.
    """
    for attempt in (1, 2):
        try:
            token = session()
        except PortalError as exc:
            return Reply(Outcome.RETRY, str(exc))
        body = {"session": token, "madonvi": settings.DVCQG_AGENCY_CODE, "service": service}
        started = time.monotonic()
        try:
            status, content = _post("api", {**body, **fields})
        except requests.Timeout:
            return Reply(Outcome.RETRY, f"no answer within {settings.DVCQG_TIMEOUT:g} s")
        except requests.RequestException as exc:
            return Reply(Outcome.RETRY, f"unreachable: {type(exc).__name__}")
        answer, problem = _json(status, content)
        if answer is None:
            return Reply(Outcome.RETRY, problem)
        answer = _scrub(answer)
        code = str(answer.get("error_code", ""))
        if status in (401, 403) or code in settings.DVCQG_AUTH_ERROR_CODES:
            _forget(token)
            if attempt == 1:
                continue
            return Reply(Outcome.RETRY, f"session refused: {answer}", answer)
        if code == SUCCESS and status < 300:
            return Reply(Outcome.OK, str(answer.get("message", "")), answer)
        if code in EXISTS and EXISTS_WORDS in str(answer.get("message", "")).lower():
            return Reply(Outcome.EXISTS, str(answer.get("message", "")), answer)
        if code in settings.DVCQG_RETRY_CODES:
            return Reply(Outcome.RETRY, f"error_code {code}: {answer.get('message', '')}", answer)
        logger.warning(
            "The portal refused %s (HTTP %s, %.0f ms): %s",
            service,
            status,
            (time.monotonic() - started) * 1000,
            answer,
        )
        return Reply(Outcome.REFUSED, f"error_code {code}: {answer.get('message', '')}", answer)
    raise AssertionError("unreachable")


def look_up(service: str, **fields) -> list[dict]:
    """The `result` of a read (TraCuuHoSo, LayThuTuc); PortalError without one."""
    reply = call(service, **fields)
    if reply.outcome != Outcome.OK:
        raise PortalError(reply.detail)
    result = reply.body.get("result") or []
    if not isinstance(result, list):
        raise PortalError(f"{service}: result is not a list")
    return [item for item in result if isinstance(item, dict)]


def concurrently(function, items: list) -> list:
    """`[function(item) for item in items]`, on `DVCQG_CONCURRENCY` threads: for many
    look-ups, each mostly waiting on the portal. `function` must not use the database."""
    if settings.DVCQG_CONCURRENCY <= 1 or len(items) <= 1:
        return [function(item) for item in items]

    def on_thread(item):
        try:
            return function(item)
        finally:
            if not settings.DVCQG_URL:  # the simulator in this process used the database
                from .simulator import close_connections

                close_connections()

    with ThreadPoolExecutor(settings.DVCQG_CONCURRENCY, thread_name_prefix="dvcqg") as pool:
        return list(pool.map(on_thread, items))
