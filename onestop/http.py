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


def too_many_requests(request, wait: int) -> HttpResponse:
    """A page's answer to a client over its limit: 429, saying how long to wait."""
    detail = _("Too many requests from your address; try again in %(minutes)d minutes.") % {
        "minutes": math.ceil(wait / 60)
    }
    response = render(request, "locked_out.html", {"detail": detail}, status=429)
    response["Retry-After"] = str(wait)
    return response
