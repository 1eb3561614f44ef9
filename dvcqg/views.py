"""The portal simulator over HTTP (only with `DVCQG_SIMULATOR` on): the same answers as in
process, so `DVCQG_URL` may point here to exercise the real HTTP path."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import simulator


def _answer(request, endpoint: str) -> HttpResponse:
    if not settings.DVCQG_SIMULATOR:
        raise Http404
    status, body = simulator.answer(endpoint, request.body, timeout=None)
    content_type = "application/json" if body[:1] == b"{" else "text/html"
    return HttpResponse(body, status=status, content_type=f"{content_type}; charset=utf-8")


@csrf_exempt
@require_POST
def simulator_auth(request):
    return _answer(request, "auth")


@csrf_exempt
@require_POST
def simulator_api(request):
    return _answer(request, "api")
