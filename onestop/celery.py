"""The Celery app: tasks are thin wrappers around services (see cases/tasks.py)."""

import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _no_pins_in_the_worker_log(logger=None, **kwargs):
    """Celery puts its own handlers in place of LOGGING's: they blank PINs too."""
    from .logs import ScrubPins

    for handler in logger.handlers:
        handler.addFilter(ScrubPins())


@task_prerun.connect
@task_postrun.connect
def _connections_as_for_a_request(sender=None, **kwargs):
    """Around each task, what Django does around each request: keep the database connection
    for CONN_MAX_AGE, drop it if it broke. (Celery's own Django fixup closes it around every
    task, a new PostgreSQL session per task; CELERY_DB_REUSE_MAX turns that off.) An eager
    task runs inside its caller's transaction: its connection is left alone."""
    if not getattr(sender.request, "is_eager", False):
        from django.db import close_old_connections

        close_old_connections()
