"""One error shape for domain errors; DRF's own for the rest."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.exceptions import ActionForbidden, InvalidTransition


def exception_handler(exc, context):
    if isinstance(exc, InvalidTransition):
        return Response(
            {"error": "invalid_transition", "detail": str(exc)}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, ActionForbidden):
        return Response(
            {"error": "forbidden", "detail": str(exc)}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
