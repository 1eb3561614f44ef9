"""Active procedures by code, kept in each worker while the catalogue is unchanged.

Every filing names its procedure, and reading it with its deciding agency and whether it
bears a fee was a query on every filing. A worker keeps the procedures it has read under
one stamp (see `kept`), renewed by the receivers below when a procedure, a fee item or an
agency changes: a procedure withdrawn or re-timed takes effect at the next filing in every
worker. Writes that bypass the model signals must call `forget_catalogue()`.
"""

import copy

from django.db.models import Exists, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .kept import Kept, current_stamps, renew_stamp, shared_stamp
from .models import Agency, FeeItem, Procedure

CATALOGUE_KEY = shared_stamp("catalogue:stamp")

_procedures = Kept(lambda procedure: [CATALOGUE_KEY])  # code -> the active procedure


def active_procedure(code: str) -> Procedure | None:
    """The active procedure with this national code, with its deciding agency and
    `fee_bearing`; None when there is none. A copy: callers may change it."""
    procedure = _procedures.get(code)
    if procedure is None:
        stamps = current_stamps([CATALOGUE_KEY])  # before reading what it stamps
        procedure = (
            Procedure.objects.filter(is_active=True, code=code)
            .select_related("agency")
            .annotate(
                fee_bearing=Exists(FeeItem.objects.costing().filter(procedure=OuterRef("pk")))
            )
            .first()
        )
        if procedure is None:
            return None  # unknown codes are not kept: anyone may send any number of them
        _procedures.keep(code, stamps, procedure)
    return copy.copy(procedure)


def forget_catalogue() -> None:
    renew_stamp(CATALOGUE_KEY)


@receiver([post_save, post_delete], sender=Procedure)
@receiver([post_save, post_delete], sender=FeeItem)
@receiver([post_save, post_delete], sender=Agency)
def _catalogue_changed(sender, **kwargs):
    forget_catalogue()
