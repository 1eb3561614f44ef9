"""What does one signature check cost, whatever the file? `.venv/bin/python bench/verify_bench.py`

Issue 19, item 1: a crafted 20 MB PDF cost the worker 14.4 CPU-s and 1.9 GB. For each hostile
file of tests/crafted_pdfs.py at full size, and for a genuine signed result, one call of
`documents.signing.verify_pdf` in a fresh process, measured from inside it: CPU seconds of
the process and of its children (the budget's child), and peak memory (ru_maxrss of the
process, and of its children: a forked child's counts the pages it shares with its parent).
Each is measured next to the code before the change (`--base`, by default the merge-base
with main, unpacked with `git archive`), in the same rounds, alternating which goes first.
Targets: <= 1 CPU-s and <= 200 MB for every file.
"""

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024
TIMEOUT = 180  # s for one call of the old code
UNMEASURED = dict.fromkeys(
    ["cpu", "cpu_children", "wall", "rss", "rss_children", "rss_before"], math.nan
)


def measure(path: str, code: str, pki: str) -> None:
    """In a fresh process: one verification of the file at `path` by the code under `code`;
    prints the figures as JSON."""
    sys.path.insert(0, code)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ.setdefault("SECRET_KEY", "verify-bench-only")
    import django

    django.setup()
    from django.conf import settings

    from documents import signing

    settings.SIGNING_TRUST_ROOTS = [f"{pki}/root.pem"]
    settings.SIGNING_CRLS = [f"{pki}/issuing.crl"]
    signing.trust_material()  # read once, as a worker that verified before has
    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    verdict = signing.verify_pdf(data).verdict
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "verdict": verdict,
                "code": str(Path(signing.__file__).resolve().parent.parent),
                "wall": wall,
                "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
                "cpu_children": children.ru_utime + children.ru_stime,
                "rss_before": before.ru_maxrss / 1024,
                "rss": after.ru_maxrss / 1024,
                "rss_children": children.ru_maxrss / 1024,
            }
        )
    )


def run(path: Path, code: Path, pki: Path) -> dict:
    command = [sys.executable, __file__, "--measure", str(path), str(code), str(pki)]
    try:
        # In the code's own folder: Celery puts the working directory first on sys.path.
        done = subprocess.run(command, cwd=code, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"verdict": f"> {TIMEOUT} s", **UNMEASURED, "cpu": TIMEOUT, "wall": TIMEOUT}
    if done.returncode != 0:
        return {"verdict": f"exit {done.returncode}", **UNMEASURED}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["code"] == str(code.resolve()), f"measured {figures['code']}, not {code}"
    return figures


