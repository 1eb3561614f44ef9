"""The providers' HTTP: one POST a message (Zalo ZNS, Viettel, VNPT), from a thread or from
the outbox's event loop.

`post()` sends from the calling thread (the token's renewal, a single send) over kept-alive
urllib3 connections. `HttpChannel` is a channel whose provider takes one POST a message:
`request()` says what to post, `answer()` classifies the reply; `send_all()` posts many at
once from one event loop (aiohttp) in a thread of this process's own. A hundred messages in
flight on threads cost the dispatcher more in switching between them than in sending: a
Zalo message took 0.85 ms of its CPU on 256 threads, where the rest of its handling takes
0.19 ms.

Both say a failure as urllib would (`failed_transport` tells them apart): no connection
(refused, unreachable, no such name, no TLS handshake), the provider never had the request:
`URLError`; a timeout once it was out: `TimeoutError`; a cut: `ConnectionError`. Neither
retries on its own: a request that may have reached a provider is sent again only where
`failed_transport` says so.
"""

import asyncio
import atexit
import os
import threading
import urllib.error
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from functools import cache

import aiohttp
import urllib3
from django.conf import settings
from django.db import connections

from . import Message, Result, failed_transport

# Who answers a `simulator:` address: the process's own provider simulators, plugged in by
# the notifications app (the embedded mode and the tests).
_in_process = None


def use_in_process(handle) -> None:
    """`handle(url, headers, body) -> (status, content type, answer)`."""
    global _in_process
    _in_process = handle


@dataclass(frozen=True)
class Request:
    """One POST to a provider."""

    url: str
    body: bytes
    content_type: str
    timeout: float
    headers: dict = field(default_factory=dict)


class HttpChannel:
    """A channel whose provider takes one POST a message."""

    takes_key = False

    def request(self, message: Message) -> Request | Result:
        """What to post for this message, or its outcome at once (nothing to post)."""
        raise NotImplementedError

    def answer(self, status: int, body: bytes) -> Result:
        """The provider's reply (an HTTP error status is a reply too) as an outcome."""
        raise NotImplementedError

    def send(self, message: Message) -> Result:
        request = self.request(message)
        if isinstance(request, Result):
            return request
        try:
            status, body = post(
                request.url, request.body, request.content_type, request.timeout,
                headers=request.headers,
            )  # fmt: skip
        except OSError as exc:
            return failed_transport(exc, takes_key=self.takes_key)
        return self.answer(status, body)

    async def send_async(self, message: Message, limit: asyncio.Semaphore) -> Result:
        request = self.request(message)
        if isinstance(request, Result):
            return request
        try:
            async with limit:
                status, body = await _post_async(request)
        except OSError as exc:
            return failed_transport(exc, takes_key=self.takes_key)
        return self.answer(status, body)


# --- from a thread -------------------------------------------------------------------------


def post(
    url: str, body: bytes, content_type: str, timeout: float, headers: dict | None = None
) -> tuple[int, bytes]:
    """POST and read the answer; an HTTP error status is an answer too. A `simulator:`
    address is the process's own simulator (the embedded mode)."""
    if url.startswith("simulator:"):
        if _in_process is None:
            raise ConnectionError(f"no simulator answers {url} in this process")
        status, _, answer = _in_process(url, {**(headers or {})}, body)
        return status, answer
    try:
        response = _connections(settings.MESSAGING_CONCURRENCY).request(
            "POST",
            url,
            body=body,
            headers={"Content-Type": content_type, **(headers or {})},
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
        )
    except (urllib3.exceptions.ConnectTimeoutError, urllib3.exceptions.SSLError) as exc:
        raise urllib.error.URLError(exc) from exc
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise TimeoutError(str(exc)) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise ConnectionError(str(exc)) from exc
    return response.status, response.data


@cache
def _connections(senders: int) -> urllib3.PoolManager:
    """Kept-alive connections: a new connection (and a TLS handshake, at a real provider) a
    message cost more CPU than the rest of its sending."""
    return urllib3.PoolManager(maxsize=senders, block=False, retries=False)


# --- from the event loop -------------------------------------------------------------------


def send_all(make: Callable[[asyncio.Semaphore], list[Coroutine]]) -> None:
    """Run the coroutines `make(limit)` gives on this process's event loop and wait for them
    all; at most MESSAGING_CONCURRENCY posts at once in the process, whichever batch asks."""
    sender = _sender()

    async def run():
        await asyncio.gather(*make(sender.limit()))

    asyncio.run_coroutine_threadsafe(run(), sender.loop).result()


class _Sender:
    """This process's event loop for the providers, in a thread of its own, with its
    kept-alive connections and its one cap on the posts in flight (both made in the loop,
    as aiohttp and asyncio want, and only touched there)."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.session = None
        self.cap = (0, None)
        threading.Thread(target=self.loop.run_forever, name="outbox-http", daemon=True).start()
        atexit.register(self.close)

    def limit(self) -> asyncio.Semaphore:
        """The semaphore of MESSAGING_CONCURRENCY (anew when the setting changed)."""
        if self.cap[0] != settings.MESSAGING_CONCURRENCY:
            size = settings.MESSAGING_CONCURRENCY
            self.cap = (size, asyncio.Semaphore(size))
        return self.cap[1]

    def connections(self) -> aiohttp.ClientSession:
        if self.session is None:
            # No cap of its own: the semaphore holds the posts to MESSAGING_CONCURRENCY.
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self.session

    def close(self) -> None:
        if self.session is not None:
            asyncio.run_coroutine_threadsafe(self.session.close(), self.loop).result(timeout=2)


_senders: dict[int, _Sender] = {}
_starting = threading.Lock()


def _sender() -> _Sender:
    """Started at first use, so that each process of a forking Celery pool has its own."""
    with _starting:
        if os.getpid() not in _senders:
            _senders[os.getpid()] = _Sender()
        return _senders[os.getpid()]


def _post_in_process(request: Request) -> tuple[int, bytes]:
    """The embedded simulators' answer, from a thread of the loop's executor: they keep
    what they receive in the database, on a connection closed at once (none is left open
    to the database in a thread nobody closes)."""
    try:
        return post(
            request.url, request.body, request.content_type, request.timeout,
            headers=request.headers,
        )  # fmt: skip
    finally:
        connections.close_all()


async def _post_async(request: Request) -> tuple[int, bytes]:
    if request.url.startswith("simulator:"):  # a function call, which may sleep: a thread
        return await asyncio.get_running_loop().run_in_executor(None, _post_in_process, request)
    timeout = aiohttp.ClientTimeout(sock_connect=request.timeout, sock_read=request.timeout)
    headers = {"Content-Type": request.content_type, **request.headers}
    try:
        async with (
            _sender()
            .connections()
            .post(request.url, data=request.body, headers=headers, timeout=timeout) as response
        ):
            return response.status, await response.read()
    except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
        raise urllib.error.URLError(exc) from exc
    except TimeoutError as exc:  # aiohttp's read timeout is one too
        raise TimeoutError(str(exc)) from exc
    except aiohttp.ClientError as exc:
        raise ConnectionError(str(exc)) from exc
