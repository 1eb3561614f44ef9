"""Pulling the catalogue from the portal (LayThuTuc): the differences in procedure names,
processing times and fees are shown to an administrator, who applies those they confirm.

The portal gives a time per channel (`CACHTHUCTHUCHIEN[].KENH`); the counter's (1), else the
first, is compared. A fee item is matched by its code (`MAPHILEPHI`); applying the fees
updates the amounts and names of the items the portal lists and adds its new ones, and keeps
ours that it does not list (payments may refer to them): the change says which.
"""

from django.db import transaction
from django.utils import timezone

from cases.models import FeeItem, Procedure
from cases.working_time import Unit

from . import client, payloads
from .models import CatalogueChange

UNITS = {
    "ngày làm việc": Unit.WORKING_DAYS.value,
    "giờ làm việc": Unit.WORKING_HOURS.value,
    "giờ": Unit.WORKING_HOURS.value,
    "ngày": Unit.CALENDAR_DAYS.value,
}
Field = CatalogueChange.Field


def portal_view(item: dict) -> dict:
    """Name, processing time and fees of a LayThuTuc result in our terms."""
    ways = item.get("CACHTHUCTHUCHIEN") or [{}]
    way = next((w for w in ways if str(w.get("KENH")) == "1"), ways[0])
    time = (way.get("THOIGIAN") or [{}])[0]
    unit = str(time.get("DONVITINH", "")).strip()
    return {
        Field.NAME: str(item.get("TENTTHC", "")).strip(),
        Field.PROCESSING_TIME: {
            "value": time.get("THOIGIANGIAIQUYET"),
            "unit": UNITS.get(unit.lower(), unit),
        },
        Field.FEES: sorted(
            (
                {
                    "code": str(fee.get("MAPHILEPHI", "")),
                    "name": str(fee.get("MOTA") or fee.get("MAPHILEPHI", "")),
                    "amount": int(float(fee.get("SOTIEN") or 0)),
                }
                for fee in time.get("PHILEPHI") or []
            ),
            key=lambda fee: fee["code"],
        ),
    }


def our_view(procedure: Procedure) -> dict:
    return {
        Field.NAME: procedure.name,
        Field.PROCESSING_TIME: {
            "value": procedure.processing_time_value,
            "unit": procedure.processing_time_unit,
        },
        Field.FEES: sorted(
            ({"code": f.code, "name": f.name, "amount": f.amount} for f in procedure.fees.all()),
            key=lambda fee: fee["code"],
        ),
    }


def _compare_fees(ours: list, theirs: list) -> bool:
    """Whether the portal's fee items differ from ours in code or amount."""
    return [(f["code"], f["amount"]) for f in ours] != [(f["code"], f["amount"]) for f in theirs]


def pull(*, codes: list[str] | None = None) -> int:
    """Ask the portal for these procedures (default: every active one) and keep what differs,
    replacing the differences not applied yet. Answers how many differences were found."""
    procedures = Procedure.objects.filter(is_active=True).prefetch_related("fees").order_by("code")
    if codes:
        procedures = procedures.filter(code__in=codes)
    procedures = list(procedures)
    answers = client.concurrently(
        _look_up, [payloads.national_procedure_code(p.code) for p in procedures]
    )
    changes, now = [], timezone.now()
    for procedure, answer in zip(procedures, answers, strict=True):
        if not answer:  # not on the portal, or it did not answer
            continue
        ours, theirs = our_view(procedure), portal_view(answer)
        for name in Field.values:
            differs = (
                _compare_fees(ours[name], theirs[name])
                if name == Field.FEES
                else ours[name] != theirs[name]
            )
            if differs:
                changes.append(
                    CatalogueChange(
                        procedure=procedure,
                        field=name,
                        ours=ours[name],
                        portal=theirs[name],
                        pulled_at=now,
                    )
                )
    with transaction.atomic():
        CatalogueChange.objects.filter(procedure__in=procedures, applied_at=None).delete()
        CatalogueChange.objects.bulk_create(changes)
    return len(changes)


def _look_up(code: str) -> dict | None:
    try:
        result = client.look_up("LayThuTuc", maTTHC=code)
    except client.PortalError:
        return None
    return result[0] if result else None


def applicable(change: CatalogueChange) -> bool:
    """A processing time in a unit we do not count in is shown, not applied."""
    if change.field == Field.PROCESSING_TIME:
        value = change.portal.get("value")
        return change.portal.get("unit") in Unit._value2member_map_ and isinstance(value, int)
    return True


@transaction.atomic
def apply(*, changes) -> int:
    """Apply the differences an administrator confirmed. Answers how many were applied."""
    now, applied = timezone.now(), 0
    for change in changes.filter(applied_at=None).select_related("procedure"):
        if not applicable(change):
            continue
        procedure = change.procedure
        if change.field == Field.NAME:
            procedure.name = change.portal
            procedure.save(update_fields=["name"])
        elif change.field == Field.PROCESSING_TIME:
            procedure.processing_time_value = change.portal["value"]
            procedure.processing_time_unit = change.portal["unit"]
            procedure.save(update_fields=["processing_time_value", "processing_time_unit"])
        else:
            for fee in change.portal:
                # A new item is a charge (lệ phí) unless an administrator says otherwise.
                FeeItem.objects.update_or_create(
                    procedure=procedure,
                    code=fee["code"],
                    defaults={"name": fee["name"][:255], "amount": fee["amount"]},
                    create_defaults={
                        "name": fee["name"][:255],
                        "amount": fee["amount"],
                        "kind": FeeItem.Kind.CHARGE,
                    },
                )
        change.applied_at = now
        change.save(update_fields=["applied_at"])
        applied += 1
    return applied
