"""The providers' callbacks (thin views): ZNS delivery reports and e-mail bounces."""

import hashlib
import hmac
from datetime import UTC, datetime

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from onestop import safejson

from . import feedback


@csrf_exempt
@require_POST
def zalo_events(request):
    """Zalo's webhook: `X-ZEvent-Signature: mac=<sha256(app_id + body + timestamp +
    OA secret key)>`; a delivery report (`user_received_message` with a `delivery_time`)
    marks the attempt delivered. Other events are acknowledged and ignored. Without
    ZALO_WEBHOOK_SECRET, no webhook: anyone could sign with an empty secret."""
    if not settings.ZALO_WEBHOOK_SECRET:
        raise Http404
    body = request.body.decode(errors="replace")
    try:
        event = safejson.loads(body)
        app_id, timestamp = str(event["app_id"]), str(event["timestamp"])
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("not a Zalo event")
    expected = hashlib.sha256(
        f"{app_id}{body}{timestamp}{settings.ZALO_WEBHOOK_SECRET}".encode()
    ).hexdigest()
    signature = request.headers.get("X-ZEvent-Signature", "").removeprefix("mac=")
    if app_id != settings.ZALO_APP_ID or not hmac.compare_digest(signature, expected):
        return HttpResponseForbidden("bad signature")
    message = event.get("message") or {}
    if event.get("event_name") == "user_received_message" and message.get("delivery_time"):
        try:
            at = datetime.fromtimestamp(int(message["delivery_time"]) / 1000, tz=UTC)
        except (ValueError, OverflowError, OSError):
            return HttpResponseBadRequest("delivery_time is not a time")
        feedback.delivery_reported(
            channel="zalo",
            provider_id=str(message.get("msg_id", "")),
            key=str(message.get("tracking_id", "")),
            at=at,
        )
    return JsonResponse({"error": 0})


@csrf_exempt
@require_POST
def email_bounces(request):
    """A bounce, as the mail relay's webhook posts it: `{"recipient", "reason"}` with the
    shared secret in `X-Onestop-Token` (BOUNCE_WEBHOOK_TOKEN; no token set: no webhook)."""
    if not settings.BOUNCE_WEBHOOK_TOKEN:
        raise Http404
    token = request.headers.get("X-Onestop-Token", "")
    if not hmac.compare_digest(token.encode(), settings.BOUNCE_WEBHOOK_TOKEN.encode()):
        return HttpResponseForbidden("bad token")
    try:
        report = safejson.loads(request.body)
        address = str(report["recipient"]).strip()
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest('expected {"recipient", "reason"}')
    if not address or "@" not in address:
        return HttpResponseBadRequest("recipient is not an e-mail address")
    feedback.bounce_recorded(address=address, reason=str(report.get("reason", "bounced")))
    return JsonResponse({"ok": True})
