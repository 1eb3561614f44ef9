"""HTTP answers every app gives alike."""

from django.http import HttpResponse


def pdf_response(data: bytes, filename: str, *, attachment: bool = False) -> HttpResponse:
    """A PDF drawn for this request: private, never cached on the way."""
    response = HttpResponse(data, content_type="application/pdf")
    kind = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{kind}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def posted_ids(request, name: str) -> list[int]:
    """The row ids posted under `name`, ignoring anything that is not one: `str.isdigit`
    also accepts "²" (which `int` refuses) and digits past a bigint (which the database
    refuses), each a 500 once (issue 19)."""
    return [
        int(value)
        for value in request.POST.getlist(name)
        if value.isascii() and value.isdigit() and int(value) < 2**63
    ]
