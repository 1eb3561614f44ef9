"""What the case core asks of the payments app (`cases.seams`): what a case still owes,
whether a move must wait for the fees, and the fees a case's outputs show."""

from django.utils.translation import gettext as _

from cases import seams
from cases.exceptions import InvalidTransition
from cases.models import CollectionMode

from . import links, selectors


def ledger(case) -> seams.FeesDue:
    due = selectors.fees_due(case)
    return seams.FeesDue(amount=due.amount, codes=[item.code for item in due.items])


def refuse(move, case, user, now) -> Exception | None:
    """Thu sau: the result is returned only once its fees are paid."""
    if (
        move.action == "return"
        and case.procedure.collection == CollectionMode.ON_RESULT
        and selectors.fees_due(case).amount
    ):
        return InvalidTransition(_("The fees must be paid before the result is returned."))
    return None


def fees_due_data(case) -> dict:
    """What `FeesDueSerializer` renders for a case, written out: the case page and the public
    lookup render it on every request (tests/test_serializers.py checks they agree)."""
    due = selectors.fees_payable(case)
    return {
        "collection": case.procedure.collection,
        "due": due.amount,
        "items": due.lines,
        "pay_url": links.pay_path(case) if due.amount else None,
    }