def make(folder: str) -> None:
    """In a process of its own (the one that measures must not inherit its peak memory):
    a development PKI, a genuine signed result (2 pages, and 19 MB of scanned pages) and the
    hostile files at full size, written to `folder` with `index.json` naming them."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    os.environ.setdefault("SECRET_KEY", "verify-bench-only")
    import django

    django.setup()
    import signing_bench
    from django.conf import settings

    from documents import pki as dev_pki
    from documents import signing
    from tests import crafted_pdfs as crafted

    folder = Path(folder)
    dev_pki.write_dev_pki(folder / "pki", [signing_bench.AGENCY], passphrase=b"bench")
    settings.SIGNING_PKCS12_DIR = str(folder / "pki" / "agencies")
    settings.SIGNING_PKCS12_PASSPHRASE = "bench"
    case = signing_bench.fake_case()

    def signed(pdf: bytes) -> bytes:
        return signing.sign_pdf(
            pdf, agency=case.deciding_agency, field_suffix="0",
            verify_url="http://127.0.0.1:8000/verify/0/", reason="Kết quả",
        ).data  # fmt: skip

    genuine = signed(signing_bench.two_page_result(case))
    found = genuine.index(b"/Contents <") + len(b"/Contents <")
    cms = genuine[found : genuine.index(b">", found)]
    made = {
        "genuine signed result, 2 pages": genuine,
        "genuine signed result, scans": signed(scanned_pages(15 * MiB)),
        "huge /Contents, 20 MB": crafted.huge_contents(20 * MiB),
        "nesting 400 deep, 20 MB": crafted.nested(depth=400, total_bytes=20 * MiB),
        "nesting 100,000 deep": crafted.nested(depth=100_000),
        "flate bombs, 30 object streams": crafted.flate_bomb(streams=30),
        "/Prev loop": crafted.prev_loop(),
        "/Prev chain, 20 MB": crafted.prev_chain(20 * MiB),
        "20,000 signature fields": crafted.many_fields(20_000, cms),
    }
    index = {}
    for number, (name, data) in enumerate(made.items()):
        index[name] = f"{number}.pdf"
        (folder / index[name]).write_bytes(data)
    (folder / "index.json").write_text(json.dumps(index))


def scanned_pages(size: int) -> bytes:
    """A PDF of pages scanned as JPEG (noise, which does not compress): `size` bytes of JPEG,
    a quarter more in the file (ReportLab writes them in ASCII85)."""
    from io import BytesIO

    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pdf = BytesIO()
    pages = canvas.Canvas(pdf)
    drawn = 0
    while True:
        scan = BytesIO()
        Image.frombytes("RGB", (600, 400), os.urandom(600 * 400 * 3)).save(scan, "JPEG")
        drawn += scan.tell()
        if drawn > size:
            break
        scan.seek(0)
        pages.drawImage(ImageReader(scan), 0, 0, 595, 842)
        pages.showPage()
    pages.save()
    return pdf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="revision to compare with (default: merge-base main)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(*args.measure)
    if args.make:
        return make(args.make)
    base = args.base or git("merge-base", "HEAD", "main")
    with tempfile.TemporaryDirectory(prefix="onestop-verify-bench-") as folder:
        compare(Path(folder), base, args.rounds)


def compare(folder: Path, base: str, rounds: int) -> None:
    old = folder / "base"
    old.mkdir()
    archive = subprocess.run(["git", "archive", base], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    subprocess.run([sys.executable, __file__, "--make", str(folder)], check=True)
    index = json.loads((folder / "index.json").read_text())
    paths = {name: folder / file for name, file in index.items()}
    codes = {"before": old, "now": ROOT}
    print(f"uptime: {uptime()}")
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    print(
        f"before = {git('rev-parse', '--short', base)}, now = "
        f"{git('rev-parse', '--short', 'HEAD')}{dirty}; {rounds} interleaved rounds, "
        "one fresh process a call"
    )

    runs = {(name, which): [] for name in paths for which in codes}
    for round_ in range(rounds):
        for name, path in paths.items():
            order = list(codes) if round_ % 2 == 0 else list(reversed(codes))
            for which in order:
                runs[name, which].append(run(path, codes[which], folder / "pki"))

    print(
        f"\n{'file':<31}{'size':>8}  {'code':<7}{'verdict':<11}{'CPU-s':>6}{'child':>6}"
        f"{'wall s':>7}{'peak MB':>8}{'added':>6}{'self':>6}{'child':>6}{'before':>7}"
    )
    worst = {"CPU-s": 0.0, "peak MB": 0.0, "added MB": 0.0}
    for name, path in paths.items():
        size = f"{path.stat().st_size / MiB:.1f} MB"
        for which in codes:
            figures = runs[name, which]

            def median(figure) -> float:
                return statistics.median(figure(f) for f in figures)  # noqa: B023

            cpu = median(lambda f: f["cpu"] + f["cpu_children"])
            peak = median(lambda f: max(f["rss"], f["rss_children"]))
            added = median(lambda f: max(f["rss"], f["rss_children"]) - f["rss_before"])
            if which == "now":
                for key, value in zip(worst, (cpu, peak, added), strict=True):
                    worst[key] = max(worst[key], value)
            print(
                f"{name if which == 'before' else '':<31}{size if which == 'before' else '':>8}"
                f"  {which:<7}{'/'.join(sorted({f['verdict'] for f in figures})):<11}"
                f"{cpu:>6.2f}{median(lambda f: f['cpu_children']):>6.2f}"
                f"{median(lambda f: f['wall']):>7.2f}{peak:>8.0f}{added:>6.0f}"
                f"{median(lambda f: f['rss']):>6.0f}{median(lambda f: f['rss_children']):>6.0f}"
                f"{median(lambda f: f['rss_before']):>7.0f}"
            )
    print(
        "\nCPU-s: the call's, its child's (the budget) included. Peak MB: ru_maxrss of the "
        "process or of its child, whichever is higher (a forked child's counts the pages it "
        "shares with its parent); added: above the process before the call (Python, Django, "
        "pyHanko, the file read: 'before'). Medians over the rounds."
    )
    print("now, the worst file: " + ", ".join(f"{v:.2f} {k}" for k, v in worst.items()))
    print("targets: <= 1 CPU-s, <= 200 MB")
    print(f"uptime: {uptime()}")


def git(*words) -> str:
    return subprocess.run(
        ["git", *words], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
