"""Thin Celery tasks: each calls a service and is safe to run twice."""

import time

from celery import shared_task

from . import scan, services

SWEEP_SECONDS = 50  # a sweep ends before beat starts the next one


@shared_task
def dispatch_outbox() -> int:
    """Send every due row: asked for after the steps that wrote them, and beat's sweep for
    what no task picked up (broker down, crash, retry)."""
    sent, deadline = 0, time.monotonic() + SWEEP_SECONDS
    while time.monotonic() < deadline:
        result = services.outbox_dispatch(limit=200)
        sent += result.sent
        if result.claimed < 200:
            break
    return sent


@shared_task
def sla_scan() -> int:
    """Beat, every minute: alert the cases whose next deadline threshold has come."""
    return scan.sla_scan()
