"""Reads for the pages: a user's national identity, and what it fills in on a form."""

from cases.models import Case
from cases.selectors import mine_q

from .models import NationalIdentity


def identity_of(user) -> NationalIdentity | None:
    """The national identity linked to this account, if any (None for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return NationalIdentity.objects.filter(user=user).first()


def applicant_prefill(user) -> dict:
    """The applicant's details from the user's national identity, for an online filing form:
    {"full_name", "id_number", "phone", "email", "address"}, and `id_number_locked` when the
    ID number is proven (the form must not let it be changed). Empty without an identity."""
    identity = identity_of(user)
    if identity is None:
        return {}
    return {
        "full_name": identity.full_name,
        "id_number": identity.id_number,
        "phone": identity.phone,
        "email": identity.email,
        "address": identity.address,
        "id_number_locked": bool(user.proven_id_number),
    }


def cases_under_proven_number(user):
    """The cases filed under the user's proven ID number, whatever the channel (the ones
    they filed themselves included), newest first."""
    if not user.proven_id_number:
        return Case.objects.none()
    return (
        Case.objects.filter(mine_q(user))
        .select_related("procedure")
        .order_by("-submitted_at", "-id")
    )
