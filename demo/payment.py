"""The citizen's walk through an upfront fee: a demo case waiting for its fee, known PIN.

Look it up on the home page with its code and WALKTHROUGH_PIN, follow the pay link, pay
on the simulated national payment platform, and watch the case move on by itself.
"""

from cases import services
from cases.models import Case, Channel, Status

WALKTHROUGH_PIN = "PAYFEE26"  # Crockford base32, like every receipt PIN


def prepare_walkthrough(cases: list[Case]) -> Case | None:
    """Give one online case awaiting payment the walkthrough PIN (a reprinted receipt)."""
    waiting = sorted(
        (c for c in cases if c.status == Status.AWAITING_PAYMENT and c.channel == Channel.ONLINE),
        key=lambda c: c.pk,
    )
    if not waiting:
        return None
    case = waiting[0]
    case.pin_hash = services.pin_hash(reference=case.reference, pin=WALKTHROUGH_PIN)
    Case.objects.filter(pk=case.pk).update(pin_hash=case.pin_hash)
    return case


def walkthrough_case() -> Case | None:
    """The case that still waits for its fee with the walkthrough PIN, if there is one."""
    return next(
        (
            case
            for case in Case.objects.filter(status=Status.AWAITING_PAYMENT).order_by("pk")
            if services.pin_matches(case, WALKTHROUGH_PIN)
        ),
        None,
    )
