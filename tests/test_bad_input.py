"""Every endpoint answers malformed input with a 4xx, never a 500, and changes nothing."""

import hashlib
import json
import re
from urllib.parse import quote

import pytest
from drf_spectacular.generators import SchemaGenerator

from cases.models import Case, CaseEvent, Role
from onestop import safejson

from .conftest import act, vn
from .factories import UserFactory

pytestmark = pytest.mark.django_db

MALFORMED_BODIES = [
    {},
    [],
    "text",
    None,
    {"procedure": None, "applicant": None, "channel": None},
    {"procedure": "9.999999", "applicant": {"full_name": "A", "id_number": "12"}, "channel": "x"},
    {"procedure": ["2.000488"], "applicant": "Lò Thị Mai", "channel": 7, "documents": "x"},
    {"applicant": {"full_name": "x" * 5000, "id_number": "0" * 12, "phone": "abc", "email": "@"}},
    {"documents": [{"name": None}], "items": "not a list", "officer": {"x": 1}, "agency": []},
    {"reason": "", "items": [], "officer": "nobody", "agency": "000.99.99.H99"},
    {
        "reason": {"nested": True},
        "new_appointment_at": "tomorrow",
        "channel": "pigeon",
        "recipient": None,
    },
    {"new_appointment_at": "2020-01-01T00:00:00", "reason": "x" * 3000},
    {"rating": "great", "pin": None},
]
# Bodies no JSON serializer writes: broken, and nested deeper than Python's recursion limit
# (RecursionError: a 500 on every JSON endpoint, issue 19) or than any body we take.
RAW_BODIES = [
    "{not json",
    "[" * 3000 + "]" * 3000,
    '{"applicant": ' * 3000 + "1" + "}" * 3000,
    '{"reason": ' + "[" * 100 + "]" * 100 + "}",
]
MALFORMED_QUERIES = [
    {"status": "nope", "due": "later", "assigned_to": "you", "received_from": "27/11/2026"},
    {"page": "-1", "level": "planet", "online_level": "x", "search": "\x00"},
    {"pin": "'; DROP TABLE cases_case; --", "agency": "x" * 500, "received_to": "2026-13-45"},
]


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        for method in item:
            yield path, method


def fill(path, case):
    return path.replace("{code}", case.code)


@pytest.fixture
def case(file_case, staff):
    """A case another officer works on: no caller of the walk may act on it with a body it
    ignores (the officer could otherwise claim it, then submit a generated result)."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    colleague = UserFactory(
        username="colleague", agency=staff["officer"].agency, roles=[Role.OFFICER]
    )
    act(case, "assign", staff["signer"], officer=colleague)
    return case


@pytest.mark.parametrize("who", [None, "counter", "officer", "citizen"])
def test_no_endpoint_answers_malformed_input_with_a_500(case, staff, client_for, who):
    client = client_for(staff[who] if who else None)
    client.raise_request_exception = False
    cases_before, events_before = Case.objects.count(), CaseEvent.objects.count()
    seen = []
    for path, method in operations():
        url = fill(path, case)
        if method == "get":
            for query in MALFORMED_QUERIES:
                answer = client.get(url, query)
                seen.append((method, url, answer.status_code))
        else:
            for body in MALFORMED_BODIES:
                answer = getattr(client, method)(
                    url, json.dumps(body), content_type="application/json"
                )
                seen.append((method, url, answer.status_code))
            for raw in RAW_BODIES:
                answer = getattr(client, method)(url, raw, content_type="application/json")
                seen.append((method, url, answer.status_code))

    server_errors = [row for row in seen if row[2] >= 500]
    assert server_errors == []
    assert len({url for _, url, _ in seen}) >= 15  # the walk really covered the API
    assert (Case.objects.count(), CaseEvent.objects.count()) == (cases_before, events_before)


# Text PostgreSQL cannot store, text longer than any field, text outside the BMP.
HOSTILE_TEXT = ["a\x00b", "x" * 10_000, "\U0001f600\U0001d54f"]


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def hostile_body(schema, node, text):
    """A body where every string (nested objects and lists too) is `text`."""
    node = _resolve(schema, node)
    kind = node.get("type")
    if "allOf" in node:
        return hostile_body(schema, node["allOf"][0], text)
    if kind == "object" or "properties" in node:
        return {
            name: hostile_body(schema, prop, text)
            for name, prop in node.get("properties", {}).items()
        }
    if kind == "array":
        return [hostile_body(schema, node.get("items", {}), text)]
    if kind in ("string", None):
        return text
    return 1 if kind == "integer" else True


def hostile_requests(schema, case):
    """Every operation, with each hostile text in each path parameter, query parameter and
    string field of its body."""
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            params = operation.get("parameters", [])
            names = [p["name"] for p in params if p["in"] == "path"]
            for text in HOSTILE_TEXT:
                for name in names:
                    url = fill(path, case).replace(f"{{{name}}}", quote(text, safe=""))
                    yield method, url.replace("{document_id}", "1"), {}
                url = fill(path, case).replace("{document_id}", "1")
                query = {p["name"]: text for p in params if p["in"] == "query"}
                if query:
                    yield method, url, {"query": query}
                content = operation.get("requestBody", {}).get("content", {})
                for media, body in content.items():
                    yield method, url, {"body": hostile_body(schema, body["schema"], text),
                                        "media": media}  # fmt: skip


@pytest.mark.parametrize("who", [None, "counter", "officer", "citizen"])
def test_hostile_text_anywhere_is_a_4xx_never_a_500(case, staff, client_for, who):
    """Regression: a NUL byte in a path segment or a slug field gave 500 (DataError)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = client_for(staff[who] if who else None)
    client.raise_request_exception = False
    seen = []
    for method, url, parts in hostile_requests(schema, case):
        if "body" in parts and parts["media"] != "application/json":
            flat = {k: v for k, v in parts["body"].items() if isinstance(v, str)}
            answer = getattr(client, method)(url, flat, format="multipart")
        elif "body" in parts:
            answer = getattr(client, method)(url, parts["body"], format="json")
        else:
            answer = getattr(client, method)(url, parts.get("query"))
        seen.append((method, url[:80], answer.status_code))

    assert [row for row in seen if row[2] >= 500] == []
    assert len(seen) > 100


