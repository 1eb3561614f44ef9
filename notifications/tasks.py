"""Thin Celery tasks: each calls a service and is safe to run twice."""

from celery import shared_task

from . import scan, services

SWEEP_SECONDS = 50  # a sweep ends before beat starts the next one


@shared_task
def dispatch_outbox() -> int:
    """Send every due row: asked for after the steps that wrote them, and beat's sweep for
    what no task picked up (broker down, crash, retry)."""
    return services.outbox_drain(seconds=SWEEP_SECONDS)


@shared_task
def sla_scan() -> int:
    """Beat, every minute: alert the cases whose next deadline threshold has come."""
    return scan.sla_scan()
