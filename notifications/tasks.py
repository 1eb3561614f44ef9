"""Thin Celery tasks: each calls a service and is safe to run twice."""

import time

from celery import shared_task

from . import scan, services

SWEEP_SECONDS = 50  # a sweep ends before beat starts the next one


@shared_task
def dispatch_notifications(ids: list[int]) -> int:
    """Send these outbox rows (queued after the commit that wrote them)."""
    return services.outbox_dispatch(ids=ids, limit=len(ids)).sent


@shared_task
def dispatch_outbox() -> int:
    """Beat's sweep: send every due row that no task picked up (broker down, crash, retry)."""
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
