"""A synthetic province at scale (`manage.py generate_cases`): millions of cases, fast.

The catalogue is the demo province's (`cases.demo`) grown to a province of the seed's size:
~150 communes, and the district and commune procedures copied to every district and
commune that runs them (~2,000 procedures). Cases are not filed through the services (a
million would take hours): each one's history is drawn at once (filing, assignment,
supplements, transfers, apology, result, signature, return, rating) and its rows written
with PostgreSQL's COPY: the case, its events, its appointment history, a document, its
payment (request and receipt) or fee exemption, its facts (`facts.derive`, as the services
would) and its rating. A `random.Random(seed)` and the `until` date make the data the same
on every run.
"""

import json
import queue
import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import psycopg
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F

from cases import demo, working_time
from cases.catalogue import forget_catalogue
from cases.demo.people import NAMES, VILLAGES, _person_name
from cases.models import (
    Agency,
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    Channel,
    CollectionMode,
    FeeItem,
    Level,
    NotifyBy,
    OnlineLevel,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    User,
)
from cases.selectors import default_calendar
from cases.user_context import forget_everyone
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

from .facts import Step, derive
from .models import CaseFact, Rating, ReportStamp

COMMUNES_TARGET = 150
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
# How often a case picks a procedure of each level, per procedure copy.
LEVEL_WEIGHT = {Level.PROVINCE: 40.0, Level.DISTRICT: 6.0, Level.COMMUNE: 1.0}


# --- the catalogue ---------------------------------------------------------------------


def build_province() -> dict:
    """The demo province grown to ~150 communes and ~2,000 procedures, and its staff."""
    with transaction.atomic():
        agencies = demo.build_catalogue()
        demo.build_users(agencies)
        _more_communes(agencies)
        _copy_local_procedures()
        _local_staff()
        # Written in bulk, past the signals: running workers re-read what they keep.
        forget_everyone()
        forget_catalogue()
    return agencies


def _more_communes(agencies):
    districts = [agencies[key] for key, *_ in demo.DISTRICTS]
    existing = Agency.objects.filter(level=Level.COMMUNE).count()
    rng = random.Random("communes")
    names = [f"Xã {v}" for v in VILLAGES] + [f"Xã {n}" for n in NAMES["Kinh"][3]]
    new, i = [], 0
    while existing + len(new) < COMMUNES_TARGET:
        district = districts[i % len(districts)]
        number = 20 + i // len(districts)
        level2 = district.code.split(".")[2]
        name = f"{rng.choice(names)} ({district.name.removeprefix('UBND ')})"
        new.append(
            Agency(
                code=f"000.{number:02d}.{level2}.H38",
                name=f"UBND {name[0].lower()}{name[1:]}",
                level=Level.COMMUNE,
                parent=district,
            )
        )
        i += 1
    Agency.objects.bulk_create(new, ignore_conflicts=True)


def _copy_local_procedures():
    """Each district procedure for every district, each commune procedure for every commune."""
    templates = Procedure.objects.filter(level__in=[Level.DISTRICT, Level.COMMUNE])
    templates = templates.exclude(code__contains="-").prefetch_related("fees")  # not the copies
    have = set(Procedure.objects.values_list("code", flat=True))
    copies, fees = [], []
    for level in (Level.DISTRICT, Level.COMMUNE):
        for agency in Agency.objects.filter(level=level):
            suffix = "".join(agency.code.split(".")[1:3])
            for template in (t for t in templates if t.level == level):
                code = f"{template.code.split('-')[0]}-{suffix}"
                if template.agency_id == agency.pk or code in have:
                    continue
                have.add(code)
                copy = Procedure(
                    code=code,
                    name=template.name,
                    level=level,
                    agency=agency,
                    processing_time_value=template.processing_time_value,
                    processing_time_unit=template.processing_time_unit,
                    online_level=template.online_level,
                    collection=template.collection,
                    supplement_clock=template.supplement_clock,
                    required_documents=template.required_documents,
                    written_result=template.written_result,
                    pays_online=template.pays_online,
                    decision_ref=template.decision_ref,
                    decision_effective_on=template.decision_effective_on,
                    published_on=template.published_on,
                    updated_on=template.updated_on,
                )
                copies.append(copy)
                fees += [(copy, f) for f in template.fees.all()]
    Procedure.objects.bulk_create(copies, batch_size=2000)
    FeeItem.objects.bulk_create(
        [
            FeeItem(procedure=p, code=f.code, name=f.name, kind=f.kind, amount=f.amount)
            for p, f in fees
        ],
        batch_size=2000,
    )


