"""Reconciliation (đối soát): asking the portal what it holds of our cases (TraCuuHoSo).

Daily, for the cases that most need it and a random sample of the others:
- every case held by a parked message, or with a message unsent for more than a day;
- every case whose last acknowledged message is more than a day old and that was not
  checked since (each delivery is checked once, after it settled);
- `DVCQG_RECONCILE_SAMPLE` cases the portal has, at random (it may have lost or changed one).

What differs (status, appointment, or the case missing) is kept on the case
(`PortalCase.mismatch`), listed for administrators, who push the case again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Case

from . import client, payloads
from .models import Message, PortalCase


@dataclass
class Reconciled:
    checked: int = 0
    mismatched: int = 0
    unreachable: int = 0


def cases_to_check(*, now: datetime, limit: int, sample: int) -> list[int]:
    """The ids of the cases to ask about, those that most need it first."""
    day_ago = now - timedelta(days=1)
    held = PortalCase.objects.exclude(held_by=None).values_list("case_id", flat=True)
    stale = (
        Message.objects.filter(sent_at=None, created_at__lt=day_ago)
        .order_by("created_at")
        .values_list("case_id", flat=True)
    )
    settled = (
        PortalCase.objects.filter(last_sent_at__lt=day_ago)
        .filter(Q(checked_at=None) | Q(checked_at__lt=F("last_sent_at")))
        .order_by("last_sent_at")
        .values_list("case_id", flat=True)
    )
    ids = list(dict.fromkeys([*held[:limit], *stale[:limit], *settled[:limit]]))[:limit]
    others = (
        PortalCase.objects.exclude(acknowledged_at=None)
        .exclude(case_id__in=ids)
        .order_by("?")
        .values_list("case_id", flat=True)[:sample]
    )
    return ids + list(others)


def reconcile(*, now: datetime | None = None, case_ids=None) -> Reconciled:
    """Ask the portal about these cases (by default `cases_to_check`), record what differs."""
    now = now or timezone.now()
    if case_ids is None:
        case_ids = cases_to_check(
            now=now,
            limit=settings.DVCQG_RECONCILE_MAX,
            sample=settings.DVCQG_RECONCILE_SAMPLE,
        )
    cases = list(Case.objects.filter(pk__in=list(case_ids)).exclude(code=None))
    answers = client.concurrently(_look_up, [case.code for case in cases])
    PortalCase.objects.bulk_create(
        [PortalCase(case_id=case.pk) for case in cases], ignore_conflicts=True
    )
    found = {p.case_id: p for p in PortalCase.objects.filter(case__in=cases)}
    result, checked = Reconciled(), []
    for case, answer in zip(cases, answers, strict=True):
        if isinstance(answer, client.PortalError):
            result.unreachable += 1
            continue
        portal_case = found[case.pk]
        portal_case.checked_at, portal_case.mismatch = now, differences(case, answer)
        checked.append(portal_case)
        result.checked += 1
        result.mismatched += portal_case.mismatch is not None
    PortalCase.objects.bulk_update(checked, ["checked_at", "mismatch"])
    return result


def _look_up(code: str) -> dict | None | client.PortalError:
    try:
        result = client.look_up("TraCuuHoSo", mahoso=code)
    except client.PortalError as exc:
        return exc
    return result[0] if result else None


def differences(case, held: dict | None) -> dict | None:
    """`{field: [ours, the portal's]}` for the status and the appointment; None if equal."""
    if held is None:
        return {"MaHoSo": [case.code, None]}
    ours = {
        "TrangThaiHoSo": str(case.national_status),
        "NgayHenTra": payloads.timestamp(case.appointment_at),
    }
    found = {
        name: [value, str(held.get(name) or "")]
        for name, value in ours.items()
        if value != str(held.get(name) or "")
    }
    return found or None
