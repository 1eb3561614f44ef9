import logging
import time
from datetime import timedelta

from celery import shared_task
from django.conf import settings

from . import selectors, services

logger = logging.getLogger(__name__)

DRAIN_SECONDS = 25  # a drain ends before the sweep's next run


@shared_task
def drain_callbacks() -> int:
    """Apply the callbacks received, a batch per transaction, until none is left: asked
    for once per burst of callbacks (`services.callback_receive`). A row that failed (the
    case took another step meanwhile, a lock timeout) is left to a later drain or the
    sweep. The number of rows processed."""
    limit, failed, applied = settings.PAYMENT_CALLBACK_BATCH, set(), 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        drained = services.callbacks_apply(limit=limit, skip=failed)
        applied += len(drained.outcomes)
        failed |= drained.failed
        if drained.claimed < limit:
            break
    return applied


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
