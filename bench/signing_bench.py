"""How fast are signatures, verifications and receipts? `.venv/bin/python bench/signing_bench.py`

On one core (the process pins itself to one CPU): PAdES signatures and verifications of a
2-page result generated like a real one (Vietnamese text, stamp with QR code), and form 01
receipts (A5, QR code). Interleaved rounds with a baseline in each: a bare ECDSA P-256
signature and verification of the same bytes, to tell a slow machine from slow code.
Targets (issue 9): >= 30 signatures/s, >= 30 verifications/s, >= 50 receipts/s.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402

from documents import forms_pdf, pki, results_pdf, signing  # noqa: E402
from onestop.paper import Document, Letterhead, paragraph  # noqa: E402

AGENCY = ("000.00.20.H38", "Sở Tư pháp tỉnh Lào Cai")


def fake_case():
    """What the PDFs read from a case, without a database."""
    now = timezone.now()
    province = SimpleNamespace(name="UBND tỉnh Lào Cai", parent=None)
    agency = SimpleNamespace(name=AGENCY[1], parent=province, code=AGENCY[0])
    centre = SimpleNamespace(name="Trung tâm Phục vụ hành chính công tỉnh", parent=province)
    documents = [SimpleNamespace(name=n) for n in ("Tờ khai", "Bản sao CCCD", "Ảnh 4x6")]
    return SimpleNamespace(
        code="000.00.01.H38-261127-0007",
        applicant_full_name="Lò Thị Mai",
        applicant_id_number="010190001234",
        applicant_phone="0912345678",
        applicant_address="Xã Gia Phú, tỉnh Lào Cai",
        procedure=SimpleNamespace(
            name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            code="2.000488",
            processing_time_value=10,
            processing_time_unit="working_days",
        ),
        receiving_agency=centre,
        deciding_agency=agency,
        received_at=now,
        appointment_at=now + timedelta(days=14),
        documents=SimpleNamespace(all=lambda: documents),
    )


def two_page_result(case) -> bytes:
    paragraphs = results_pdf.render_text(results_pdf.DEFAULT_BODY, case) * 14
    pdf = Document(
        head=Letterhead(agency=AGENCY[1], parent="UBND tỉnh Lào Cai"),
        title=results_pdf.DEFAULT_TITLE,
        body=[paragraph(p) for p in paragraphs],
        signature_title=AGENCY[1].upper(),
    ).render()
    pages = PdfFileReader(BytesIO(pdf)).root["/Pages"]["/Count"]
    assert pages == 2, f"the sample result has {pages} pages"
    return pdf


def rate(function, seconds: float) -> tuple[float, float]:
    """Calls per CPU second and per wall-clock second of `function`, run for about `seconds`.

    Per CPU second is what one core would do alone: on a shared machine the wall clock
    also counts the time other processes held the core. The CPU counts child processes too
    (a verification runs in one).
    """
    count, wall, cpu = 0, time.perf_counter(), cpu_seconds()
    while (elapsed := time.perf_counter() - wall) < seconds:
        function()
        count += 1
    return count / (cpu_seconds() - cpu), count / elapsed


def cpu_seconds() -> float:
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="per measurement")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    folder = Path(tempfile.mkdtemp(prefix="onestop-bench-pki-"))
    pki.write_dev_pki(folder, [AGENCY], passphrase=b"bench")
    settings.SIGNING_PKCS12_DIR = str(folder / "agencies")
    settings.SIGNING_PKCS12_PASSPHRASE = "bench"
    settings.SIGNING_TRUST_ROOTS = [str(folder / "root.pem")]
    settings.SIGNING_CRLS = [str(folder / "issuing.crl")]

    case = fake_case()
    settings.SIGNING_KEY_BACKEND = "documents.signing.Pkcs12Backend"
    draft = two_page_result(case)

    def sign():
        return signing.sign_pdf(
            draft, agency=case.deciding_agency, field_suffix="0" * 36,
            verify_url="http://127.0.0.1:8000/verify/" + "0" * 36 + "/", reason="Kết quả",
        ).data  # fmt: skip

    signed = sign()
    assert signing.verify_pdf(signed).authentic

    key = ec.generate_private_key(ec.SECP256R1())
    raw_signature = key.sign(signed, ec.ECDSA(hashes.SHA256()))

    measures = {
        "baseline: ECDSA sign": lambda: key.sign(signed, ec.ECDSA(hashes.SHA256())),
        "baseline: ECDSA verify": lambda: key.public_key().verify(
            raw_signature, signed, ec.ECDSA(hashes.SHA256())
        ),
        "PAdES signature (2 pages)": sign,
        "PAdES verification": lambda: signing.verify_pdf(signed),
        "form 01 receipt PDF": lambda: forms_pdf.receipt(case, pin="Y4VKM6BQ", received_by="An"),
    }
    print(
        f"one core, {args.rounds} interleaved rounds of {args.seconds:.1f} s each; "
        f"result {len(draft):,} B unsigned, {len(signed):,} B signed; load {os.getloadavg()}"
    )
    runs = {name: [] for name in measures}
    for _ in range(args.rounds):
        for name, function in measures.items():
            runs[name].append(rate(function, args.seconds))
    print(f"{'':<28} {'per CPU second':>24}   {'per wall second':>24}")
    for name, rates in runs.items():
        cpu, wall = [r[0] for r in rates], [r[1] for r in rates]
        print(
            f"{name:<28} median {statistics.median(cpu):>9,.1f} best {max(cpu):>9,.1f}"
            f"   median {statistics.median(wall):>9,.1f} best {max(wall):>9,.1f}"
        )
    base = statistics.median(r[0] for r in runs["baseline: ECDSA sign"])
    for name in ("PAdES signature (2 pages)", "PAdES verification", "form 01 receipt PDF"):
        cost = base / statistics.median(r[0] for r in runs[name])
        print(f"{name:<28} costs {cost:,.0f} bare ECDSA signatures (CPU)")


if __name__ == "__main__":
    main()
