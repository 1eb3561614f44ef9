"""The demo cases: how many end up in each state, and how their histories are written.

Cases are never written directly: each one is filed and moved through its life by
`services.case_file` and `services.case_act` at moments in the past (office hours, Vietnam
time), so every case has the codes, appointments, events and forms a real one would have.
The most recently signed results (`SIGNED_RESULTS`) are drawn as PDFs and PAdES-signed
through `cases.actions.perform_action`, where the deciding agency has a certificate valid
at that moment; the others are approved on paper. A seeded `random.Random` makes the data
the same on every run, relative to the moment the command runs.
"""

import random
from datetime import datetime

from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from cases import services, working_time
from cases.actions import perform_action
from cases.models import (
    Case,
    Channel,
    Status,
    User,
)
from documents.signing import certificate_window
from notifications.models import Notification

from .payment import prepare_walkthrough
from .plan import SIGNED_RESULTS, Plan, _to_minute_at
from .planner import CasePlanner
from .province import SEED


def build_cases(*, agencies, staff, now: datetime | None = None, seed: int = SEED) -> list[Case]:
    """File and move the demo cases through the service layer, oldest moment first.

    All cases' steps run in one timeline, so each receiving agency's daily case numbers
    follow the order in which its cases were received.
    """
    planner = CasePlanner(
        agencies=agencies, staff=staff, now=now or timezone.now(), rng=random.Random(seed)
    )
    plans = planner.plans()
    timeline = []
    for index, plan in enumerate(plans):
        if plan.target == Status.SUBMITTED:
            plan.submitted_at = _to_minute_at(
                working_time.subtract(planner.now, -plan.now_off, planner.calendar)
            )
        else:
            planner.date(plan)
        if plan.submitted_at is not None:
            timeline.append((plan.submitted_at, index, -1, None))
        timeline.extend((step.at, index, number, step) for number, step in enumerate(plan.steps))
    timeline.sort(key=lambda item: item[:3])

    electronic = _electronic_results(plans)
    cases: dict[int, Case] = {}
    for at, index, _number, step in timeline:
        plan = plans[index]
        if step is None or step.action == "file":
            cases[index] = services.case_file(
                procedure=plan.procedure,
                applicant=plan.applicant,
                channel=plan.channel,
                documents=plan.documents,
                by=None if step is None else step.actor,
                now=at,
            )
            continue
        if step.action == "pay":
            cases[index] = _pay(cases[index], plan, step.actor, at)
            continue
        params = step.params(cases[index]) if callable(step.params) else dict(step.params)
        act = perform_action if index in electronic else services.case_act
        if act is services.case_act and step.action == "submit-result":
            params.setdefault("result", "paper")
        try:
            act(case=cases[index], action=step.action, by=step.actor, now=at, **params)
        except Exception as exc:
            raise RuntimeError(
                f"demo case {index} ({plan.target}, {plan.procedure.code}): "
                f"{step.action} at {at:%Y-%m-%d %H:%M} failed: {exc}"
            ) from exc

    built = list(cases.values())
    silence_replayed_messages(built)
    prepare_walkthrough(built)
    return built


def _pay(case: Case, plan: Plan, clerk: User, at: datetime) -> Case:
    """Online filings pay through the national platform (its simulator), the others in cash."""
    from payments import services as payments
    from payments import simulator

    if plan.channel != Channel.ONLINE:
        payments.payment_request_create(case=case, method="cash", by=clerk, now=at)
        return Case.objects.get(pk=case.pk)
    # The demo replays history: the simulated platform stands in for PayGov, whatever
    # the settings of the database being filled.
    with override_settings(PAYGOV_URL="", PAYGOV_SIMULATOR=True):
        payment = payments.payment_request_create(case=case, method="online", now=at)
        data = {"reference": payment.reference, "amount": payment.amount, "info": ""}
        [payload] = simulator.callbacks({**data, "currency": payment.currency}, "success")
    callback, _reply = payments.callback_receive(
        gateway_name="paygov", payload=payload, enqueue=False
    )
    payments.callback_apply(callback_id=callback.pk, now=at)
    return Case.objects.get(pk=case.pk)


def _electronic_results(plans: list[Plan]) -> set[int]:
    """The plans whose result is signed electronically: the last `SIGNED_RESULTS` signed,
    where the signer's agency has a certificate valid when they sign."""
    windows = {}
    signed = []
    for index, plan in enumerate(plans):
        signs = [step for step in plan.steps if step.action == "sign"]
        if not signs:
            continue
        agency = signs[-1].actor.agency
        if agency.pk not in windows:
            windows[agency.pk] = certificate_window(agency)
        window = windows[agency.pk]
        if window and window[0] <= signs[-1].at <= window[1]:
            signed.append((signs[-1].at, index))
    return {index for _at, index in sorted(signed)[-SIGNED_RESULTS:]}


def silence_replayed_messages(cases: list[Case]) -> None:
    """The demo replays weeks of history: its messages to applicants are not for sending.

    Marked as sent, the worker's claim skips them (the tasks queued on commit do nothing).
    """
    Notification.objects.filter(case__in=cases, sent_at__isnull=True).update(
        sent_at=F("created_at")
    )
