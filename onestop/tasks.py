"""Enqueueing a Celery task by its name: a service asks for its own task this way, so the
task module imports its service and never the other way round (no import circle)."""

import importlib

from celery import current_app


def enqueue(name: str, *args, **options):
    """`apply_async` of the task `name` (e.g. "payments.tasks.apply_callback")."""
    # A web process has not imported the task modules (the worker discovers them at its
    # start): importing the module registers its tasks; afterwards it is a dict lookup.
    importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name].apply_async(args, **options)
