"""The KPIs computed the plain way: a Python loop over every case and its history.

No facts table, no SQL aggregate: this is the definition the reports must equal (the tests
compare them on random data) and the baseline of the benchmark. Far too slow for a province;
that is the point of `kpis`.
"""

from statistics import median

from cases import working_time
from cases.models import AppointmentChange, Case, Channel, OnlineLevel, ReturnChannel, Status
from cases.selectors import calendar_for

from .facts import Step, payment_facts, signed_digitally
from .kpis import Scope
from .models import Rating, RatingValue


def _in(moment, scope: Scope) -> bool:
    return moment is not None and scope.start <= moment < scope.end


def _case_in_scope(case: Case, scope: Scope) -> bool:
    if scope.agency_ids is not None and case.deciding_agency_id not in scope.agency_ids:
        return False
    if scope.level and case.procedure.level != scope.level:
        return False
    return not scope.procedure_id or case.procedure_id == scope.procedure_id


def direct_counts(scope: Scope, cases=None) -> dict[str, tuple]:
    """{kpi id: (numerator, denominator)} and the mean processing days, case by case.

    `cases` narrows the loop (the benchmark loops over one district's cases); the scope's
    own rules still apply to every case looped over."""
    counts = {
        k: [0, 0]
        for k in (
            "online_receipt",
            "online_resolution_signed",
            "online_return",
            "full_online",
            "on_time",
            "online_payment",
            "digitised",
        )
    }
    days = []
    cases = (
        (cases if cases is not None else Case.objects.all())
        .select_related("procedure", "receiving_agency")
        .prefetch_related("events", "documents", "procedure__fees", "appointment_changes")
    )
    for case in cases.iterator(chunk_size=2000):
        if not _case_in_scope(case, scope) or case.received_at is None:
            continue
        steps = [Step(e.action, e.to_status, e.at, e.data) for e in case.events.all()]
        apologies = [
            c
            for c in case.appointment_changes.all()
            if c.reason == AppointmentChange.Reason.APOLOGY
        ]
        due = apologies[0].old_at if apologies else case.appointment_at
        supplements = sum(s.action == "request-supplement" for s in steps)
        signed = any(signed_digitally(s) for s in steps)
        exempt, paid_online = payment_facts(steps)
        finished = case.resolved_at or case.returned_at
        if finished is None and case.status in (Status.STOPPED, Status.REJECTED):
            finished = case.closed_at
        ended = finished or case.closed_at
        received = _in(case.received_at, scope)
        resolved = _in(case.resolved_at, scope)
        returned = _in(case.returned_at, scope)
        full = case.procedure.online_level == OnlineLevel.FULL

        def count(kpi, in_denominator, in_numerator):
            counts[kpi][1] += bool(in_denominator)
            counts[kpi][0] += bool(in_denominator and in_numerator)

        count("online_receipt", received, case.channel == Channel.ONLINE)
        count("online_resolution_signed", resolved, case.channel == Channel.ONLINE and signed)
        count("online_return", returned, case.return_channel == ReturnChannel.ONLINE)
        count(
            "full_online",
            received and full,
            case.channel == Channel.ONLINE and case.return_channel == ReturnChannel.ONLINE,
        )
        open_at_end = case.received_at < scope.end and (ended is None or ended >= scope.end)
        finished_in = _in(finished, scope)
        count(
            "on_time",
            finished_in or open_at_end,
            (finished_in and finished <= due and supplements <= 1)
            or (open_at_end and due >= scope.end and supplements <= 1),
        )
        fees = any(fee.amount > 0 for fee in case.procedure.fees.all())
        count("online_payment", received and fees and not exempt, paid_online)
        has_digitised = any(d.digitised for d in case.documents.all())
        count("digitised", received, has_digitised and (not full or signed))
        if resolved:
            calendar = calendar_for(case.receiving_agency)
            worked = working_time.between(case.received_at, case.resolved_at, calendar)
            # The time from a step that paused the clock to the next step is not worked.
            for before, after in zip(steps, steps[1:], strict=False):
                if before.to_status in (Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT):
                    worked -= working_time.between(before.at, after.at, calendar)
            days.append(worked / calendar.day_length)

    result = {k: tuple(v) for k, v in counts.items()}
    ratings = [
        r
        for r in Rating.objects.select_related("case__procedure")
        if _in(r.created_at, scope) and _case_in_scope(r.case, scope)
    ]
    result["satisfaction"] = (
        sum(r.value == RatingValue.NOT_SATISFIED for r in ratings),
        len(ratings),
    )
    result["processing_days_mean"] = sum(days) / len(days) if days else None
    result["processing_days_median"] = median(days) if days else None
    return result
