"""A synthetic province at scale (`manage.py generate_cases`): millions of cases, fast.

The catalogue is the demo province's (`demo`) grown to a province of the seed's size, on
the two-tier map: the commune procedures copied to every one of its ~100 wards and communes
(~3,000 procedures). Cases are not filed through the services (a
million would take hours): each one's history is drawn at once (filing, assignment,
supplements, transfers, apology, result, signature, return, rating) and its rows written
with PostgreSQL's COPY: the case, its events, its appointment history, a document, its
payment (request and receipt) or fee exemption, its facts (`facts.derive`, as the services
would) and its rating. A `random.Random(seed)` and the `until` date make the data the same
on every run.
"""

import json
import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.db.models import F

from cases import working_time
from cases.models import (
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    Channel,
    CollectionMode,
    Level,
    NotifyBy,
    OnlineLevel,
    ReturnChannel,
    Role,
    Status,
)
from payments.models import (
    FeeExemption,
    Method,
    PaymentRequest,
    PaymentState,
    Receipt,
    ReceiptSequence,
)
from payments.selectors import Due
from payments.services import new_reference
from payments.simulator import BANKS
from reports.facts import Step, derive
from reports.models import CaseFact, Rating, ReportStamp

from .copy_writer import FACT_COLUMNS, Writer, json_text
from .scale import catalogue

CHUNK = 20_000
# Shares near the seed article's figures (DOMAIN.md): 83.92% received online, 24% resolved
# online with a digital signature, 76% returned online, 98% satisfaction.
ONLINE_WHEN_OFFERED, POST_SHARE = 0.985, 0.02
SIGNED_WHEN_ONLINE = 0.29
RETURN_ONLINE = {Channel.ONLINE: 0.86, Channel.COUNTER: 0.25, Channel.POST: 0.25}
REJECTED, WITHDRAWN, STOPPED = 0.015, 0.01, 0.015
ONE_SUPPLEMENT, TWO_SUPPLEMENTS, TRANSFER, LATE = 0.11, 0.025, 0.01, 0.07
RATED, NOT_SATISFIED, VERY_SATISFIED = 0.35, 0.02, 0.6
EXEMPT, PAID_ONLINE = 0.05, {Channel.ONLINE: 0.95, Channel.COUNTER: 0.2, Channel.POST: 0.5}
DIGITISED_AT_COUNTER = 0.7


def _after(action, status):
    """The status after a payments step: a settled upfront fee moves the case on."""
    return Status.RECEIVED if action == "payment-confirmed" else status


class History:
    """One case's rows as they are drawn: events in order, the appointment's changes."""

    def __init__(self, gen, case_id):
        self.gen, self.case_id = gen, case_id
        self.steps = []
        self.status = ""
        self.before_apology = None

    def event(
        self, at, action, to_status, actor=None, *, reason="", form="", data=None, unique=False
    ):
        """`unique`: data seen once (a payment's reference), not worth remembering."""
        data = data or {}
        event_id = self.gen.writer.next_id(CaseEvent)
        self.gen.writer.rows[CaseEvent].append(
            (
                event_id,
                self.case_id,
                actor,
                at,
                action,
                self.status,
                to_status,
                reason,
                form,
                json.dumps(data, ensure_ascii=False) if unique else json_text(data),
            )
        )
        self.steps.append(Step(action, to_status, at, data))
        self.status = to_status
        return event_id

    def change(self, event_id, old, new, reason):
        self.gen.writer.rows[AppointmentChange].append(
            (self.gen.writer.next_id(AppointmentChange), self.case_id, event_id, old, new, reason)
        )


