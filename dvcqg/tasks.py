"""Thin Celery tasks: each calls a service and is safe to run twice."""

from celery import shared_task

from . import catalogue, dispatch, ratings, reconcile

SWEEP_SECONDS = 50  # a sweep stops taking cases before beat starts the next one


@shared_task
def dispatch_messages() -> int:
    """Send what is due: asked for after the steps that wrote it, and beat's sweep for what
    no task picked up (broker down, crash) and for the retries whose time came."""
    return dispatch.dispatch(seconds=SWEEP_SECONDS).sent


@shared_task
def reconcile_cases() -> int:
    """Beat, daily: ask the portal about the cases that most need it (TraCuuHoSo)."""
    return reconcile.reconcile().mismatched


@shared_task
def send_ratings() -> bool:
    """Beat, daily: the month before's ratings, until the portal has them (DongBoDanhGia)."""
    report = ratings.send()
    return bool(report and report.sent_at)


@shared_task
def pull_catalogue(codes: list[str] | None = None) -> int:
    """An administrator asked for the portal's catalogue (LayThuTuc)."""
    return catalogue.pull(codes=codes)
