"""The public signature check against hostile uploads (issue 19, items 1 and 16).

An anonymous upload once pinned a worker: a 20 MB PDF whose signature /Contents held 10
million hex digits cost 14.4 CPU-s and 1.9 GB and was called "modified". Now a file is
screened before pyHanko reads it, what passes is judged in a child process with a budget,
and whatever is refused or stopped is "unreadable". Genuine results verify as before
(tests/test_signing.py). The hostile files are built by tests/crafted_pdfs.py, small here;
bench/verify_bench.py measures the full-size ones.
"""

import logging
import re
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, encode_multipart

from documents import signing

from . import crafted_pdfs as crafted
from .signing import two_page_pdf

AGENCY = SimpleNamespace(code="000.00.20.H38")  # Sở Tư pháp in the tests' PKI


@pytest.fixture
def signed_pdf():
    return signing.sign_pdf(
        two_page_pdf(), agency=AGENCY, field_suffix="x", verify_url="https://x/", reason="r"
    ).data


@pytest.fixture
def parsed(monkeypatch):
    """The files whose parsing started: each verification that got past the screen."""
    started = []
    real = getattr(signing, "run_bounded", None)  # None in the code before the budget

    def spy(function, data, *args, **limits):
        started.append(data)
        return real(function, data, *args, **limits)

    monkeypatch.setattr(signing, "run_bounded", spy, raising=False)
    return started


def verify_upload(client, data: bytes):
    upload = SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")
    return client.post("/api/v1/public/verify/", {"file": upload}, format="multipart")


def stops(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "documents.signing"]


def cms_of(pdf: bytes) -> bytes:
    """The hex digits of a signed PDF's signature (its CMS, zero-padded)."""
    found = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)", pdf)
    hole, after = (int(n) for n in found.groups())
    return pdf[hole + 1 : after - 1]


# --- refused before parsing -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_signature_contents_of_millions_of_hex_digits_is_refused_unread(client, parsed):
    """Regression: a /Contents of 10 million hex digits cost 14.4 CPU-s and 1.9 GB in the
    worker, and the answer was "modified"."""
    answer = verify_upload(client, crafted.huge_contents(total_bytes=4 * crafted.MiB))

    assert answer.status_code == 200
    assert answer.json()["verdict"] == "unreadable" and answer.json()["signer"] == ""
    assert parsed == []


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param(lambda cms: crafted.many_fields(20_000, cms), id="20000-signature-fields"),
        pytest.param(lambda cms: crafted.prev_loop(), id="prev-loop"),
        pytest.param(lambda cms: crafted.prev_chain(total_bytes=200_000), id="prev-chain"),
    ],
)
def test_files_no_signed_result_resembles_are_refused_unread(hostile, signed_pdf, parsed):
    """Regression: 20,000 fields signed by one real signature cost 4.4 CPU-s and 390 MB
    per 3 MB uploaded, and 20,000 cross-reference sections 1.1 CPU-s per 1.5 MB; both, and
    a /Prev loop, were called "modified"."""
    assert signing.verify_pdf(hostile(cms_of(signed_pdf))).verdict == "unreadable"
    assert parsed == []


@pytest.mark.parametrize(
    "byte_range",
    [
        pytest.param(b"/ByteRange [0 100 999999999 10]", id="past-the-end"),
        pytest.param(b"/ByteRange [0 100 100 10]", id="no-hole"),
        pytest.param(b"/ByteRange 9 0 R", id="not-four-numbers"),
    ],
)
def test_a_byte_range_inconsistent_with_the_file_is_refused_unread(byte_range, signed_pdf, parsed):
    data = re.sub(rb"/ByteRange\s*\[[^\]]*\]", byte_range, signed_pdf)
    assert signing.verify_pdf(data).verdict == "unreadable"
    assert parsed == []


# --- parsed within limits ------------------------------------------------------------------


def test_arrays_and_dictionaries_nested_deeper_than_the_parser_reads_are_unreadable(parsed):
    """Regression: nesting 100,000 deep was called "modified" (the parser's recursion
    error read as damage to a signed file)."""
    assert signing.verify_pdf(crafted.nested(depth=100_000)).verdict == "unreadable"
    assert len(parsed) == 1


