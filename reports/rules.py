"""The rules of the indicators: each formula returns (numerator, denominator) as filters,
over the cases' facts or over the catalogue, with its rule in its docstring (`kpis` holds
the table of KPIs that name them and computes them)."""

from django.db.models import Exists, F, OuterRef, Q

from cases.models import (
    Case,
    Channel,
    CollectionMode,
    OnlineLevel,
    ReturnChannel,
)

from . import sources
from .models import CaseFact, Rating, RatingValue
from .scope import Scope


def in_period(field_name: str, s: Scope) -> Q:
    return Q(**{f"{field_name}__gte": s.start, f"{field_name}__lt": s.end})


def received_in(s: Scope) -> Q:
    return in_period("received_at", s)


def _open_at_end(s: Scope) -> Q:
    """Received before the period's end and not finished (as 2.1 reads it) before it."""
    return Q(received_at__lt=s.end) & (Q(finished_at=None) | Q(finished_at__gte=s.end))


def _finished_or_open(s: Scope) -> Q:
    return Q(received_at__isnull=False) & (in_period("finished_at", s) | _open_at_end(s))


def _electronic_where_paper() -> Q:
    """An electronic (digitally signed) result wherever the procedure's result is a paper."""
    return Q(written_result=False) | Q(signed_digitally=True)


# --- the formulas over cases: (numerator, denominator) as filters of the facts ------------


def on_time(s: Scope) -> tuple[Q, Q]:
    """2.1 On time (đúng hạn): cases finished in the period by the appointment in force,
    plus cases open at its end and not past it, over the cases finished in the period or
    open at its end. Finished: resolved, else returned, else stopped, rejected or withdrawn;
    a case waiting for a supplement finished at the request (the wait is not counted). More
    than one supplement request makes a case late; an apology letter's new date is ignored
    (the appointment before the first apology counts). A case without an appointment (its
    clock waits for an upfront fee) is not late. Never-received cases count nowhere."""
    finished_on_time = in_period("finished_at", s) & Q(on_time=True)
    not_due = Q(due_at__gte=s.end) | Q(due_at=None)  # no appointment yet: the clock waits
    open_not_late = _open_at_end(s) & not_due & Q(supplements__lte=1)
    return Q(received_at__isnull=False) & (finished_on_time | open_not_late), _finished_or_open(s)


def online_receipt(s: Scope) -> tuple[Q, Q]:
    """3.3 Online receipt: cases received online in the period and, where the procedure's
    result is a written paper, issued with an electronic result, over the cases received in
    the period. An online case whose paper result has no electronic copy (yet) is not
    counted."""
    return received_in(s) & Q(channel=Channel.ONLINE) & _electronic_where_paper(), received_in(s)


def online_payment(s: Scope) -> tuple[Q, Q]:
    """3.6 Online payment: cases received in the period and paid online (the national
    platform or the province's gateway), over the cases received in the period of
    fee-bearing procedures, less those whose fees were all waived."""
    bearing = received_in(s) & Q(fee_bearing=True, fee_exempt=False)
    return bearing & Q(paid_online=True), bearing


def electronic_results(s: Scope) -> tuple[Q, Q]:
    """4.1 Electronic results: cases resolved in the period with an electronic (digitally
    signed) result, over the cases resolved in the period of procedures whose result is a
    written paper."""
    paper = in_period("resolved_at", s) & Q(written_result=True)
    return paper & Q(signed_digitally=True), paper


def digitised(s: Scope) -> tuple[Q, Q]:
    """4.2 Digitised: cases received in the period with digitised documents and, wherever
    the procedure's result is a written paper, an electronic result (the fact `digitised`),
    over the cases received in the period."""
    return received_in(s) & Q(digitised=True), received_in(s)


def data_reused(s: Scope) -> tuple[Q, Q]:
    """4.3 Reuse of digitised data: cases received in the period with a document reused
    from the citizen's data store (not filed again), over the cases received in the
    period."""
    return received_in(s) & Q(reused=True), received_in(s)


def portal_synced(s: Scope) -> tuple[Q, Q]:
    """1.4 Cases synchronised to the national portal: cases received in the period that
    the portal acknowledged (the feature behind `sources.case_filter("portal_synced")`
    says which), over the cases received in the period."""
    synced = sources.case_filter("portal_synced")(Case.objects.values("pk"))
    return received_in(s) & Q(case_id__in=synced), received_in(s)


