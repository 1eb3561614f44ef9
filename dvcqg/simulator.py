"""A national portal simulator for the embedded mode, the demo and the tests.

It plays the portal's side of `dvcqg/payloads.py`: it signs us in, checks the session,
`madonvi`, the service and every field of what it is sent (the rules of
`payloads.problems`), answers like the portal (success, "already exists", "try again",
an invalid field named in the message), and keeps what it received (`SimulatorRecord`),
shown per case in the admin.

It is what the client talks to in this process when `DVCQG_URL` is empty, and it is served
over HTTP at `/dvcqg/simulator/auth/` and `/dvcqg/simulator/api/` when `DVCQG_SIMULATOR` is
on, so that `DVCQG_URL` may point at it to exercise the real HTTP path.

It can be told to go down (503 with an HTML page, as a gateway answers), to be slow, and to
answer the next requests with a chosen fault (`control`): from the admin page or a test.
"""

import json
import secrets
import threading
import time

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connections

from cases.models import Procedure
from onestop import safejson

from . import payloads
from .models import Service, SimulatorRecord

CONTROL_KEY = "dvcqg:simulator:control"
SESSIONS_KEY = "dvcqg:simulator:session:"
FAULTS = {
    # name: (HTTP status, body), the body a JSON object or raw bytes
    "busy": (200, {"error_code": "-9", "message": "Hệ thống đang bận, vui lòng thử lại sau"}),
    "http500": (500, {"error_code": "500", "message": "Internal Server Error"}),
    "html": (200, b"<html><body>Gateway error</body></html>"),
    "down": (503, b"<html><body>503 Service Unavailable</body></html>"),
    "session": (200, {"error_code": "-1", "message": "Phiên làm việc không hợp lệ"}),
    "timeout": None,  # the request is lost: no answer before the client stops waiting
    "late": None,  # the request is taken, but the answer comes after the client stopped waiting
}
FAULT_NAMES = list(FAULTS)
DEFAULT_CONTROL = {
    "down": False,
    "delay_ms": 0,
    "faults": [],
    "session_seconds": 3600,
    "generation": 0,  # sessions of an earlier generation have expired
    "catalogue": {},
}

_control_lock = threading.Lock()


def control() -> dict:
    return {**DEFAULT_CONTROL, **(cache.get(CONTROL_KEY) or {})}


def set_control(**changes) -> dict:
    """Change how the simulator behaves: `down`, `delay_ms`, `faults` (names of FAULTS for
    the next requests, in order), `session_seconds`."""
    with _control_lock:
        state = {**control(), **changes}
        cache.set(CONTROL_KEY, state, timeout=None)
    return state


def _next_fault(state: dict) -> str | None:
    if not state["faults"]:
        return None
    with _control_lock:
        state = control()
        if not state["faults"]:
            return None
        fault, *rest = state["faults"]
        cache.set(CONTROL_KEY, {**state, "faults": rest}, timeout=None)
        return fault


# --- answering -----------------------------------------------------------------------------


def answer(endpoint: str, raw: bytes, timeout: float | None) -> tuple[int, bytes]:
    """The portal's answer to a POST on `endpoint` ("auth" or "api") as (status, body).

    `timeout`: how long a client in this process waits; one that would have stopped waiting
    gets requests' Timeout, as over the network. None over HTTP: the answer is just late.
    """
    state = control()
    fault = None if endpoint == "auth" else _next_fault(state)
    delay = state["delay_ms"] / 1000
    if fault == "timeout":
        delay, fault = max(delay, settings.DVCQG_TIMEOUT + 1), None
    if timeout is not None and delay > timeout:
        time.sleep(timeout)
        raise requests.Timeout(f"the simulator is slower than {timeout} s")
    if delay:
        time.sleep(delay)
    if state["down"]:
        fault = "down"
    if fault and fault != "late":
        status, body = FAULTS[fault]
        return status, body if isinstance(body, bytes) else _dump(body)
    try:
        request = safejson.loads(raw)
    except ValueError:
        return 400, _dump({"error_code": "-2", "message": "Dữ liệu không phải JSON"})
    if not isinstance(request, dict):
        return 400, _dump({"error_code": "-2", "message": "Dữ liệu không hợp lệ"})
    reply = _sign_in(request, state) if endpoint == "auth" else _serve(request, state)
    if fault == "late":
        wait = timeout if timeout is not None else settings.DVCQG_TIMEOUT + 1
        time.sleep(wait)
        if timeout is not None:
            raise requests.Timeout("the simulator answered after the client stopped waiting")
    return 200, _dump(reply)


def _dump(reply: dict) -> bytes:
    return json.dumps(reply, ensure_ascii=False).encode()


def _sign_in(request: dict, state: dict) -> dict:
    if (request.get("username"), request.get("password")) != (
        settings.DVCQG_USERNAME,
        settings.DVCQG_PASSWORD,
    ):
        return {"error_code": "-1", "message": "Sai tên đăng nhập hoặc mật khẩu"}
    token = secrets.token_urlsafe(24)
    cache.set(SESSIONS_KEY + token, state["generation"], timeout=state["session_seconds"])
    return {"error_code": "0", "message": "Thành công", "session": token}


