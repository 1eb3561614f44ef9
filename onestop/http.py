"""HTTP answers every app gives alike."""

from django.http import HttpResponse


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """A PDF drawn for this request: private, never cached on the way."""
    response = HttpResponse(data, content_type="application/pdf")
    kind = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
