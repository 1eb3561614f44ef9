"""Request bodies refused by their declared length before anything reads them.

Issue 19: the web filing, the verify pages and `submit-result` read 100–300 MB before
answering 400, and DRF's JSON parser reads a body whole whatever its size (Django's
DATA_UPLOAD_MAX_MEMORY_SIZE guards only `request.body` and `request.POST`). This middleware
runs before the CSRF check (which reads a form's body) and answers 413 when `Content-Length`
is past the view's limit:

- a multipart body (files): the view's `max_body_bytes` (`body_limit`), by default one file
  of the largest kind we take (a scan, DOCUMENT_MAX_BYTES, or a result, RESULT_MAX_BYTES),
  with room for the form's other fields;
- any other body (JSON, a form): DATA_UPLOAD_MAX_MEMORY_SIZE.

Nothing reads past the declared length (Django's request stream stops there), so a body
within its declared limit cannot grow past it while it streams; the upload handlers
(`cases.api.views.SizeLimitUploadHandler`) stop each file at its own limit.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

# Room for the form fields and multipart boundaries around the files themselves.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def body_limit(limit):
    """Declare a view's limit for multipart bodies: bytes, or `limit(request, **kwargs)`.
    Works on function views and on DRF views (on the class)."""

    def mark(view):
        view.max_body_bytes = limit
        return view

    return mark


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        declared = declared_length(request)
        if not declared:
            return None
        if request.content_type == "multipart/form-data":
            limit = _limit_of(view, request, kwargs)
            allowed = limit + MULTIPART_OVERHEAD_BYTES
        else:
            limit = allowed = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return too_large(request, limit) if declared > allowed else None


def _limit_of(view, request, kwargs) -> int:
    limit = getattr(view, "max_body_bytes", None)
    if limit is None:
        limit = getattr(getattr(view, "cls", None), "max_body_bytes", None)
    if limit is None:
        return max(settings.DOCUMENT_MAX_BYTES, settings.RESULT_MAX_BYTES)
    return limit(request, **kwargs) if callable(limit) else limit


def too_large(request, limit: int) -> HttpResponse:
    megabytes = max(limit // 2**20, 1)
    detail = _("The request is larger than the limit of %d MB.") % megabytes
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "too_large", "detail": detail}, status=413)
    return HttpResponse(escape(detail), status=413, content_type="text/plain; charset=utf-8")
