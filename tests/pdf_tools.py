"""Reading the PDFs we print the way a person or a phone would: rendered, then scanned."""

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
