"""HTTP answers every app gives alike."""

import math

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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


def too_many_requests(request, wait: int) -> HttpResponse:
    """A page's answer to a client over its limit: 429, saying how long to wait."""
    detail = _("Too many requests from your address; try again in %(minutes)d minutes.") % {
        "minutes": math.ceil(wait / 60)
    }
    response = render(request, "locked_out.html", {"detail": detail}, status=429)
    response["Retry-After"] = str(wait)
    return response