def expire_sessions() -> None:
    """Every session given so far stops working (as when the portal restarts)."""
    set_control(generation=control()["generation"] + 1)


def _serve(request: dict, state: dict) -> dict:
    token = request.get("session")
    if not token or cache.get(SESSIONS_KEY + str(token)) != state["generation"]:
        return {"error_code": "-1", "message": "Phiên làm việc không hợp lệ hoặc đã hết hạn"}
    if request.get("madonvi") != settings.DVCQG_AGENCY_CODE:
        return {"error_code": "-2", "message": f"madonvi không hợp lệ: {request.get('madonvi')}"}
    service = request.get("service")
    if service in (Service.CASE, Service.PROGRESS):
        return _receive(service, request)
    if service == "TraCuuHoSo":
        record = _latest_record(str(request.get("mahoso", "")))
        return {"error_code": "0", "message": "Thành công", "result": [record] if record else []}
    if service == "LayThuTuc":
        return {"error_code": "0", "message": "Thành công", "result": _procedure(request, state)}
    if service == "DongBoDanhGia":
        return _record(service, "", request.get("data"), False, _ok())
    return {"error_code": "-2", "message": f"service không hợp lệ: {service}"}


def _ok() -> dict:
    return {"error_code": "0", "message": "Đồng bộ thành công"}


def _receive(service: str, request: dict) -> dict:
    items = request.get("data")
    if not isinstance(items, list) or not items:
        return {"error_code": "-2", "message": "Trường data không hợp lệ"}
    updating = str(request.get("isUpdating", "False")) == "True"
    reply = _ok()
    for item in items:
        if not isinstance(item, dict):
            reply = {"error_code": "-2", "message": "Trường data không hợp lệ"}
            break
        found = payloads.problems(service, item)
        if found:
            field = found[0].split(":", 1)[0]
            reply = {"error_code": "-2", "message": f"Trường {field} không hợp lệ: {found[0]}"}
            break
        code = item["MaHoSo"]
        known = SimulatorRecord.objects.filter(
            service=Service.CASE, ma_ho_so=code, accepted=True
        ).exists()
        if service == Service.CASE and not updating and known:
            reply = {"error_code": "-3", "message": f"Hồ sơ {code} đã tồn tại trên hệ thống"}
            break
        if service == Service.PROGRESS and not known:
            reply = {"error_code": "-2", "message": f"Hồ sơ {code} không tồn tại"}
            break
    for item in items:
        code = item.get("MaHoSo", "") if isinstance(item, dict) else ""
        _record(service, code, item, updating, reply)
    return reply


def _record(service, code, data, updating, reply) -> dict:
    SimulatorRecord.objects.create(
        service=service,
        ma_ho_so=str(code)[:60],
        data=data,
        updating=updating,
        accepted=reply["error_code"] == "0",
        reply=reply,
    )
    return reply


def _latest_record(code: str) -> dict | None:
    record = (
        SimulatorRecord.objects.filter(service=Service.CASE, ma_ho_so=code, accepted=True)
        .order_by("-id")
        .first()
    )
    return record.data if record else None


def set_catalogue(changes: dict) -> None:
    """What the portal's catalogue says differently from ours, by procedure code:
    `{"1.000656": {"TENTTHC": "...", "THOIGIANGIAIQUYET": 5, "DONVITINH": "Ngày làm việc",
    "PHILEPHI": [{"MAPHILEPHI", "SOTIEN", "MOTA"}]}}`."""
    set_control(catalogue=changes)


def _procedure(request: dict, state: dict) -> list[dict]:
    """The national catalogue: ours, as the portal would publish it, with the changes set."""
    code = str(request.get("maTTHC", ""))
    procedure = Procedure.objects.filter(code=code).prefetch_related("fees").first()
    if procedure is None:
        return []
    change = state["catalogue"].get(code, {})
    units = {"working_days": "Ngày làm việc", "calendar_days": "Ngày", "working_hours": "Giờ"}
    fees = [
        {"MAPHILEPHI": f.code, "SOTIEN": f.amount, "DONVI": "Đồng", "MOTA": f.name}
        for f in procedure.fees.all()
    ]
    return [
        {
            "MATTHC": procedure.code,
            "TENTTHC": change.get("TENTTHC", procedure.name),
            "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": ""}],
            "CACHTHUCTHUCHIEN": [
                {
                    "KENH": 1,
                    "THOIGIAN": [
                        {
                            "THOIGIANGIAIQUYET": change.get(
                                "THOIGIANGIAIQUYET", procedure.processing_time_value
                            ),
                            "DONVITINH": change.get(
                                "DONVITINH", units[procedure.processing_time_unit]
                            ),
                            "MOTA": "",
                            "PHILEPHI": change.get("PHILEPHI", fees),
                        }
                    ],
                }
            ],
        }
    ]


def close_connections() -> None:
    """A thread that answered in this process (the dispatcher's) leaves no connection open."""
    connections.close_all()
