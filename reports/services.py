"""Writes of the reports app: ratings, and rebuilding case facts."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import InvalidTransition
from cases.models import Case, Status

from .aggregates import stamp_bump
from .facts import FACT_FIELDS, derived, holdings_store
from .models import CaseFact, Indicator, IndicatorChange, Rating, RatingValue, ReportStamp


@transaction.atomic
def rating_submit(*, case: Case, value: str, comment: str = "", now=None) -> Rating:
    """The applicant rates a returned case (đánh giá mức độ hài lòng), once per case."""
    if value not in RatingValue.values:
        raise ValidationError({"rating": _("Choose one of: %s.") % ", ".join(RatingValue.values)})
    if case.status != Status.RETURNED:
        raise InvalidTransition(_("A case can be rated once its result is returned."))
    try:
        with transaction.atomic():  # a savepoint: the rating that lost a race
            stamp_bump(case.pk)
            return Rating.objects.create(
                case=case,
                value=value,
                comment=(comment or "").strip(),
                created_at=now or timezone.now(),
            )
    except IntegrityError:
        raise InvalidTransition(_("This case has already been rated.")) from None


@transaction.atomic
def case_facts_rebuild(*, case_ids: list[int]) -> int:
    """Rewrite the facts of these cases from their history (after a rule change). The
    cases are locked meanwhile: a step that moved a row on after it was derived would
    otherwise be lost under the rewrite."""
    _lock(case_ids)
    rows = derived(case_ids)
    for shard in sorted({case_id % ReportStamp.SHARDS for case_id in rows}):
        stamp_bump(shard)
    CaseFact.objects.bulk_create(
        [CaseFact(case_id=case_id, **fields) for case_id, fields in rows.items()],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=list(FACT_FIELDS),
    )
    for case_id, fields in rows.items():
        if fields["reorganised_at"] is not None:
            holdings_store(case_id)
    return len(case_ids)


def case_facts_differences(*, case_ids: list[int]) -> list[tuple[int, str, Any, Any]]:
    """(case, column, kept, derived) wherever a case's fact row differs from its facts
    derived from its whole history (a missing row: column "*"), the proof that moving rows
    on step by step (`facts.advance`) keeps them right. A difference is checked again
    with the case locked, so that a step committed in between is not reported."""
    found = _differences(case_ids)
    if not found:
        return []
    with transaction.atomic():
        suspects = sorted({case_id for case_id, *_ in found})
        _lock(suspects)
        return _differences(suspects)


def case_facts_verify(*, chunk: int = 1000) -> list[tuple[int, str, Any, Any]]:
    """`case_facts_differences` over every case, a chunk at a time."""
    found, last = [], 0
    while ids := list(
        Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk]
    ):
        found += case_facts_differences(case_ids=ids)
        last = ids[-1]
    return found


def _differences(case_ids) -> list[tuple[int, str, Any, Any]]:
    kept = {
        row.pop("case_id"): row
        for row in CaseFact.objects.filter(case_id__in=case_ids).values("case_id", *FACT_FIELDS)
    }
    found = []
    for case_id, fields in sorted(derived(case_ids).items()):
        row = kept.get(case_id)
        if row is None:
            found.append((case_id, "*", None, "a row"))
            continue
        found += [
            (case_id, name, row[name], value)
            for name, value in fields.items()
            if row[name] != value
        ]
    return found


def _lock(case_ids) -> None:
    list(
        Case.objects.filter(pk__in=case_ids)
        .order_by("pk")
        .select_for_update()
        .values_list("pk", flat=True)
    )


@transaction.atomic
def indicator_update(*, indicator_id: str, by, **changes) -> Indicator:
    """Change an indicator's threshold, points or source (the portal's guidance changed),
    recording each field changed: who, when, old → new. Only those three may change."""
    unknown = set(changes) - set(Indicator.EDITABLE)
    if unknown:
        raise ValidationError({field: _("This cannot be changed.") for field in unknown})
    indicator = Indicator.objects.select_for_update().get(pk=indicator_id)
    changed = {k: v for k, v in changes.items() if getattr(indicator, k) != v}
    if not changed:
        return indicator
    now = timezone.now()
    for name, value in changed.items():
        IndicatorChange.objects.create(
            indicator=indicator,
            field=name,
            old=_text(getattr(indicator, name)),
            new=_text(value),
            changed_by=by,
            changed_at=now,
        )
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save(update_fields=list(changed))
    return indicator


def _text(value) -> str:
    return "" if value is None else str(value)