@pytest.mark.parametrize("url", ["/alerts/read/", "/desk/feedback/alerts/read/"])
def test_an_alert_id_that_is_no_number_marks_nothing_and_is_no_500(client, staff, url):
    """Regression: `alert=²` passed `str.isdigit` and failed `int` (a 500); a number past a
    bigint failed in the database."""
    client.force_login(staff["officer"])
    client.raise_request_exception = False

    for value in ["²", "١٢", "9" * 30, "-1", ""]:
        assert client.post(url, {"alert": value}).status_code == 302


def test_a_provider_webhook_refuses_deep_json_before_anything_else(client):
    """Regression: the Zalo webhook parses its body before checking the signature; nested
    3,000 deep it raised RecursionError (a 500)."""
    client.raise_request_exception = False
    deep = '{"app_id": ' * 3000 + "1" + "}" * 3000

    answer = client.post("/api/v1/messaging/zalo/events/", deep, content_type="application/json")

    assert answer.status_code == 400


def test_without_its_secret_the_zalo_webhook_is_not_there(client, settings):
    """Regression: with DEBUG off the webhook verified events signed with the simulator's
    secret, published in the repository; unset, an empty secret anyone can sign with."""
    settings.ZALO_WEBHOOK_SECRET = ""
    settings.ZALO_APP_ID = "x"  # no secret: the app's id is on every message it sends
    timestamp, body = "1764900000000", json.dumps({"app_id": "x", "timestamp": "1764900000000"})
    mac = hashlib.sha256(f"x{body}{timestamp}".encode()).hexdigest()

    answer = client.post(
        "/api/v1/messaging/zalo/events/", body, content_type="application/json",
        headers={"X-ZEvent-Signature": f"mac={mac}"},
    )  # fmt: skip

    assert answer.status_code == 404


def test_json_is_taken_to_a_bounded_depth_and_refused_past_it():
    nested = "[" * safejson.MAX_DEPTH + "]" * safejson.MAX_DEPTH
    assert safejson.loads(nested) == eval(nested)  # noqa: S307 (a literal of brackets)

    with pytest.raises(ValueError, match="nested deeper"):
        safejson.loads("[" + nested + "]")
    with pytest.raises(ValueError, match="nested deeper"):
        safejson.loads("[" * 100_000 + "]" * 100_000)


HUGE = str(200 * 1024 * 1024)  # announced by the header; the short body is never read


def test_every_api_write_refuses_an_oversized_body_before_reading_it(case, staff, client_for):
    """Regression: DRF's JSON parser read a body whole whatever its size, and the uploads
    (submit-result) read 100–300 MB before answering 400."""
    client = client_for(staff["counter"])
    client.raise_request_exception = False
    seen = []
    for path, method in operations():
        if method == "get":
            continue
        url = re.sub(r"\{\w+\}", "1", fill(path, case))  # ids: the view is never reached
        for content_type in ("application/json", "multipart/form-data; boundary=x"):
            answer = client.generic(
                method.upper(), url, b"{", content_type=content_type, CONTENT_LENGTH=HUGE
            )
            seen.append((method, url, answer.status_code, answer.json().get("error")))

    assert len(seen) > 20
    assert [row for row in seen if row[2:] != (413, "too_large")] == []


def test_a_json_body_past_the_form_limit_is_refused_by_its_length(client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"procedure": "2.000488", "applicant": {"full_name": "x" * 2000}})

    answer = client_for().post("/api/v1/cases/", body, content_type="application/json")

    assert answer.status_code == 413


@pytest.mark.parametrize(
    "path",
    ["/procedures/2.000488/submit/", "/verify/", "/desk/cases/{code}/actions/submit-result/"],
)
def test_every_web_upload_refuses_an_oversized_body_before_reading_it(
    case, staff, client, procedure, path
):
    """Regression: the web filing read 100–300 MB before answering 400."""
    procedure.online_level = "full"
    procedure.save()
    client.force_login(staff["officer"])

    answer = client.generic(
        "POST",
        fill(path, case),
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=HUGE,
    )

    assert answer.status_code == 413
    assert Case.objects.count() == 1


def test_the_web_filing_takes_one_scan_per_required_document(procedure, settings):
    from onestop.bodies import MULTIPART_OVERHEAD_BYTES
    from portal.views import _filing_limit

    assert len(procedure.required_documents) == 2
    assert _filing_limit(None, procedure.code) == 2 * settings.DOCUMENT_MAX_BYTES
    assert MULTIPART_OVERHEAD_BYTES < settings.DOCUMENT_MAX_BYTES
