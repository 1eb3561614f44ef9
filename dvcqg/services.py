"""Writes: what the national portal must learn of each step, and pushing a case again.

`on_step` is the sync's part in every step (`cases.seams`, subscriber `dvcqg.sync`): inside
the step's transaction it writes the case record as the step left it and a progress row
for the step, as outbox rows (`Message`), and asks for a dispatch once the step commits
(`dvcqg.dispatch` sends them). A case reaches the portal once it has its code: an online
submission is written, with its whole history, when the counter accepts it.
"""

from time import monotonic

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, CaseDocument, CaseEvent
from cases.seams import StepDone
from onestop.precompiled import Precompiled

from . import payloads
from .models import Message, PortalCase, Service

# Steps gather for a second under one dispatch task, which runs half a second after the
# gathering ends (for the clocks of web and worker hosts): every step that found it asked
# for has committed by then (the ask is made after commit). A process that asked knows it
# without the cache until its own gathering ends (as notifications.services does).
DISPATCH_GATHER_SECONDS = 1
DISPATCH_ASKED_KEY = "dvcqg:dispatch-asked"
_asked_until = 0.0  # monotonic: this process's gathering ends then
# What the case record reads of the history: the fees paid, the signed result.
PAID_STEP = Q(action__in=("payment", "payment-confirmed"), data__state="paid")
SIGNED_STEP = Q(action="sign", data__has_key="document")


def on_step(done: StepDone) -> None:
    """Queue what the portal must learn of this step (runs inside the step's transaction)."""
    case = done.case
    if not case.code:
        return  # not received (yet): the portal keys cases on their code
    if done.filing is not None:
        events = list(done.filing.events)
        documents = [_document(d) for d in done.filing.documents]
        history = [{"action": e.action, "at": e.at, "data": e.data} for e in events]
    else:
        # An online submission just accepted (its code issued now) is new to the portal:
        # its whole history goes, with its submission.
        first = "code" in done.changed
        # A change without a step (a scan added) sends the case record alone.
        events = list(_events(case)) if first else [done.event] if done.event else []
        documents = _documents(case)
        history = _history(case)
    record = payloads.case_record(case, documents=documents, history=history)
    queue(case, done.event, record=record, events=events)


def queue(case, event, *, record: dict, events) -> list[Message]:
    """The case record, then a progress row per event, in this order; dispatched after
    commit."""
    now = timezone.now()
    rows = [Message(case=case, event=event, service=Service.CASE, payload=record)]
    rows += [
        Message(case=case, event=e, service=Service.PROGRESS, payload=_progress(case, e))
        for e in events
    ]
    for row in rows:
        row.created_at = row.next_attempt_at = now
    rows = Message.objects.bulk_create(rows)
    transaction.on_commit(ask_for_dispatch, robust=True)
    return rows


def ask_for_dispatch() -> None:
    """Ask a worker to send what committed steps wrote (robust: the steps have committed; a
    broker that is down leaves their rows to the beat sweep)."""
    global _asked_until
    from .tasks import dispatch_messages

    asking_at = monotonic()
    if asking_at < _asked_until:
        return
    if cache.add(DISPATCH_ASKED_KEY, True, timeout=DISPATCH_GATHER_SECONDS):
        dispatch_messages.apply_async(countdown=DISPATCH_GATHER_SECONDS + 0.5)
        _asked_until = asking_at + DISPATCH_GATHER_SECONDS


# --- reading what a payload needs --------------------------------------------------------


def _document(document: CaseDocument) -> dict:
    return {
        "id": document.pk,
        "name": document.name,
        "digitised": document.digitised,
        "reused": document.reused,
    }


# Every step reads these two: compiled once a connection (compiling them cost more than
# running them).
_DOCUMENTS = Precompiled(
    lambda case_id: (
        CaseDocument.objects.filter(case_id=case_id)
        .order_by("id")
        .values("id", "name", "digitised", "reused")
    ),
    case_id=int,
)
# The steps the case record reads (`payloads.case_record`): fees paid and signed results,
# chosen by the database, so a case with many payment attempts does not send them all.
_HISTORY = Precompiled(
    lambda case_id: (
        CaseEvent.objects.filter(case_id=case_id)
        .filter(PAID_STEP | SIGNED_STEP)
        .order_by("at", "id")
        .values("action", "at", "data")
    ),
    case_id=int,
)


def _documents(case) -> list[dict]:
    return _DOCUMENTS.all(case_id=case.pk)


def _history(case) -> list[dict]:
    return _HISTORY.all(case_id=case.pk)


def _events(case):
    return CaseEvent.objects.filter(case=case).select_related("actor__agency").order_by("at", "id")


def _progress(case, event) -> dict:
    if event.action == "submit":  # the applicant's own step, whoever typed it in
        return payloads.progress(case, event, handler=case.applicant_full_name, department="")
    actor = event.actor
    if actor is None:  # Onestop itself, or a system it trusts (payments)
        return payloads.progress(case, event, handler="", department="")
    name = actor.get_full_name() or actor.username
    return payloads.progress(case, event, handler=name, department=_department(actor, case))


def _department(actor, case) -> str:
    """The actor's agency's name, from the case's agencies when it is one of them."""
    if actor.agency_id is None:
        return ""
    for agency in (case.receiving_agency, case.deciding_agency):
        if agency.pk == actor.agency_id:
            return agency.name
    return actor.agency.name


# --- pushing again -------------------------------------------------------------------------


@transaction.atomic
def push_again(*, case_ids) -> int:
    """Send these cases to the portal again (an administrator's decision: after fixing what
    was refused, or when reconciliation found the portal holding something else).

    Their unsent messages are written afresh from the case as it is now and released, and
    the full case record is queued after them, so the portal ends with the current state.
    Answers how many cases were queued.
    """
    cases = list(
        Case.objects.filter(pk__in=list(case_ids))
        .exclude(code=None)
        .select_related("procedure", "receiving_agency", "deciding_agency")
    )
    now = timezone.now()
    # The cases first, then their messages, as the dispatcher takes them: never a deadlock.
    list(PortalCase.objects.select_for_update().filter(case__in=cases).values_list("pk"))
    for case in cases:
        record = payloads.case_record(case, documents=_documents(case), history=_history(case))
        unsent = list(
            Message.objects.select_for_update(of=("self",))
            .filter(case=case, sent_at=None)
            .select_related("event__actor__agency")
        )
        for message in unsent:
            if message.service == Service.CASE:
                message.payload = record
            elif message.event is not None:
                message.payload = _progress(case, message.event)
            message.parked_at, message.attempts, message.last_error = None, 0, ""
            message.next_attempt_at = now
        Message.objects.bulk_update(
            unsent, ["payload", "parked_at", "attempts", "last_error", "next_attempt_at"]
        )
        queue(case, None, record=record, events=[])
    PortalCase.objects.filter(case__in=cases).update(held_by=None, wait_until=None)
    return len(cases)