def online_receipt_rate(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases received online in the period over the cases received in it
    (what the seed's 83.92% measures; not Decision 766's 3.3)."""
    return received_in(s) & Q(channel=Channel.ONLINE), received_in(s)


def online_resolution_signed(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases resolved in the period, received online, with a digitally
    signed result, over the cases resolved in the period."""
    resolved = in_period("resolved_at", s)
    return resolved & Q(channel=Channel.ONLINE, signed_digitally=True), resolved


def online_return(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases returned in the period through the online channel, over the
    cases returned in the period (not Decision 766's 4.1)."""
    returned = in_period("returned_at", s)
    return returned & Q(return_channel=ReturnChannel.ONLINE), returned


def full_online(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases of fully online procedures received in the period that were
    received and returned online, over the cases of those procedures received in it."""
    full = received_in(s) & Q(online_level=OnlineLevel.FULL)
    return full & Q(channel=Channel.ONLINE, return_channel=ReturnChannel.ONLINE), full


def processing_time(s: Scope) -> Q:
    """2.2 Processing time: the resolved cases whose processing started in the period
    (at acceptance, or once an upfront fee was settled); their time from that start to the
    resolution, the waits for the applicant left out, in the procedure's own unit: mean and
    median, per unit. No points."""
    return in_period("started_at", s) & Q(resolved_at__isnull=False)


def satisfaction(s: Scope) -> tuple[Q, Q]:
    """5.4 Satisfaction: 100% − (rate of cases late + rate of cases rated "not satisfied"
    or complained about), both over the agency's cases of the on-time indicator (finished in
    the period or open at its end), not over the ratings given; whenever the rating or
    complaint came. The numerator: those rated "not satisfied" or complained about."""
    denominator = _finished_or_open(s)
    unhappy = not_satisfied()
    if complained := sources.case_filter("complained"):
        unhappy |= Q(case_id__in=complained(Case.objects.values("pk")))
    return denominator & unhappy, denominator


def not_satisfied() -> Q:
    """Rated "not satisfied": a few percent of the cases, read once as a hashed set (a
    correlated subquery per case cost a province-year report half a second)."""
    rated = Rating.objects.filter(value=RatingValue.NOT_SATISFIED).values("case_id")
    return Q(case_id__in=rated)


# --- the formulas over the catalogue: (numerator, denominator) of `procedures_in` -------


def _fee_bearing() -> Q:
    """Over `procedures_in`, which reads whether each procedure bears a fee once."""
    return Q(fee_bearing=True)


def _decided_in(s: Scope) -> Q:
    return Q(decision_effective_on__gte=s.first, decision_effective_on__lte=s.last)


def published_on_time(s: Scope) -> tuple[Q, Q]:
    """1.1 Published on time: of the active procedures whose publishing decision took
    effect in the period and that were never amended, those published in the catalogue no
    later than the day it took effect."""
    new = _decided_in(s) & Q(updated_on=None)
    return new & Q(published_on__lte=F("decision_effective_on")), new


def updated_on_time(s: Scope) -> tuple[Q, Q]:
    """1.2 Updated on time: of the active procedures whose amending decision took effect in
    the period, those whose catalogue entry followed it no later than the day it took
    effect."""
    amended = _decided_in(s) & Q(updated_on__isnull=False)
    return amended & Q(updated_on__lte=F("decision_effective_on")), amended


def procedures_complete(s: Scope) -> tuple[Q, Q]:
    """1.3 Published in full: active procedures with a publishing decision and the day it
    took effect, a processing time, their required documents, and fee items that agree with
    the collection mode (a fee to collect if and only if a mode is set), over the active
    procedures."""
    fees_agree = (Q(collection=CollectionMode.NONE) & ~_fee_bearing()) | (
        ~Q(collection=CollectionMode.NONE) & _fee_bearing()
    )
    complete = (
        ~Q(decision_ref="")
        & Q(decision_effective_on__isnull=False, processing_time_value__gt=0)
        & ~Q(required_documents=[])
        & fees_agree
    )
    return complete, Q()


def procedures_online(s: Scope) -> tuple[Q, Q]:
    """3.1 Procedures online: active procedures with a partial or full online service, over
    the active procedures."""
    return ~Q(online_level=OnlineLevel.NONE), Q()


def online_services_used(s: Scope) -> tuple[Q, Q]:
    """3.2 Online services used: active online procedures (partial or full) that received at
    least one online case in the period, over the active online procedures."""
    online = ~Q(online_level=OnlineLevel.NONE)
    return online & Q(used_online=True), online


def payment_offered_online(s: Scope) -> tuple[Q, Q]:
    """3.5a Payment offered online: active fee-bearing procedures whose fees can be paid
    online, over the active fee-bearing procedures."""
    return _fee_bearing() & Q(pays_online=True), _fee_bearing()


def payment_used_online(s: Scope) -> tuple[Q, Q]:
    """3.5b Payment used online: active fee-bearing procedures payable online with at least
    one case received in the period and paid online, over the active fee-bearing procedures
    payable online."""
    offered = _fee_bearing() & Q(pays_online=True)
    return offered & Q(paid_online_once=True), offered


def procedure_has_case(s: Scope, cases: Q) -> Exists:
    """Whether a procedure has a case received in the period meeting `cases`, wherever it
    is decided now (an index probe per procedure, stopping at the first such case)."""
    return Exists(CaseFact.objects.filter(received_in(s) & cases, procedure_id=OuterRef("pk")))
