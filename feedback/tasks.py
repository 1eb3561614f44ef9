"""The feedback watcher, run by beat every minute (settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import feedback_scan as scan


@shared_task
def feedback_scan() -> int:
    """Alert the answers that turned due soon or overdue; safe to run twice (each threshold
    is claimed by compare-and-set and alerted once)."""
    return scan()