def _local_staff():
    """A counter, an officer and a signer for every agency that decides cases and has none."""
    password = make_password(demo.DEMO_PASSWORD)
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    deciding = Agency.objects.filter(procedures__isnull=False).distinct()
    have = set(User.objects.values_list("username", flat=True))
    users = []
    for agency in deciding:
        for role in (Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER):
            username = f"{demo.province.STAFF_PREFIXES[role]}.{agency.code}"
            if username not in have:
                users.append((User(username=username, password=password, agency=agency), role))
    User.objects.bulk_create([u for u, _ in users], batch_size=1000)
    Through = User.groups.through
    Through.objects.bulk_create(
        [Through(user_id=u.pk, group_id=groups[role].pk) for u, role in users], batch_size=2000
    )


# --- the cases -------------------------------------------------------------------------


@dataclass
class Catalogue:
    procedures: list
    weights: list
    centre_id: int
    fee_bearing: set
    staff: dict  # agency id → {role: user id}
    transfer_to: dict  # agency id → another agency of its level
    codes: dict  # agency id → code
    usernames: dict  # staff user id → username
    fees: dict  # fee-bearing procedure id → its FeeItems, by code (as `fees_due` lists them)
    calendar: working_time.WorkCalendar
    names: list = field(default_factory=list)


def _catalogue() -> Catalogue:
    procedures = list(Procedure.objects.filter(is_active=True).order_by("pk"))
    staff: dict = {}
    for user_id, agency_id, role in (
        User.objects.filter(
            agency__isnull=False, groups__name__in=[Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER]
        )
        .values_list("pk", "agency_id", "groups__name")
        .order_by("pk")
    ):
        staff.setdefault(agency_id, {}).setdefault(role, user_id)
    by_level: dict = {}
    for agency_id, level in Agency.objects.values_list("pk", "level").order_by("pk"):
        by_level.setdefault(level, []).append(agency_id)
    deciders = {p.agency_id for p in procedures}
    transfer_to = {}
    for ids in by_level.values():
        ids = [i for i in ids if i in deciders]
        for i, agency_id in enumerate(ids):
            transfer_to[agency_id] = ids[(i + 1) % len(ids)]
    fee_bearing = set(FeeItem.objects.costing().values_list("procedure_id", flat=True))
    fees: dict = {}
    for item in FeeItem.objects.filter(procedure_id__in=fee_bearing).order_by("code", "pk"):
        fees.setdefault(item.procedure_id, []).append(item)
    rng = random.Random("names")
    return Catalogue(
        procedures=procedures,
        weights=[LEVEL_WEIGHT[p.level] for p in procedures],
        centre_id=Agency.objects.get(code=demo.CENTRE[1]).pk,
        fee_bearing=fee_bearing,
        staff=staff,
        transfer_to=transfer_to,
        codes=dict(Agency.objects.values_list("pk", "code")),
        usernames=dict(User.objects.filter(agency__isnull=False).values_list("pk", "username")),
        fees=fees,
        calendar=default_calendar(),
        names=[_person_name(rng)[0] for _ in range(5000)],
    )


CASE_COLUMNS = (
    "id code reference pin_hash procedure_id receiving_agency_id deciding_agency_id "
    "applicant_full_name applicant_id_number applicant_phone applicant_email applicant_address "
    "channel return_channel status version assigned_to_id submitted_at received_at "
    "appointment_at resolved_at returned_at closed_at next_alert_at alert_level "
    "applicant_notify_by"
).split()
EVENT_COLUMNS = "id case_id actor_id at action from_status to_status reason form data".split()
CHANGE_COLUMNS = "id case_id event_id old_at new_at reason".split()
DOCUMENT_COLUMNS = "id case_id name digitised reused file sha256 added_at".split()
FACT_COLUMNS = ["case_id"] + [
    f
    for f in (
        "procedure_id deciding_agency_id officer_id level online_level channel status "
        "return_channel received_at due_at resolved_at returned_at finished_at ended_at on_time "
        "supplements transfers apologised signed_digitally digitised fee_bearing fee_exempt "
        "paid_online processing_days written_result started_at reused processing_time "
        "processing_unit"
    ).split()
]
RATING_COLUMNS = "case_id value comment created_at".split()
PAYMENT_COLUMNS = (
    "id case_id reference method gateway amount currency items state payment_url "
    "transaction_id bank_code transfer_reference needs_review review_note created_by_id "
    "created_at paid_at"
).split()
RECEIPT_COLUMNS = "id payment_id agency_id year number issued_at".split()
EXEMPTION_COLUMNS = "id case_id fee_item_id reason granted_by_id granted_at".split()


