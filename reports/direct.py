"""The KPIs computed the plain way: a Python loop over every case and its history.

No facts table, no SQL aggregate: this is the definition the reports must equal (the tests
compare them on random data) and the baseline of the benchmark. Far too slow for a province;
that is the point of `kpis`. It reads only what a case's own rows say, and the features'
case filters (`sources`) for what they keep.
"""

from datetime import timedelta
from statistics import mean, median

from cases import working_time
from cases.models import (
    AppointmentChange,
    Case,
    Channel,
    OnlineLevel,
    Procedure,
    ReturnChannel,
    Status,
)
from cases.selectors import calendar_for

from . import sources
from .facts import Step, agency_at, payment_facts, signed_digitally
from .models import RatingValue
from .scope import Scope

CASE_KPIS = (
    "portal_synced",
    "on_time",
    "online_receipt",
    "online_payment",
    "electronic_results",
    "digitised",
    "data_reused",
    "satisfaction",
    "online_receipt_rate",
    "online_resolution_signed",
    "online_return",
    "full_online",
)


def _in(moment, scope: Scope) -> bool:
    return moment is not None and scope.start <= moment < scope.end


def _case_in_scope(case: Case, steps: list[Step], scope: Scope) -> bool:
    if (
        scope.agency_ids is not None
        and agency_at(case.deciding_agency_id, steps, scope.end) not in scope.agency_ids
    ):
        return False
    if scope.level and case.procedure.level != scope.level:
        return False
    return not scope.procedure_id or case.procedure_id == scope.procedure_id


def _case_ids(name: str) -> set[int] | None:
    """The cases a feature's filter keeps, or None when no feature registered it."""
    case_filter = sources.case_filter(name)
    if case_filter is None:
        return None
    kept = case_filter(Case.objects.values("pk"))
    return set(Case.objects.filter(pk__in=kept).values_list("pk", flat=True))