class Generator:
    def __init__(self, *, seed: int, until: date, years: int):
        self.rng = random.Random(seed)
        self.cat = catalogue()
        self.writer = Writer()
        self.until = datetime.combine(until, time(17, 0), working_time.VN_TZ)
        self.now = self.until
        cal = self.cat.calendar
        first = until.replace(year=until.year - years)
        days = [first + timedelta(days=d) for d in range((until - first).days + 1)]
        self.days = [d for d in days if cal.is_working_day(d)]
        # Case numbers go on from those already issued on each day.
        self.sequences: dict = {
            (agency, day): last
            for agency, day, last in CaseCodeSequence.objects.filter(day__gte=first).values_list(
                "agency_id", "day", "last"
            )
        }
        self.day_length = cal.day_length
        self.receipts: dict = {
            (agency, year): last
            for agency, year, last in ReceiptSequence.objects.values_list(
                "agency_id", "year", "last"
            )
        }
        self.fee_items: dict = {}  # procedure id → (amount, items JSON), as requests hold them

    def wd(self, days: float) -> timedelta:
        return days * self.day_length

    def add(self, moment, days: float):
        return working_time.add(moment, self.wd(days), self.cat.calendar)

    def run(self, cases: int, progress=None) -> int:
        """Write `cases` cases, all or none."""
        procedures = self.rng.choices(self.cat.procedures, self.cat.weights, k=cases)
        for i, procedure in enumerate(procedures, start=1):
            self.case(procedure)
            if i % CHUNK == 0:
                self.writer.flush()
                if progress:
                    progress(i)
        self.writer.flush()
        self.writer.finish()
        ReportStamp.objects.update(changes=F("changes") + 1)  # cached reports are stale now
        CaseCodeSequence.objects.bulk_create(
            [CaseCodeSequence(agency_id=a, day=d, last=n) for (a, d), n in self.sequences.items()],
            update_conflicts=True,
            unique_fields=["agency", "day"],
            update_fields=["last"],
            batch_size=5000,
        )
        # Receipt numbers go on from the generated ones: a payment filed now gets a fresh one.
        ReceiptSequence.objects.bulk_create(
            [ReceiptSequence(agency_id=a, year=y, last=n) for (a, y), n in self.receipts.items()],
            update_conflicts=True,
            unique_fields=["agency", "year"],
            update_fields=["last"],
            batch_size=5000,
        )
        return cases

    def settle_upfront(self, h, procedure, channel, receiving, counter):
        """An upfront fee, settled soon after receipt (or by `until`): asked for by Onestop
        as the case is accepted, then paid or waived, which moves the case on. The step
        that settled it, and when."""
        received = h.steps[-1].at
        due = Due(items=self.cat.fees[procedure.pk])
        data = {"amount": due.amount, "items": [i.code for i in due.items], "system": "onestop"}
        h.event(received, "request-payment", Status.AWAITING_PAYMENT, data=data)
        settled = min(self.add(received, self.rng.uniform(0.05, 1)), self.now)
        if self.rng.random() < EXEMPT:
            event = self.waive(h, procedure, counter, settled, "payment-confirmed")
        else:
            online = self.rng.random() < PAID_ONLINE[channel]
            event = self.pay(h, procedure, receiving, counter, received, settled, online)
        return event, h.steps[-1].at

    def waive(self, h, procedure, counter, before, action):
        """Miễn phí, as `fee_exemption_grant` records it: every fee item waived by the
        receiving counter, shortly `before` (the result's return, or the fee's deadline)."""
        at = before - timedelta(minutes=self.rng.randrange(5, 20))
        items = self.cat.fees[procedure.pk]
        reason = "Hộ nghèo"
        rows = self.writer.rows[FeeExemption]
        for item in items:
            rows.append(
                (self.writer.next_id(FeeExemption), h.case_id, item.pk, reason, counter, at)
            )
        data = {
            "exempted": [item.code for item in items],
            "recorded_by": self.cat.usernames[counter],
            "fee_exempt": True,
            "system": "payments",
        }
        return h.event(at, action, _after(action, h.status), reason=reason, data=data)

    def pay(self, h, procedure, receiving, counter, after, before, online):
        """The fee paid between `after` and `before`, as `payment_request_create` and the
        gateway's callback record it: online through PayGov (the request pending, then
        paid), or in cash at the counter shortly `before`; then its receipt. A payment that
        settles an upfront fee is `payment-confirmed`, which moves the case on."""
        rng, w = self.rng, self.writer
        if procedure.pk not in self.fee_items:
            due = Due(items=self.cat.fees[procedure.pk])
            self.fee_items[procedure.pk] = (due.amount, json.dumps(due.lines, ensure_ascii=False))
        amount, items = self.fee_items[procedure.pk]
        payment_id = w.next_id(PaymentRequest)
        reference = new_reference(rng.choice)
        method = Method.ONLINE if online else Method.CASH
        summary = {"reference": reference, "method": method, "amount": amount}
        if online:
            paid = after + (before - after) * rng.uniform(0.1, 0.9)
            created = paid - min(timedelta(minutes=rng.randrange(1, 15)), (paid - after) / 2)
            pending = {**summary, "state": PaymentState.PENDING, "system": "payments"}
            h.event(created, "payment", h.status, data=pending, unique=True)
            # MaGiaoDich: 14 digits, unique by the request's id behind a random prefix.
            transaction_id = f"PG{rng.randrange(10**5):05d}{payment_id:09d}"
            gateway, bank, clerk = "paygov", rng.choice(BANKS), None
            extra = {"transaction": transaction_id, "system": "paygov"}
        else:
            paid = created = before - timedelta(minutes=rng.randrange(2, 20))
            transaction_id, gateway, bank, clerk = None, "", "", counter
            extra = {"recorded_by": self.cat.usernames[counter], "system": "payments"}
        w.rows[PaymentRequest].append(
            (
                payment_id,
                h.case_id,
                reference,
                method,
                gateway,
                amount,
                "VND",
                items,
                PaymentState.PAID,
                "",
                transaction_id,
                bank,
                "",
                False,
                "",
                clerk,
                created,
                paid,
            )
        )
        year = paid.astimezone(working_time.VN_TZ).year
        key = (receiving, year)
        self.receipts[key] = number = self.receipts.get(key, 0) + 1
        w.rows[Receipt].append((w.next_id(Receipt), payment_id, receiving, year, number, paid))
        label = Receipt.format_label(self.cat.codes[receiving], year, number)
        data = {**summary, "state": PaymentState.PAID, "receipt": label, **extra}
        action = "payment-confirmed" if h.status == Status.AWAITING_PAYMENT else "payment"
        return h.event(paid, action, _after(action, h.status), data=data, unique=True)

    def case(self, procedure):
        rng, cat = self.rng, self.cat
        case_id = self.writer.next_id(Case)
        h = History(self, case_id)
        online_offered = procedure.online_level != OnlineLevel.NONE
        roll = rng.random()
        if online_offered and roll < ONLINE_WHEN_OFFERED:
            channel = Channel.ONLINE
        elif roll > 1 - POST_SHARE:
            channel = Channel.POST
        else:
            channel = Channel.COUNTER
        local = procedure.level != Level.PROVINCE
        receiving = procedure.agency_id if local else cat.centre_id
        deciding = procedure.agency_id
        day = rng.choice(self.days)
        minute = rng.randrange(450)
        clock = (
            time(7 + (30 + minute) // 60, (30 + minute) % 60)
            if minute < 240
            else time(13 + (30 + minute - 240) // 60, (30 + minute - 240) % 60)
        )
        received = datetime.combine(day, clock, working_time.VN_TZ)
        if received > self.now:
            received = self.now - timedelta(hours=1)
        submitted = (
            received - timedelta(minutes=rng.randrange(10, 600))
            if channel == Channel.ONLINE
            else received
        )
        staff = cat.staff.get(deciding, {})
        counter = cat.staff.get(receiving, {}).get(Role.COUNTER_STAFF)
        officer, signer = staff.get(Role.OFFICER), staff.get(Role.SIGNER)
        fields = dict.fromkeys(
            (
                "code",
                "received_at",
                "appointment_at",
                "resolved_at",
                "returned_at",
                "closed_at",
                "next_alert_at",
            ),
            None,
        )
        return_channel, assigned = "", None
        fee_bearing = procedure.pk in cat.fee_bearing
        h.event(submitted, "submit", Status.SUBMITTED, data={"channel": channel, "documents": 1})

        if channel == Channel.ONLINE and rng.random() < REJECTED:
            fields["closed_at"] = received
            h.event(
                received, "reject", Status.REJECTED, counter, reason="Hồ sơ không hợp lệ", form="03"
            )
        else:
            key = (receiving, day)
            self.sequences[key] = number = self.sequences.get(key, 0) + 1
            fields["code"] = f"{cat.codes[receiving]}-{day:%y%m%d}-{number:04d}"
            fields["received_at"] = received
            starts = h.event(received, "accept", Status.RECEIVED, counter, form="01")
            start, reason = received, AppointmentChange.Reason.RECEIVED
            upfront = fee_bearing and procedure.collection == CollectionMode.UPFRONT
            if upfront:
                # Thu trước: the case waits for its fee; the clock starts once it is settled.
                starts, start = self.settle_upfront(h, procedure, channel, receiving, counter)
                reason = AppointmentChange.Reason.FEE_PAID
            due = working_time.deadline(
                start,
                procedure.processing_time_value,
                procedure.processing_time_unit,
                cat.calendar,
            )
            h.change(starts, None, due, reason)
            span = max(working_time.between(start, due, cat.calendar) / self.day_length, 0.2)
            at = self.add(start, 0.1)
            if at <= self.now:  # an upfront fee settled at the last moment: not yet assigned
                h.event(at, "assign", Status.PROCESSING, counter, data={"officer": "canbo"})
                assigned = officer
            ending = rng.random()
            late = rng.random() < LATE
            supplements = (
                2 if rng.random() < TWO_SUPPLEMENTS else int(rng.random() < ONE_SUPPLEMENT)
            )
            for _ in range(supplements):
                at = self.add(at, span * rng.uniform(0.05, 0.2))
                if at > self.now:
                    break
                h.event(
                    at,
                    "request-supplement",
                    Status.SUPPLEMENT_REQUESTED,
                    officer,
                    reason="Thành phần hồ sơ chưa đầy đủ",
                    form="02",
                    data={"items": ["Bản sao giấy tờ"]},
                )
                waited = rng.uniform(0.5, 5)
                back = self.add(at, waited)
                if back > self.now or (ending < WITHDRAWN and supplements):
                    break
                new_due = working_time.add(
                    due, working_time.between(at, back, cat.calendar), cat.calendar
                )
                event = h.event(
                    back,
                    "supplement-received",
                    Status.PROCESSING,
                    counter,
                    data={"waited_from": at.isoformat(), "mode": "extend"},
                )
                h.change(event, due, new_due, AppointmentChange.Reason.SUPPLEMENT)
                due, at = new_due, back
            if (
                h.status == Status.PROCESSING
                and rng.random() < TRANSFER
                and deciding in cat.transfer_to
            ):
                at = self.add(at, span * 0.1)
                if at < self.now:
                    target = cat.transfer_to[deciding]
                    h.event(
                        at,
                        "transfer",
                        Status.PROCESSING,
                        officer,
                        reason="Chuyển cơ quan có thẩm quyền",
                        data={"from_agency": cat.codes[deciding], "to_agency": cat.codes[target]},
                    )
                    deciding, assigned = target, None
                    staff = cat.staff.get(deciding, {})
                    officer, signer = staff.get(Role.OFFICER), staff.get(Role.SIGNER)
            left = working_time.between(at, due, cat.calendar) / self.day_length
            finish = (
                self.add(at, left * rng.uniform(1.02, 1.8) + 0.3)
                if late
                else self.add(at, max(left, 0.05) * rng.uniform(0.3, 0.97))
            )
            if h.status == Status.PROCESSING and ending < WITHDRAWN + STOPPED:
                close = self.add(at, max(left, 0.1) * rng.uniform(0.1, 0.9))
                if close <= self.now:
                    if ending < WITHDRAWN:
                        h.event(
                            close,
                            "withdraw",
                            Status.WITHDRAWN,
                            counter,
                            reason="Người nộp rút hồ sơ",
                        )
                    else:
                        h.event(
                            close,
                            "stop",
                            Status.STOPPED,
                            officer,
                            reason="Không đủ điều kiện",
                            form="05",
                        )
                    fields["closed_at"] = close
            draft = finish - (finish - at) * 0.2
            if h.status == Status.PROCESSING and late and due < self.now and rng.random() < 0.5:
                apology = self.add(due, 0.2)
                # While still processing: an apology after the draft was submitted would be
                # written out of order (it is a step of the processing officer here).
                if apology < draft and apology < self.now:
                    new_due = self.add(due, 5)
                    event = h.event(
                        apology,
                        "apologise",
                        Status.PROCESSING,
                        officer,
                        reason="Cần xác minh thêm",
                        form="04",
                        data={"old_appointment_at": due.isoformat()},
                    )
                    h.change(event, due, new_due, AppointmentChange.Reason.APOLOGY)
                    h.before_apology, due = due, new_due
            if h.status == Status.PROCESSING:
                if draft <= self.now:
                    h.event(
                        draft,
                        "submit-result",
                        Status.AWAITING_SIGNATURE,
                        officer,
                        data={"result": "generated"},
                    )
                if h.status == Status.AWAITING_SIGNATURE and finish <= self.now:
                    digital = channel == Channel.ONLINE and rng.random() < SIGNED_WHEN_ONLINE
                    h.event(
                        finish,
                        "sign",
                        Status.RESOLVED,
                        signer,
                        data={"signature": "pades" if digital else "approval"},
                    )
                    fields["resolved_at"] = finish
                    handed = self.add(finish, rng.uniform(0.05, 3))
                    if handed <= self.now:
                        return_channel = (
                            ReturnChannel.ONLINE
                            if rng.random() < RETURN_ONLINE[channel]
                            else ReturnChannel.COUNTER
                        )
                        if fee_bearing and not upfront:  # thu sau: paid before the return
                            if rng.random() < EXEMPT:
                                self.waive(h, procedure, counter, handed, "payment")
                            else:
                                online = rng.random() < PAID_ONLINE[channel]
                                self.pay(h, procedure, receiving, counter, finish, handed, online)
                        data = {"channel": return_channel}
                        if return_channel == ReturnChannel.COUNTER:
                            data["recipient"] = "Người nộp"
                        h.event(handed, "return", Status.RETURNED, counter, data=data)
                        fields["returned_at"] = handed
            fields["appointment_at"] = due
            if h.status in (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SIGNATURE):
                soon = working_time.subtract(due, self.wd(1), cat.calendar)
                fields["next_alert_at"] = soon if self.now < soon else due

        name = rng.choice(cat.names)
        digitised = channel == Channel.ONLINE or rng.random() < DIGITISED_AT_COUNTER
        status = h.status
        w = self.writer
        w.rows[Case].append(
            (
                case_id,
                fields["code"],
                f"HG{case_id:010d}",
                "",
                procedure.pk,
                receiving,
                deciding,
                name,
                f"0{rng.randrange(10**10, 10**11)}",
                f"09{rng.randrange(10**7, 10**8)}",
                "",
                "Lào Cai",
                channel,
                return_channel,
                status,
                len(h.steps),
                assigned,
                submitted,
                fields["received_at"],
                fields["appointment_at"],
                fields["resolved_at"],
                fields["returned_at"],
                fields["closed_at"],
                fields["next_alert_at"],
                0,
                NotifyBy.ALL,
            )
        )
        doc = procedure.required_documents[0] if procedure.required_documents else "Tờ khai"
        w.rows[CaseDocument].append(
            (w.next_id(CaseDocument), case_id, doc, digitised, False, "", "", submitted)
        )
        before_apology = next(
            (
                c[3]
                for c in w.rows[AppointmentChange][-4:]
                if c[1] == case_id and c[5] == AppointmentChange.Reason.APOLOGY
            ),
            None,
        )
        view = SimpleNamespace(
            procedure_id=procedure.pk,
            deciding_agency_id=deciding,
            assigned_to_id=assigned,
            channel=channel,
            status=status,
            return_channel=return_channel,
            **{
                k: fields[k]
                for k in (
                    "received_at",
                    "appointment_at",
                    "resolved_at",
                    "returned_at",
                    "closed_at",
                )
            },
        )
        facts = derive(
            view,
            h.steps,
            level=procedure.level,
            online_level=procedure.online_level,
            written_result=procedure.written_result,
            processing_unit=procedure.processing_time_unit,
            before_apology=before_apology,
            has_digitised=digitised,
            has_reused=False,
            fee_bearing=fee_bearing,
            calendar=cat.calendar,
        )
        w.rows[CaseFact].append((case_id, *(facts[c] for c in FACT_COLUMNS[1:])))
        if status == Status.RETURNED and rng.random() < RATED:
            r = rng.random()
            value = (
                "not_satisfied"
                if r < NOT_SATISFIED
                else ("very_satisfied" if r < NOT_SATISFIED + VERY_SATISFIED else "satisfied")
            )
            rated = min(fields["returned_at"] + timedelta(hours=rng.randrange(1, 120)), self.now)
            w.rows[Rating].append((case_id, value, "", rated))
