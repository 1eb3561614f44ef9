"""Writes: a verified national sign-in becomes an account, refreshes one, or links one.

The claims reaching here were checked by `client.complete_sign_in` (signed ID token,
userinfo of the same subject). What is decided here: which account they belong to, and
whether its ID number counts as proven (the level of assurance reached is the one required,
`NATIONAL_ID_REQUIRED_LOA`): a proven number lets the account see every case filed under it
(`cases.selectors.mine_q`) and file online what requires a verified identity.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import User

from .claims import BUSINESS, NationalClaims, loa_level
from .models import IdentityConflict, NationalIdentity

logger = logging.getLogger(__name__)


class SignInRefused(Exception):
    """The national identity may not sign in (here, now): `code` says why."""

    MESSAGES = {
        "staff": _(
            "Staff accounts never sign in with a national identity: use your username and password."
        ),
        "conflict": _(
            "This ID number is already linked to another national account. Nobody was signed "
            "in; the administrators have been told. Please contact the one-stop centre."
        ),
        "inactive": _("This account is disabled. Please contact the one-stop centre."),
        "linked": _(
            "This account is already linked to another national identity; it cannot be "
            "linked to a second one."
        ),
    }

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = self.MESSAGES[code]


@dataclass(frozen=True)
class SignIn:
    """What a verified sign-in leads to: an account to sign in, or a link to offer first
    (the person has a local account: signed in with it now, or one with their e-mail)."""

    user: User | None = None
    offer_link: bool = False
    created: bool = False


def proves_id_number(claims: NationalClaims) -> bool:
    """Whether the level of assurance reached is the one required to prove the ID number."""
    return claims.loa_level >= loa_level(settings.NATIONAL_ID_REQUIRED_LOA)


def is_staff(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser or user.agency_id is not None or user.roles)


def identity_sign_in(*, claims: NationalClaims, current_user=None, now=None) -> SignIn:
    """The account a verified national sign-in belongs to, refreshed from the claims.

    Known TechID: its account (never a staff account). Unknown: a link is offered when the
    person is signed in with a local account, or one holds their e-mail; otherwise a new
    citizen (or business) account is made from the claims.
    """
    now = now or timezone.now()
    _refuse_conflict(claims, now)
    identity = NationalIdentity.objects.select_related("user").filter(tech_id=claims.tech_id)
    identity = identity.first()
    if identity is not None:
        _refuse_unusable(identity.user)
        _refresh(identity, claims, now)
        return SignIn(user=identity.user)
    if current_user is not None and current_user.is_authenticated:
        _refuse_unusable(current_user)
        if NationalIdentity.objects.filter(user=current_user).exists():
            raise SignInRefused("linked")
        return SignIn(offer_link=True)
    if claims.email and _local_accounts(email=claims.email).exists():
        return SignIn(offer_link=True)
    return SignIn(user=identity_account_create(claims=claims, now=now), created=True)


def _local_accounts(email: str):
    """Citizens' own accounts (signed up here) with this e-mail, not linked yet."""
    return User.objects.filter(
        email__iexact=email,
        is_active=True,
        is_staff=False,
        is_superuser=False,
        agency__isnull=True,
        groups__isnull=True,
        national_identity__isnull=True,
    )


def identity_account_create(*, claims: NationalClaims, now=None) -> User:
    """A new account for the national identity (no password: it signs in only this way)."""
    now = now or timezone.now()
    _refuse_conflict(claims, now)
    try:
        with transaction.atomic():
            user = User(username=_free_username(f"vneid-{claims.tech_id}"))
            user.set_unusable_password()
            _copy_to_user(user, claims)
            user.save()
            NationalIdentity.objects.create(
                user=user, first_signed_in_at=now, **_identity_fields(claims, now)
            )
    except IntegrityError:
        # The same person signing in twice at once, or their ID number claimed meanwhile.
        _refuse_conflict(claims, now)
        return NationalIdentity.objects.select_related("user").get(tech_id=claims.tech_id).user
    logger.info("national identity %s: new account %s", claims.tech_id, user.username)
    return user


def identity_link(*, user: User, claims: NationalClaims, now=None) -> NationalIdentity:
    """Link a local account to the national identity, once the person proved both: they
    are signed in with the account, and the claims come from this session's verified
    national sign-in. The account takes the proven name, e-mail and ID number."""
    now = now or timezone.now()
    _refuse_conflict(claims, now)
    _refuse_unusable(user)
    with transaction.atomic():
        # Either one linked meanwhile (another tab, another account): refused, not merged.
        linked = NationalIdentity.objects.filter(user=user) | NationalIdentity.objects.filter(
            tech_id=claims.tech_id
        )
        if linked.exists():
            raise SignInRefused("linked")
        _copy_to_user(user, claims)
        user.save()
        identity = NationalIdentity.objects.create(
            user=user, first_signed_in_at=now, **_identity_fields(claims, now)
        )
    logger.info("national identity %s linked to account %s", claims.tech_id, user.username)
    return identity


def _refuse_conflict(claims: NationalClaims, now: datetime) -> None:
    """Refuse, and record for an administrator, an ID number held by another TechID."""
    holder = (
        NationalIdentity.objects.filter(id_number=claims.id_number)
        .exclude(tech_id=claims.tech_id)
        .first()
    )
    if holder is None:
        return
    conflict = IdentityConflict.objects.create(
        at=now,
        tech_id=claims.tech_id,
        id_number=claims.id_number,
        full_name=claims.full_name,
        existing=holder,
    )
    logger.warning(
        "national sign-in refused: TechID %s claims an ID number linked to TechID %s "
        "(identity conflict %s)",
        claims.tech_id,
        holder.tech_id,
        conflict.pk,
    )
    raise SignInRefused("conflict")


def _refuse_unusable(user: User) -> None:
    if is_staff(user):
        logger.warning("national sign-in refused: account %s is staff", user.username)
        raise SignInRefused("staff")
    if not user.is_active:
        raise SignInRefused("inactive")


def _refresh(identity: NationalIdentity, claims: NationalClaims, now: datetime) -> None:
    with transaction.atomic():
        for name, value in _identity_fields(claims, now).items():
            setattr(identity, name, value)
        identity.save()
        _copy_to_user(identity.user, claims)
        identity.user.save()  # through the model: the kept user contexts are renewed


def _identity_fields(claims: NationalClaims, now: datetime) -> dict:
    return {
        "tech_id": claims.tech_id,
        "subject": claims.subject,
        "account_type": claims.account_type,
        "id_number": claims.id_number,
        "full_name": claims.full_name[:255],
        "birth_date": claims.birth_date,
        "gender": claims.gender[:10],
        "phone": claims.phone[:20],
        "email": claims.email,
        "address": claims.address[:500],
        "loa": claims.loa[:50],
        "login_idp": claims.login_idp[:20],
        "last_signed_in_at": now,
    }


def _copy_to_user(user: User, claims: NationalClaims) -> None:
    """The proven name and e-mail; the ID number proven as of this sign-in (its level of
    assurance decides: a sign-in below the required level proves nothing)."""
    if claims.account_type == BUSINESS:
        user.last_name, user.first_name = claims.full_name[:150], ""
    else:  # Vietnamese order: family name (họ) first, as get_full_name() shows it
        family, _space, given = claims.full_name.partition(" ")
        user.last_name, user.first_name = family[:150], given[:150]
    if claims.email:
        user.email = claims.email
    user.proven_id_number = claims.id_number if proves_id_number(claims) else ""


def _free_username(base: str) -> str:
    base = base[:140]
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username
