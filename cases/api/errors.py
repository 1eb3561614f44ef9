"""One error shape for the API.

400 keeps DRF's field errors (`{"field": ["message", ...]}`); every other error answers
`{"error": "<code>", "detail": "<message>"}`, e.g. `not_found`, `not_authenticated`,
`permission_denied`, `forbidden`, `invalid_transition`, `too_large`, `throttled`.
"""

import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.exceptions import ActionForbidden, InvalidTransition, NotOffered
from onestop.auth import login_wait


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def exception_handler(exc, context):
    if isinstance(exc, InvalidTransition):
        return _error("invalid_transition", str(exc), status.HTTP_409_CONFLICT)
    if isinstance(exc, ActionForbidden):
        return _error("forbidden", str(exc), status.HTTP_403_FORBIDDEN)
    if isinstance(exc, NotOffered):
        return _error("not_found", str(exc), status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    # As DRF's own handler does, so that their code is `not_found` / `permission_denied`.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None or isinstance(exc, exceptions.ValidationError):
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = getattr(detail, "code", None) or "error"
    response.data = {"error": code, "detail": str(detail)}
    return response


def _error(code: str, detail: str, status_code: int) -> Response:
    return Response({"error": code, "detail": detail}, status=status_code)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception):
    """404 outside any view (no URL matched): the API's shape under /api/."""
    if _is_api(request):
        return JsonResponse({"error": "not_found", "detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def login_locked_out(request, response, credentials):
    """django-axes: too many failed logins from this client (or on this username from it),
    or a username under attack asks this client to wait (onestop/auth.py)."""
    wait = login_wait(request)
    detail = _("Too many failed logins; try again in %(minutes)d minutes.") % {
        "minutes": math.ceil(wait / 60)
    }
    if _is_api(request):
        answer = JsonResponse({"error": "throttled", "detail": detail}, status=429)
    else:
        answer = render(request, "locked_out.html", {"detail": detail}, status=429)
    answer["Retry-After"] = str(wait)
    return answer
