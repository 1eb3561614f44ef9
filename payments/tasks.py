import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from cases.exceptions import InvalidTransition

from . import selectors, services

logger = logging.getLogger(__name__)


# InvalidTransition: the case took another step while we applied (compare-and-set lost);
# nothing was written, so trying again is safe.
@shared_task(autoretry_for=(InvalidTransition, OperationalError), retry_backoff=True, max_retries=5)
def apply_callback(callback_id: int) -> str | None:
    return services.callback_apply(callback_id=callback_id)


@shared_task
def apply_pending_callbacks() -> int:
    """Beat's sweep: inbox rows no task applied (broker down when they came, worker killed)."""
    applied = 0
    for callback_id in selectors.unprocessed_callback_ids(older_than=settings.PAYMENT_SWEEP_AFTER):
        try:
            applied += services.callback_apply(callback_id=callback_id) is not None
        except Exception:  # one bad row must not hold back the others; it stays for later
            logger.exception("callback %s could not be applied", callback_id)
    return applied


@shared_task
def reconcile_pending_payments() -> int:
    """Đối soát: QUERY the gateway about requests pending too long and apply what it says;
    cancel online requests whose registration was abandoned midway."""
    # Twice the gateway's timeout: a registration still under way has its answer by then.
    services.registrations_abandoned(older_than=timedelta(seconds=2 * settings.PAYGOV_TIMEOUT))
    asked = 0
    for payment_id in selectors.requests_to_query(older_than=settings.PAYMENT_QUERY_AFTER):
        try:
            services.payment_reconcile(payment_id=payment_id)
        except Exception:  # one bad row must not hold back the others; it stays for later
            logger.exception("payment %s could not be reconciled", payment_id)
            continue
        asked += 1
    return asked


@shared_task
def deliver_simulated_callback(payload: dict) -> None:
    """The simulator's late callback (embedded mode and demo only)."""
    services.callback_receive(gateway_name="paygov", payload=payload)
