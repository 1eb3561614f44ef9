"""Stand-ins for the messaging providers, answering as the real APIs do: Zalo ZNS with its
OAuth token renewal, Viettel's SOAP `wsCpMt`, VNPT's JSON `send_sms_list`.

Each keeps what it received (`received`) and can be made to fail as the real one does:
`script` (the answers to give next, in order: a provider error code, or an HTTP status
such as 503), `delay` (seconds before answering a message: slowness, our own timeouts;
Zalo's OAuth has its own `oauth_delay`), `down` (HTTP 503 to every message). By the phone
number, the simulators answer as a real network would for certain people, so that the
embedded demo shows fallbacks:

| number ends in | Zalo ZNS | Viettel | VNPT |
|---|---|---|---|
| 000 | -118 no Zalo account | delivered | delivered |
| 001 | -108 invalid phone | Check_Receiver | 13 |
| 002 | -114 user refuses ZNS | delivered | delivered |
| 003 | delivered | Check_Blacklist | 14 |

Zalo's tokens are signed and carry their expiry, so a simulator that restarted still knows
them; a refresh token works once (per process). In the embedded mode the providers'
addresses are `simulator:…`: the sending process calls its own simulators (`embedded()`),
which record what they receive as `SimulatedMessage` rows for the admin's "messages sent"
page and report ZNS deliveries a moment later. The tests and the benchmark serve them over
a socket of their own (`serve`), as real HTTP.
"""

import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

from .channels.sms import SOAP, VIETTEL_NS


@dataclass
class Received:
    provider: str
    phone: str
    template_id: str = ""
    data: dict = field(default_factory=dict)
    text: str = ""
    key: str = ""
    answer: str = ""  # the code answered
    msg_id: str = ""
    at: float = field(default_factory=time.time)


class Simulator:
    provider = ""
    by_phone: dict[str, str] = {}

    def __init__(self):
        self.received: list[Received] = []
        self.script: list = []
        self.delay = 0.0
        self.down = False
        self.lock = threading.Lock()
        self.on_receive = None  # called with each Received (the embedded mode records it)

    def _next_scripted(self):
        with self.lock:
            return self.script.pop(0) if self.script else None

    def _keep(self, received: Received) -> None:
        with self.lock:
            self.received.append(received)
        if self.on_receive is not None:
            self.on_receive(received)

    def _slow(self) -> None:
        if self.delay:
            time.sleep(self.delay)

    def answer_by_phone(self, phone: str) -> str | None:
        return self.by_phone.get(phone[-3:])


# --- Zalo ----------------------------------------------------------------------------------


class ZaloSimulator(Simulator):
    """ZNS `message/template` and the OAuth `access_token` renewal."""

    provider = "zalo"
    by_phone = {"000": "-118", "001": "-108", "002": "-114"}

    def __init__(self, *, secret: str = "simulator-secret", lifetime: int = 90000):
        super().__init__()
        self.secret, self.lifetime = secret.encode(), lifetime
        self.renewals = 0
        self.spent: set[str] = set()
        self.templates: set[str] | None = None  # registered ids; None: any
        self.serial = 0
        self.oauth_delay = 0.0  # seconds before the OAuth endpoint answers

    def _sign(self, payload: str) -> str:
        mac = hmac.new(self.secret, payload.encode(), hashlib.sha256).hexdigest()[:16]
        return f"{payload}.{mac}"

    def _verify(self, token: str) -> str | None:
        payload, _, _ = token.rpartition(".")
        return payload if payload and hmac.compare_digest(self._sign(payload), token) else None

    def token_pair(self) -> dict:
        with self.lock:
            self.serial += 1
            serial = self.serial
        expiry = int(time.time()) + self.lifetime
        return {
            "access_token": self._sign(f"at-{expiry}-{serial}-{time.time_ns()}"),
            "refresh_token": self._sign(f"rt-{serial}-{time.time_ns()}"),
            "expires_in": str(self.lifetime),
        }

    def oauth(self, form: dict, headers: dict) -> tuple[int, dict]:
        time.sleep(self.oauth_delay)
        if headers.get("secret_key") != self.secret.decode():
            return 200, {"error": -14002, "error_name": "Invalid secret key"}
        token = form.get("refresh_token", "")
        if form.get("grant_type") != "refresh_token" or not (
            token == "simulator" or (self._verify(token) or "").startswith("rt-")
        ):
            return 200, {"error": -14014, "error_name": "Invalid refresh token"}
        with self.lock:
            if token in self.spent:
                return 200, {"error": -14014, "error_name": "Refresh token already used"}
            if token != "simulator":
                self.spent.add(token)
            self.renewals += 1
        return 200, self.token_pair()

    def token_valid(self, token: str) -> bool:
        payload = self._verify(token) or ""
        return payload.startswith("at-") and int(payload.split("-")[1]) > time.time()

    def send(self, body: dict, headers: dict) -> tuple[int, dict]:
        """Takes the message at once; a `delay` holds back only the answer."""
        if self.down:
            return 503, {"error": -100, "message": "Service unavailable"}
        phone = str(body.get("phone", ""))
        received = Received(
            "zalo", phone, str(body.get("template_id", "")), body.get("template_data") or {},
            key=str(body.get("tracking_id", "")),
        )  # fmt: skip
        scripted = self._next_scripted()
        if isinstance(scripted, int) and scripted >= 100:  # an HTTP status
            return scripted, {"error": -100, "message": "HTTP error"}
        code = str(scripted) if scripted is not None else self._code(received, headers)
        received.answer = code
        if code == "0":
            received.msg_id = hashlib.sha1(f"{received.key}{time.time_ns()}".encode()).hexdigest()
        self._keep(received)
        self._slow()
        if code != "0":
            return 200, {"error": int(code), "message": ZNS_MESSAGES.get(code, "Error")}
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {"msg_id": received.msg_id, "sent_time": str(int(time.time() * 1000))},
        }

    def _code(self, received: Received, headers: dict) -> str:
        if not self.token_valid(headers.get("access_token", "")):
            return "-124"
        if not (received.phone.startswith("84") and len(received.phone) in (11, 12)):
            return "-108"
        if self.templates is not None and received.template_id not in self.templates:
            return "-109"
        if not received.data:
            return "-111"
        return self.answer_by_phone(received.phone) or "0"

    def delivery_report(self, received: Received, *, app_id: str, oa_secret: str):
        """The `user_received_message` event ZNS posts once the phone has the message:
        (body, headers), signed as Zalo signs its webhooks."""
        timestamp = str(int(time.time() * 1000))
        body = json.dumps(
            {
                "app_id": app_id,
                "event_name": "user_received_message",
                "timestamp": timestamp,
                "sender": {"id": "oa-simulator"},
                "recipient": {"id": received.phone},
                "message": {
                    "msg_id": received.msg_id,
                    "tracking_id": received.key,
                    "delivery_time": timestamp,
                },
            }
        )
        mac = hashlib.sha256(f"{app_id}{body}{timestamp}{oa_secret}".encode()).hexdigest()
        return body.encode(), {"X-ZEvent-Signature": f"mac={mac}"}


