"""Enqueueing a Celery task by its name: a service asks for its own task this way, so the
task module imports its service and never the other way round (no import circle)."""

from celery import current_app


def enqueue(name: str, *args, **options):
    """`apply_async` of the registered task `name` (e.g. "payments.tasks.apply_callback")."""
    return current_app.tasks[name].apply_async(args, **options)
