"""The size limit of an uploaded PDF to verify, applied before its body is read.

A body that declares more than the limit (Content-Length) is refused at once; one that
streams past it stops being read (cases' SizeLimitUploadHandler). Either way: TooLarge, a
413 (issue 19: 100–300 MB were read before a 400).
"""

from django.conf import settings
from django.utils.translation import gettext as _

from cases.api.errors import TooLarge
from cases.api.views import MULTIPART_OVERHEAD_BYTES, SizeLimitUploadHandler


def limit_upload(request) -> None:
    """Call before anything reads the body of `request` (a Django HttpRequest: the CSRF
    check, a parser)."""
    limit = settings.RESULT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit + MULTIPART_OVERHEAD_BYTES:
        raise TooLarge(_("The file is larger than the limit of %d MB.") % (limit // 2**20))
    request.upload_handlers.insert(0, SizeLimitUploadHandler(limit=limit))