ZNS_MESSAGES = {
    "-100": "Unknown error",
    "-108": "Phone number invalid",
    "-109": "Template ID invalid",
    "-111": "Template data empty",
    "-112": "Template data invalid",
    "-114": "User is inactive, or reject the message, or using an outdated Zalo version",
    "-115": "Out of quota",
    "-118": "Zalo account not existed",
    "-124": "Access token invalid",
    "-133": "ZNS messages cannot be sent at night",
}


# --- Viettel ---------------------------------------------------------------------------------


class ViettelSimulator(Simulator):
    provider = "viettel"
    by_phone = {"001": "Check_Receiver: ReceiverID is invalid",
                "003": "Check_Blacklist: The subscriber refuses brand-name messages"}  # fmt: skip

    def __init__(self, *, user: str = "simulator", password: str = "simulator"):
        super().__init__()
        self.user, self.password = user, password
        self.balance: int | None = None  # messages left; None: no limit

    def send(self, body: bytes) -> tuple[int, bytes]:
        if self.down:
            return 503, b"Service Unavailable"
        call = ElementTree.fromstring(body).find(f".//{{{SOAP}}}Body/{{{VIETTEL_NS}}}wsCpMt")
        fields = {child.tag: child.text or "" for child in call}
        received = Received("viettel", fields.get("ReceiverID", ""), text=fields.get("Content", ""),
                            key=fields.get("RequestID", ""))  # fmt: skip
        scripted = self._next_scripted()
        if isinstance(scripted, int):
            return scripted, b"Error"
        message = scripted or self._message(fields, received)
        received.answer = message.split(":")[0]
        self._keep(received)
        self._slow()
        return 200, self.envelope(message, 1 if message.startswith("Insert MT_QUEUE") else 0)

    def _message(self, fields: dict, received: Received) -> str:
        if (fields.get("User"), fields.get("Password")) != (self.user, self.password):
            return "Authenticate: Username or password is incorrect"
        if fields.get("ContentType") == "0" and not received.text.isascii():
            return "Check_Content: Content has characters outside the GSM alphabet"
        if not (received.phone.startswith("84") and len(received.phone) == 11):
            return "Check_Receiver: ReceiverID is invalid"
        if refusal := self.answer_by_phone(received.phone):
            return refusal
        with self.lock:
            if self.balance is not None:
                if self.balance <= 0:
                    return "Check_Balance: Balance is not enough"
                self.balance -= 1
        return "Insert MT_QUEUE: OK"

    @staticmethod
    def envelope(message: str, result: int) -> bytes:
        return (
            f'<?xml version="1.0" ?><S:Envelope xmlns:S="{SOAP}"><S:Body>'
            f'<ns2:wsCpMtResponse xmlns:ns2="{VIETTEL_NS}"><return><message>{message}</message>'
            f"<result>{result}</result></return></ns2:wsCpMtResponse></S:Body></S:Envelope>"
        ).encode()


# --- VNPT ------------------------------------------------------------------------------------