def _copy_text(value) -> str:
    """One value in COPY's text format (the generator's own strings hold no tab or newline)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value).replace("\\", "\\\\")


class Writer:
    """Rows of one chunk, per table. On PostgreSQL a thread writes the chunks with COPY on a
    connection of its own, in one transaction, while the next chunk is drawn; elsewhere
    (the embedded SQLite) they are inserted at once."""

    TABLES = {
        Case: CASE_COLUMNS,
        CaseEvent: EVENT_COLUMNS,
        AppointmentChange: CHANGE_COLUMNS,
        CaseDocument: DOCUMENT_COLUMNS,
        CaseFact: FACT_COLUMNS,
        Rating: RATING_COLUMNS,
        PaymentRequest: PAYMENT_COLUMNS,
        Receipt: RECEIPT_COLUMNS,
        FeeExemption: EXEMPTION_COLUMNS,
    }
    # The tables whose ids the generator draws: their sequences go on from the last one.
    NUMBERED = (
        Case,
        CaseEvent,
        AppointmentChange,
        CaseDocument,
        PaymentRequest,
        Receipt,
        FeeExemption,
    )

    def __init__(self):
        self.rows = {model: [] for model in self.TABLES}
        self.ids = {}
        for model in self.NUMBERED:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.ids[model] = last
        self.copying = connection.vendor == "postgresql"
        self.thread = None
        self.failure = None
        self.chunks = queue.Queue(maxsize=2)

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def flush(self):
        if self.copying:
            if self.thread is None:
                self.thread = threading.Thread(target=self._copy_all, daemon=True)
                self.thread.start()
            if self.failure:
                raise self.failure
            self.chunks.put(
                {
                    model._meta.db_table: (
                        self.TABLES[model],
                        "".join(["\t".join(map(_copy_text, row)) + "\n" for row in rows]),
                    )
                    for model, rows in self.rows.items()
                    if rows
                }
            )
        else:
            with connection.cursor() as cursor:
                for model, rows in self.rows.items():
                    columns = self.TABLES[model]
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                        f"VALUES ({marks})",
                        rows,
                    )
        for rows in self.rows.values():
            rows.clear()

    def _copy_all(self):
        """The COPY thread: every chunk in one transaction, committed at the end."""
        conn = connection.get_new_connection(connection.get_connection_params())
        try:
            with conn.transaction():
                _skip_row_checks(conn)
                while (chunk := self.chunks.get()) is not None:
                    for table, (columns, text) in chunk.items():
                        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                        with conn.cursor().copy(sql) as copy:
                            copy.write(text)
        except Exception as exc:  # reported by the next flush() or by finish()
            self.failure = exc
            while self.chunks.get() is not None:  # let the generating thread finish
                pass
        finally:
            conn.close()

    def finish(self):
        if self.thread is None:
            return
        self.chunks.put(None)
        self.thread.join()
        if self.failure:
            raise self.failure
        with connection.cursor() as cursor:
            for model in self.NUMBERED:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                    [self.ids[model]],
                )
            for model in self.TABLES:
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    @classmethod
    def vacuum(cls):
        """After the commit (VACUUM runs outside a transaction): the reports' covering
        indexes are read alone only where the visibility map says the rows are visible."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in cls.TABLES:
                cursor.execute(f"VACUUM {model._meta.db_table}")


def _skip_row_checks(conn):
    """For this transaction, skip the foreign-key triggers (as pg_restore does): the rows are
    consistent by construction, and checking 10 million of them one by one costs minutes.
    Needs a superuser; otherwise the checks simply run."""
    try:
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
    except psycopg.Error:
        pass


_JSON: dict = {}


def _json(data: dict) -> str:
    """json.dumps, remembered: most steps carry one of a few small payloads."""
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in data.items())
    text = _JSON.get(key)
    if text is None:
        text = _JSON[key] = json.dumps(data, ensure_ascii=False)
    return text


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
                json.dumps(data, ensure_ascii=False) if unique else _json(data),
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
        self.cat = _catalogue()
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
            if h.status == Status.PROCESSING and late and due < self.now and rng.random() < 0.5:
                apology = self.add(due, 0.2)
                if apology < finish and apology < self.now:
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
                draft = finish - (finish - at) * 0.2
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
