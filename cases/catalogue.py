"""Active procedures by code, kept in each worker while the catalogue is unchanged.

Every filing names its procedure, and reading it with its deciding agency and whether it
bears a fee was a query on every filing. A worker keeps the procedures it has read and
checks one stamp per read (a cache round trip), renewed by the receivers below when a
procedure, a fee item or an agency changes, at once and again after commit: a procedure
withdrawn or re-timed takes effect at the next filing in every worker. Writes that bypass
the model signals must call `forget_catalogue()`.
"""

import copy
import time

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Agency, FeeItem, Procedure
from .user_context import MAX_AGE_SECONDS, current_stamps, renew_stamp

CATALOGUE_KEY = "catalogue:stamp"
MAX_KEPT = 2048  # a province publishes ~2,000 procedures

_kept: dict = {"stamp": None, "since": 0.0, "by_code": {}}


def active_procedure(code: str) -> Procedure | None:
    """The active procedure with this national code, with its deciding agency and
    `fee_bearing`; None when there is none. A copy: callers may change it."""
    stamp = current_stamps([CATALOGUE_KEY])  # before reading what it stamps
    now = time.monotonic()
    if stamp is None or stamp != _kept["stamp"] or now - _kept["since"] > MAX_AGE_SECONDS:
        _kept.update(stamp=stamp, since=now, by_code={})
    procedure = _kept["by_code"].get(code)
    if procedure is None:
        fee_items = FeeItem.objects.filter(procedure=OuterRef("pk"), amount__gt=0)
        procedure = (
            Procedure.objects.filter(is_active=True, code=code)
            .select_related("agency")
            .annotate(fee_bearing=Exists(fee_items))
            .first()
        )
        if procedure is None:
            return None  # unknown codes are not kept: anyone may send any number of them
        if stamp is not None and len(_kept["by_code"]) < MAX_KEPT:
            _kept["by_code"][code] = procedure
    return copy.copy(procedure)


def forget_catalogue() -> None:
    renew_stamp(CATALOGUE_KEY)


@receiver([post_save, post_delete], sender=Procedure)
@receiver([post_save, post_delete], sender=FeeItem)
@receiver([post_save, post_delete], sender=Agency)
def _catalogue_changed(sender, **kwargs):
    forget_catalogue()
