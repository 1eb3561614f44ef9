"""Reading the PDFs we print the way a person or a phone would: rendered, then scanned."""

import subprocess
import tempfile

import pypdfium2 as pdfium
import zxingcpp


def qr_codes(pdf: bytes, page: int = -1) -> list[str]:
    """Render one page (form widgets included, as a viewer shows them) and decode its QRs."""
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    index = page % len(document)
    image = document[index].render(scale=3, may_draw_forms=True).to_pil()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def text(pdf: bytes) -> str:
    """The words of every page, line breaks made spaces (a wrapped title reads whole)."""
    document = pdfium.PdfDocument(pdf)
    pages = (document[i].get_textpage().get_text_range() for i in range(len(document)))
    return " ".join(" ".join(pages).split())


def page_count(pdf: bytes) -> int:
    return len(pdfium.PdfDocument(pdf))


# Poppler's tools (poppler-utils), as a print shop or a clerk's viewer reads the file.


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        run = subprocess.run([tool, *args, file.name, *(["-"] if tool == "pdftotext" else [])],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return run.stdout


def pdfinfo(pdf: bytes) -> dict[str, str]:
    """`pdfinfo`'s fields: "Pages", "Page size" ("419.53 x 595.28 pts (A5)")..."""
    lines = _poppler("pdfinfo", pdf).splitlines()
    return dict((k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines))


def pdftotext(pdf: bytes, *, first: int = 1, last: int = 0) -> str:
    """The text of pages `first` to `last` (0: the last page) as `pdftotext` reads it."""
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    return _poppler("pdftotext", pdf, *pages)


def pdffonts(pdf: bytes) -> list[str]:
    """The names of the fonts the file uses (`pdffonts`), subset prefixes dropped."""
    rows = _poppler("pdffonts", pdf).splitlines()[2:]
    return [row.split()[0].partition("+")[2] or row.split()[0] for row in rows]