def direct_counts(scope: Scope, cases=None) -> dict:
    """{kpi id: (numerator, denominator)} for the KPIs over cases and the two procedure
    KPIs that depend on cases (3.2, 3.5b), and 2.2 as {unit: (mean, median, cases)}.

    `cases` narrows the loop (the benchmark loops over one district's cases); the scope's
    own rules still apply to every case looped over."""
    synced, complained = _case_ids("portal_synced"), _case_ids("complained")
    counts = {k: [0, 0] for k in CASE_KPIS if k != "portal_synced" or synced is not None}
    times: dict[str, list[float]] = {}
    online_used, paid_online_used = set(), set()
    cases = (
        (cases if cases is not None else Case.objects.all())
        .select_related("procedure", "receiving_agency", "rating")
        .prefetch_related("events", "documents", "procedure__fees", "appointment_changes")
    )
    for case in cases.iterator(chunk_size=2000):
        if case.received_at is None:
            continue
        steps = [Step(e.action, e.to_status, e.at, e.data) for e in case.events.all()]
        exempt, paid_online = payment_facts(steps)
        # A procedure is used (3.2, 3.5b) by its cases wherever they are decided now.
        if _in(case.received_at, scope) and case.channel == Channel.ONLINE:
            online_used.add(case.procedure_id)
        if _in(case.received_at, scope) and paid_online:
            paid_online_used.add(case.procedure_id)
        if not _case_in_scope(case, steps, scope):
            continue
        procedure = case.procedure
        apologies = [
            c
            for c in case.appointment_changes.all()
            if c.reason == AppointmentChange.Reason.APOLOGY
        ]
        due = apologies[0].old_at if apologies else case.appointment_at
        supplements = sum(s.action == "request-supplement" for s in steps)
        signed = any(signed_digitally(s) for s in steps)
        ended = case.resolved_at or case.returned_at
        if ended is None and case.status in (Status.STOPPED, Status.REJECTED, Status.WITHDRAWN):
            ended = case.closed_at
        finished = ended
        if case.status == Status.SUPPLEMENT_REQUESTED:  # finished at the request it waits on
            finished = [s.at for s in steps if s.action == "request-supplement"][-1]
        received = _in(case.received_at, scope)
        resolved = _in(case.resolved_at, scope)
        returned = _in(case.returned_at, scope)
        full = procedure.online_level == OnlineLevel.FULL
        online = case.channel == Channel.ONLINE
        electronic_where_paper = signed or not procedure.written_result
        documents = list(case.documents.all())

        def count(kpi, in_denominator, in_numerator):
            counts[kpi][1] += bool(in_denominator)
            counts[kpi][0] += bool(in_denominator and in_numerator)

        if synced is not None:
            count("portal_synced", received, case.pk in synced)
        open_at_end = case.received_at < scope.end and (finished is None or finished >= scope.end)
        finished_in = _in(finished, scope)
        late = supplements > 1 or not (
            (finished_in and (due is None or finished <= due))
            or (open_at_end and (due is None or due >= scope.end))
        )
        count("on_time", finished_in or open_at_end, not late)
        rated_badly = hasattr(case, "rating") and case.rating.value == RatingValue.NOT_SATISFIED
        unhappy = rated_badly or (complained is not None and case.pk in complained)
        count("satisfaction", finished_in or open_at_end, unhappy)
        count("online_receipt", received, online and electronic_where_paper)
        count("online_receipt_rate", received, online)
        count("online_resolution_signed", resolved, online and signed)
        count("online_return", returned, case.return_channel == ReturnChannel.ONLINE)
        count(
            "full_online",
            received and full,
            online and case.return_channel == ReturnChannel.ONLINE,
        )
        fees = any(fee.amount > 0 for fee in procedure.fees.all())
        count("online_payment", received and fees and not exempt, paid_online)
        count("electronic_results", resolved and procedure.written_result, signed)
        has_digitised = any(d.digitised for d in documents)
        count("digitised", received, has_digitised and electronic_where_paper)
        count("data_reused", received, any(d.reused for d in documents))

        confirmed = [s.at for s in steps if s.action == "payment-confirmed"]
        started = confirmed[0] if confirmed else case.received_at
        if _in(started, scope) and case.resolved_at is not None:
            unit = procedure.processing_time_unit
            times.setdefault(unit, []).append(_time_in_unit(case, steps, unit))

    result = {k: tuple(v) for k, v in counts.items()}
    result.update(_procedures_used(scope, online_used, paid_online_used))
    result["processing_time"] = {
        unit: (mean(values), median(values), len(values)) for unit, values in times.items()
    }
    return result


def _time_in_unit(case: Case, steps: list[Step], unit: str) -> float:
    """From acceptance to resolution less every wait: the time from a step that paused
    the clock (a supplement, a fee) to the next step; an upfront fee's wait is one of them."""
    calendar = calendar_for(case.receiving_agency)
    if unit == working_time.Unit.CALENDAR_DAYS:
        elapsed = case.resolved_at - case.received_at
        for before, after in zip(steps, steps[1:], strict=False):
            if before.to_status in (Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT):
                elapsed -= after.at - before.at
        return elapsed / timedelta(days=1)
    worked = working_time.between(case.received_at, case.resolved_at, calendar)
    for before, after in zip(steps, steps[1:], strict=False):
        if before.to_status in (Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT):
            worked -= working_time.between(before.at, after.at, calendar)
    if unit == working_time.Unit.WORKING_HOURS:
        return worked / timedelta(hours=1)
    return worked / calendar.day_length


def _procedures_used(scope: Scope, online_used: set, paid_online_used: set) -> dict:
    """3.2 and 3.5b, procedure by procedure."""
    online = used = offered = paid = 0
    procedures = Procedure.objects.filter(is_active=True).prefetch_related("fees")
    for procedure in procedures:
        if scope.agency_ids is not None and procedure.agency_id not in scope.agency_ids:
            continue
        if (scope.level and procedure.level != scope.level) or (
            scope.procedure_id and procedure.pk != scope.procedure_id
        ):
            continue
        if procedure.online_level != OnlineLevel.NONE:
            online += 1
            used += procedure.pk in online_used
        if procedure.pays_online and any(fee.amount > 0 for fee in procedure.fees.all()):
            offered += 1
            paid += procedure.pk in paid_online_used
    return {"online_services_used": (used, online), "payment_used_online": (paid, offered)}