def test_an_object_stream_that_inflates_past_its_limit_is_unreadable(caplog):
    """Regression: an object stream inflating to 8 MB of blanks (pyHanko's ratio limit
    padded around) cost 2 CPU-s; to 63 MB, 14 CPU-s, and the answer was "modified"."""
    bomb = crafted.flate_bomb(streams=2, inflated_bytes=8 * crafted.MiB)

    with caplog.at_level(logging.WARNING, logger="documents.signing"):
        assert signing.verify_pdf(bomb).verdict == "unreadable"
    assert stops(caplog) == []  # pyHanko's decode limit stopped it, not the budget


# --- the budget ----------------------------------------------------------------------------


def test_a_file_that_keeps_the_parser_busy_is_stopped_at_the_cpu_budget(
    monkeypatch, caplog, parsed
):
    # Arrays and dictionaries nested 400 deep pass the screen and parse, 1 MB in 0.4 CPU-s.
    monkeypatch.setattr(signing, "VERIFY_CPU_SECONDS", 0.05)
    busy = crafted.nested(depth=400, total_bytes=crafted.MiB)

    with caplog.at_level(logging.WARNING, logger="documents.signing"):
        assert signing.verify_pdf(busy).verdict == "unreadable"
    assert len(parsed) == 1
    assert stops(caplog) == ["PDF verification stopped: out of CPU time"]


def test_a_file_that_fills_the_memory_budget_is_unreadable(monkeypatch):
    # The same arrays parsed whole with time to spare would be judged a damaged signature.
    monkeypatch.setattr(signing, "VERIFY_CPU_SECONDS", 30)
    monkeypatch.setattr(signing, "VERIFY_MEMORY_BYTES", crafted.MiB)
    costly = crafted.nested(depth=400, total_bytes=crafted.MiB)

    assert signing.verify_pdf(costly).verdict == "unreadable"


def test_a_genuine_result_verifies_within_the_budget(signed_pdf, parsed):
    verification = signing.verify_pdf(signed_pdf)
    assert verification.verdict == "authentic" and verification.signer == "Sở Tư pháp"
    assert parsed == [signed_pdf]


# --- the body's size ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/public/verify/", "/verify/"])
def test_an_oversized_upload_is_refused_before_the_body_is_read(client, path):
    """Regression: 100–300 MB were read before the answer was 400."""
    # The header announces 200 MB; the body is never read, so a short one proves it.
    answer = client.generic(
        "POST",
        path,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 413
    assert "larger than the limit of 20 MB" in answer.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/public/verify/", "/verify/"])
def test_an_upload_past_the_limit_is_stopped_while_it_streams(client, settings, path):
    settings.RESULT_MAX_BYTES = 100_000
    # Within the limit and its room for the form's fields, by the header; past it, the file.
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("x.pdf", b"%PDF-" * 30_000)})
    assert len(body) < settings.RESULT_MAX_BYTES + 64 * 1024

    answer = client.generic(
        "POST", path, body, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    assert answer.status_code == 413


# --- who signed: a fact or a claim (item 16) -------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_an_untrusted_signer_as_a_claim(client, use_pki):
    """Regression: the name an attacker put in their own certificate stood as "Signed by"
    next to the "not trusted" verdict."""
    use_pki(signing="other", trusting="good")
    forged = signing.sign_pdf(
        two_page_pdf(), agency=AGENCY, field_suffix="x", verify_url="https://x/", reason="r"
    ).data
    upload = SimpleUploadedFile("ket-qua.pdf", forged, content_type="application/pdf")

    page = client.post("/verify/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "verdict-untrusted" in page
    assert "<dt>Claims to be signed by</dt><dd>Sở Tư pháp</dd>" in page
    assert "Signed by" not in page.replace("Claims to be signed by", "")
    assert "only an authentic signature proves who signed" in page


@pytest.mark.django_db
def test_the_page_shows_an_authentic_signer_as_the_signer(client, signed_pdf):
    upload = SimpleUploadedFile("ket-qua.pdf", signed_pdf, content_type="application/pdf")

    page = client.post("/verify/", {"file": upload}).content.decode()  # Vietnamese first

    assert "verdict-authentic" in page
    assert "<dt>Người ký</dt><dd>Sở Tư pháp</dd>" in page and "Tự nhận" not in page
