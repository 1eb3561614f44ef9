"""Report work, on its own queue (settings.CELERY_TASK_ROUTES)."""

from celery import shared_task

from .services import case_facts_rebuild


@shared_task
def rebuild_case_facts(case_ids: list[int]) -> int:
    """Rewrite these cases' facts from their history; safe to run twice."""
    return case_facts_rebuild(case_ids=case_ids)
