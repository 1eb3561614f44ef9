"""Vietnamese first, English on request: the catalogue, the API errors, the home page."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import post_action as act
from .conftest import vn

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: msgid, msgstr and flags (enough of the format for a check)."""
    entries, entry, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            entry = None
            continue
        if line.startswith("#~"):  # an obsolete entry: makemessages keeps it, gettext ignores it
            entry = None
            continue
        if entry is None:
            entry = {"msgid": "", "msgstr": "", "flags": set()}
            entries.append(entry)
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgid ", "msgstr ")):
            field, _, literal = line.partition(" ")
            entry[field] = ast.literal_eval(literal)
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"Unexpected line in {path.name}: {line!r}")
    return entries


def translatable(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


def test_the_vietnamese_catalogue_translates_every_string():
    entries = translatable(read_po(CATALOGUE / "django.po"))
    assert len(entries) > 100
    assert [e["msgid"] for e in entries if not e["msgstr"].strip()] == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    header = read_po(CATALOGUE / "django.po")[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]


def test_translations_keep_their_placeholders():
    for entry in translatable(read_po(CATALOGUE / "django.po")):
        assert sorted(PLACEHOLDER.findall(entry["msgstr"])) == sorted(
            PLACEHOLDER.findall(entry["msgid"])
        ), entry["msgid"]


def test_the_committed_mo_matches_the_po():
    """A fresh machine has no msgfmt: the .mo must be compiled from the current .po."""
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = {
        e["msgid"]: (compiled.gettext(e["msgid"]), e["msgstr"])
        for e in translatable(read_po(CATALOGUE / "django.po"))
        if compiled.gettext(e["msgid"]) != e["msgstr"]
    }
    assert stale == {}, "run: manage.py compilemessages -l vi --ignore=.venv"


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        ("Case code", "Mã hồ sơ"),
        ("case", "hồ sơ"),
        ("procedure", "thủ tục hành chính"),
        ("deciding agency", "cơ quan giải quyết"),
        ("receiving agency", "nơi tiếp nhận"),
        ("appointment", "ngày hẹn trả kết quả"),
        ("Counter staff", "Cán bộ một cửa"),
        ("Officer", "Chuyên viên xử lý"),
        ("Signer", "Lãnh đạo ký duyệt"),
        ("Submitted", "Mới đăng ký"),
        ("Received", "Đã tiếp nhận"),
        ("Processing", "Đang xử lý"),
        ("Supplement requested", "Yêu cầu bổ sung"),
        ("Awaiting payment", "Chờ thực hiện nghĩa vụ tài chính"),
        ("Resolved", "Đã xử lý xong"),
        ("Returned", "Đã trả kết quả"),
        ("Rejected", "Không được tiếp nhận"),
        ("working days", "ngày làm việc"),
        ("Fee (phí)", "Phí"),
        ("Charge (lệ phí)", "Lệ phí"),
    ],
)
def test_key_terms_use_the_administrative_vocabulary(english, vietnamese):
    with (CATALOGUE / "django.mo").open("rb") as mo:
        assert gettext.GNUTranslations(mo).gettext(english) == vietnamese


# --- over HTTP -------------------------------------------------------------------------


@pytest.fixture
def case(file_case):
    return file_case(vn(2026, 11, 27, 9, 0))


@pytest.mark.django_db
def test_an_api_validation_error_is_vietnamese_by_default(staff, case, client_for):
    counter = client_for(staff["counter"])

    blank = act(counter, case.code, "withdraw", reason="")
    missing = act(counter, case.code, "withdraw")

    assert blank.status_code == 400
    assert blank.json() == {"reason": ["Trường này không được bỏ trống."]}
    assert missing.status_code == 400
    assert missing.json() == {"reason": ["Trường này là bắt buộc."]}


@pytest.mark.django_db
def test_an_api_validation_error_is_english_on_request(staff, case, client_for):
    counter = client_for(staff["counter"])

    blank = act(counter, case.code, "withdraw", reason="", HTTP_ACCEPT_LANGUAGE="en")
    missing = act(counter, case.code, "withdraw", HTTP_ACCEPT_LANGUAGE="en")

    assert blank.status_code == 400
    assert blank.json() == {"reason": ["This field may not be blank."]}
    assert missing.json() == {"reason": ["This field is required."]}
    assert blank["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_refused_transition_is_explained_in_vietnamese_by_default(staff, case, client_for):
    answer = act(client_for(staff["counter"]), case.code, "return", channel="counter")

    assert answer.status_code == 409
    assert answer.json() == {
        "error": "invalid_transition",
        "detail": "Không thể thực hiện thao tác “return” đối với hồ sơ "
        "ở trạng thái “đã tiếp nhận”.",
    }
    assert answer["Content-Language"] == "vi"


@pytest.mark.django_db
def test_a_refused_transition_is_explained_in_english_on_request(staff, case, client_for):
    answer = act(
        client_for(staff["counter"]),
        case.code,
        "return",
        channel="counter",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert answer.status_code == 409
    assert answer.json() == {
        "error": "invalid_transition",
        "detail": "Cannot return a case that is received.",
    }


@pytest.mark.django_db
def test_the_home_page_labels_are_vietnamese_by_default(client, case):
    html = client.get("/", {"code": case.code, "pin": case.pin}, follow=True).content.decode()

    for text in ("Tra cứu hồ sơ", "Bộ phận Một cửa", "Mã hồ sơ", "Mã PIN", "Đã tiếp nhận"):
        assert text in html
    assert "Case code" not in html


@pytest.mark.django_db
def test_the_home_page_labels_are_english_on_request(client, case):
    html = client.get(
        "/", {"code": case.code, "pin": case.pin}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    ).content.decode()

    for text in ("Case lookup", "One-stop service centre", "Case code", "PIN", "Received"):
        assert text in html
    assert "Mã hồ sơ" not in html


@pytest.mark.django_db
def test_a_home_page_form_error_is_vietnamese_by_default(client, case):
    page = client.get("/", {"code": case.code, "pin": "WRONG123"})

    assert page.status_code == 404
    assert "Không tìm thấy hồ sơ có mã hồ sơ và mã PIN này." in page.content.decode()
