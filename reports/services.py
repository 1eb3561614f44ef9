"""Writes of the reports app: ratings, and rebuilding case facts."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import InvalidTransition
from cases.models import Case, Status

from .aggregates import stamp_bump
from .facts import case_fact_refresh
from .models import Indicator, IndicatorChange, Rating, RatingValue


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


def case_facts_rebuild(*, case_ids: list[int]) -> int:
    """Rewrite the facts of these cases from their history (after a rule change)."""
    for case_id in Case.objects.filter(pk__in=case_ids).values_list("pk", flat=True):
        with transaction.atomic():
            case_fact_refresh(case_id=case_id)
    return len(case_ids)


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
