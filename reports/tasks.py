"""Report work, on its own queue (settings.CELERY_TASK_ROUTES)."""

import logging

from celery import shared_task

from . import rollup
from .services import case_facts_rebuild, case_facts_verify

logger = logging.getLogger(__name__)


@shared_task
def rebuild_case_facts(case_ids: list[int]) -> int:
    """Rewrite these cases' facts from their history; safe to run twice."""
    return case_facts_rebuild(case_ids=case_ids)


@shared_task
def verify_case_facts() -> int:
    """Nightly: every case's fact row against its facts derived from its whole history, and
    the roll-up against the facts; each difference logged as an error
    (`rebuild_case_facts` rewrites them, `rebuild_case_facts --rollup` the roll-up)."""
    differences = case_facts_verify()
    for case_id, column, kept, derived in differences:
        logger.error(
            "case %s: facts.%s is %r, its history gives %r", case_id, column, kept, derived
        )
    rolled = rollup.differences()
    for table, key, counter, kept, counted in rolled:
        logger.error("%s %s: %s is %s, the facts give %s", table, key, counter, kept, counted)
    return len(differences) + len(rolled)


@shared_task
def compact_rollup() -> int:
    """Every minute: fold the rows the steps appended to the roll-up into one a key (the
    reports are exact either way; folded, they read fewer rows)."""
    return rollup.compact()