class VnptSimulator(Simulator):
    provider = "vnpt"
    by_phone = {"001": "13", "003": "14"}

    def __init__(self):
        super().__init__()
        self.templates: dict[str, int] | None = None  # id → number of parameters

    def send(self, body: dict) -> tuple[int, dict]:
        if self.down:
            return 503, {"error": "Service Unavailable"}
        request = body.get("RQST", {})
        params = [p.get("CONTENT", "") for p in request.get("PARAMS", [])]
        received = Received(
            "vnpt",
            str(request.get("MOBILELIST", "")),
            str(request.get("TEMPLATEID", "")),
            {str(i): value for i, value in enumerate(params, start=1)},
            key=str(request.get("REQID", "")),
        )
        scripted = self._next_scripted()
        if isinstance(scripted, int):
            return scripted, {"error": "HTTP error"}
        code = str(scripted) if scripted is not None else self._code(received, params)
        received.answer = code
        self._keep(received)
        self._slow()
        description = "success" if code == "0" else "error"
        return 200, {"RPLY": {"name": "send_sms_list", "ERROR": code, "ERROR_DESC": description}}

    def _code(self, received: Received, params: list) -> str:
        if not (received.phone.startswith("84") and len(received.phone) == 11):
            return "13"
        if self.templates is not None:
            if received.template_id not in self.templates:
                return "7"
            if self.templates[received.template_id] != len(params):
                return "8"
        return self.answer_by_phone(received.phone) or "0"


# --- in the process (embedded mode), over a socket (tests, benchmark) ------------------------

REPORT_AFTER_SECONDS = 1.0


@dataclass
class Simulators:
    zalo: ZaloSimulator = field(default_factory=ZaloSimulator)
    viettel: ViettelSimulator = field(default_factory=ViettelSimulator)
    vnpt: VnptSimulator = field(default_factory=VnptSimulator)
    connections: int = 0  # opened by clients, served over a socket (`serve`)

    def handle(self, path: str, headers: dict, body: bytes) -> tuple[int, str, bytes]:
        """(status, content type, body) for a POST to `path` under the simulators' root."""
        if path.endswith("zalo/oauth/"):
            form = dict(urllib.parse.parse_qsl(body.decode()))
            status, answer = self.zalo.oauth(form, headers)
        elif path.endswith("zalo/message/template"):
            status, answer = self.zalo.send(json.loads(body), headers)
        elif path.endswith("viettel/"):
            status, xml = self.viettel.send(body)
            return status, "text/xml; charset=utf-8", xml
        elif path.endswith("vnpt/"):
            status, answer = self.vnpt.send(json.loads(body))
        else:
            return 404, "text/plain", b"not found"
        return status, "application/json", json.dumps(answer, ensure_ascii=False).encode()


@cache
def embedded() -> Simulators:
    """This process's simulators, keeping what they receive in the database."""
    from django.conf import settings

    found = Simulators(
        zalo=ZaloSimulator(secret=settings.ZALO_SECRET_KEY),
        viettel=ViettelSimulator(
            user=settings.VIETTEL_SMS_USER, password=settings.VIETTEL_SMS_PASSWORD
        ),
    )
    for simulator in (found.zalo, found.viettel, found.vnpt):
        simulator.on_receive = _record
    return found


def _record(received: Received) -> None:
    from .models import SimulatedMessage

    SimulatedMessage.objects.create(
        provider=received.provider,
        phone=received.phone,
        template_id=received.template_id,
        data=received.data,
        text=received.text,
        request_key=received.key,
        answer=received.answer,
    )
    if received.provider == "zalo" and received.msg_id:
        threading.Timer(REPORT_AFTER_SECONDS, _report_delivery, [received]).start()


def _report_delivery(received: Received) -> None:
    """The phone has it: what Zalo's webhook would tell `notifications.webhooks`."""
    from django.db import connection
    from django.utils import timezone

    from .feedback import delivery_reported

    try:
        delivery_reported(
            channel="zalo", provider_id=received.msg_id, key=received.key, at=timezone.now()
        )
    finally:
        connection.close()


@contextmanager
def serve(simulators: Simulators, ports=range(8240, 8250)) -> Iterator[str]:
    """Serve the simulators on a free port of `ports`; yields their root URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go as two writes: without this a kept-alive client
        # waits 40 ms for each answer (Nagle's algorithm against a delayed ACK).
        disable_nagle_algorithm = True

        def setup(self):
            super().setup()
            self.server.connections.add(self.connection)
            simulators.connections += 1

        def finish(self):
            super().finish()
            self.server.connections.discard(self.connection)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            headers.update(self.headers.items())
            status, content_type, answer = simulators.handle(self.path, headers, body)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args):
            pass

    class Server(ThreadingHTTPServer):
        request_queue_size = 1024  # a burst of concurrent senders is not refused
        daemon_threads = True
        connections: set[socket.socket] = set()

    for port in ports:
        try:
            server = Server(("127.0.0.1", port), Handler)
            break
        except OSError:
            continue
    else:
        raise RuntimeError(f"no free port in {ports}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        # And the kept-alive connections: a client must not go on talking to a stopped
        # simulator (the next one on this port would not hear it).
        for open_connection in list(server.connections):
            try:
                open_connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
