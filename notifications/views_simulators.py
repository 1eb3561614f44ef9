"""The provider simulators in the embedded mode, under /api/v1/simulators/ (only while
MESSAGING_SIMULATORS is on): what they receive is kept as `SimulatedMessage` rows for the
admin's "messages sent" page, and ZNS posts its delivery report back a moment later."""

import logging
import threading
import urllib.request
from functools import cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import SimulatedMessage
from .simulators import Received, Simulators, ViettelSimulator, ZaloSimulator

logger = logging.getLogger(__name__)

REPORT_AFTER_SECONDS = 1.0


@cache
def simulators() -> Simulators:
    found = Simulators(
        zalo=ZaloSimulator(secret=settings.ZALO_SECRET_KEY),
        viettel=ViettelSimulator(
            user=settings.VIETTEL_SMS_USER, password=settings.VIETTEL_SMS_PASSWORD
        ),
    )
    for simulator in (found.zalo, found.viettel, found.vnpt):
        simulator.on_receive = _record
    return found


def _record(received: Received) -> None:
    SimulatedMessage.objects.create(
        provider=received.provider,
        phone=received.phone,
        template_id=received.template_id,
        data=received.data,
        text=received.text,
        request_key=received.key,
        answer=received.answer,
    )
    if received.provider == "zalo" and received.msg_id:
        threading.Timer(REPORT_AFTER_SECONDS, _report, [received]).start()


def _report(received: Received) -> None:
    body, headers = simulators().zalo.delivery_report(
        received, app_id=settings.ZALO_APP_ID, oa_secret=settings.ZALO_WEBHOOK_SECRET
    )
    url = settings.SITE_URL.rstrip("/") + "/api/v1/messaging/zalo/events/"
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except OSError as exc:
        logger.warning("The Zalo simulator could not post its delivery report: %s", exc)


@csrf_exempt
@require_POST
def simulator(request, path):
    if not settings.MESSAGING_SIMULATORS:
        raise Http404
    status, content_type, body = simulators().handle(path, dict(request.headers), request.body)
    return HttpResponse(body, status=status, content_type=content_type)
