"""Step benchmark: what a step through `case_act` costs, beside the rows it writes.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/step_bench.py [--cases 30] [--long 200]

It builds a scratch database `onestop_step_bench` (BENCH_DB_NAME: another name) with cases
of a procedure whose fee is paid upfront, each waiting for its fee: half with a short
history (5 events: filed, accepted, fee asked, two payment attempts), half with a long one
(`--long` events: as many payment attempts that failed). Then every case takes the common
steps in turn, in process: payment-confirmed (the gateway), assign, request-supplement,
supplement-received, submit-result, sign, return.

Each step of Onestop is timed next to the same step hand-written on a twin case, in turn
(Onestop, hand-written, Onestop...): plain ORM calls writing the same rows with the same
statements' shape in one transaction: the compare-and-set UPDATE of the case, the event
INSERT, the appointment INSERT where the step moves it, the reports' stamp UPDATE and
fact UPSERT, and as many outbox rows (messages, the national portal's copy) as Onestop
wrote for that step. It prints per step and history length the median milliseconds of
each, their ratio, and long/short for each; `uptime` before and after.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database, uptime  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "onestop_step_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ["LOG_LEVEL"] = "WARNING"
os.environ["PAYGOV_SIMULATOR"] = "true"
# DEBUG is off, as in production: no published secret is a default.
os.environ.setdefault("PAYGOV_SECRET", "onestop-bench-paygov-secret")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

STEPS = (
    "payment-confirmed",
    "assign",
    "request-supplement",
    "supplement-received",
    "submit-result",
    "sign",
    "return",
)


def build(cases: int, long: int):
    """The province, its people, and `cases` pairs of twin cases per history length."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cases import services
    from cases.models import (
        Agency,
        CaseEvent,
        CollectionMode,
        FeeItem,
        Level,
        Procedure,
        Role,
        User,
    )
    from payments import services as payments
    from payments.models import PaymentRequest, PaymentState
    from reports.services import case_facts_rebuild

    call_command("migrate", verbosity=0)
    ubnd = Agency.objects.create(code="000.00.00.H38", name="UBND tỉnh", level=Level.PROVINCE)
    centre = Agency.objects.create(
        code="000.00.01.H38", name="Trung tâm Phục vụ HCC", level=Level.PROVINCE, parent=ubnd
    )
    dept = Agency.objects.create(
        code="000.00.22.H38", name="Sở Kế hoạch và Đầu tư", level=Level.PROVINCE, parent=ubnd
    )
    procedure = Procedure.objects.create(
        code="2.001610",
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        level=Level.PROVINCE,
        agency=dept,
        processing_time_value=3,
        collection=CollectionMode.UPFRONT,
    )
    FeeItem.objects.create(
        procedure=procedure, code="LP-DKDN", name="Lệ phí đăng ký doanh nghiệp",
        kind=FeeItem.Kind.CHARGE, amount=50_000,
    )  # fmt: skip
    people = {}
    for name, agency, role in (
        ("counter", centre, Role.COUNTER_STAFF),
        ("officer", dept, Role.OFFICER),
        ("signer", dept, Role.SIGNER),
    ):
        people[name] = User.objects.create_user(name, password="bench", agency=agency)
        people[name].groups.add(Group.objects.get_or_create(name=role)[0])
    applicant = {
        "full_name": "Lò Thị Mai",
        "id_number": "010190001234",
        "phone": "0912345678",
        "email": "mai@example.vn",
    }
    groups = {}
    for size in (5, long):
        ids = []
        for _ in range(2 * cases):
            case = services.case_file(
                procedure=procedure, applicant=applicant, channel="counter", by=people["counter"]
            )
            # The fee is settled (the gateway's confirmation is the step timed below).
            request = payments.payment_request_create(case=case, method="online")
            PaymentRequest.objects.filter(pk=request.pk).update(state=PaymentState.PAID)
            last = case.events.order_by("-at", "-id").first()
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=case,
                    at=last.at + timedelta(seconds=n + 1),
                    action="payment",
                    from_status=case.status,
                    to_status=case.status,
                    data={"method": "online", "state": "cancelled", "result_code": "24"},
                )
                for n in range(size - case.events.count())
            )
            ids.append(case.pk)
        case_facts_rebuild(case_ids=ids)
        # Twins: Onestop takes the even ones, the hand-written steps the odd ones.
        groups[size] = list(zip(ids[0::2], ids[1::2], strict=True))
    return people, groups


def params_of(action: str, people: dict, now):
    from cases.services import SystemActor

    paid = {"state": "paid", "method": "online", "transaction": "T1", "amount": 50_000}
    return {
        "payment-confirmed": (SystemActor("paygov"), {"payment": paid}),
        "assign": (people["counter"], {"officer": people["officer"]}),
        "request-supplement": (people["officer"], {"items": ["Bản sao CCCD"], "reason": "Thiếu"}),
        "supplement-received": (people["counter"], {}),
        "submit-result": (people["officer"], {}),
        "sign": (people["signer"], {}),
        "return": (people["counter"], {"channel": "counter", "recipient": "Lò Thị Mai"}),
    }[action]


def onestop_step(case_id: int, action: str, people: dict) -> tuple[float, dict]:
    """Seconds for one `case_act`, the case read before the clock starts; rows written."""
    from cases.models import Case
    from cases.services import case_act
    from dvcqg.models import Message
    from notifications.models import Notification

    case = Case.objects.select_related("procedure", "receiving_agency", "deciding_agency").get(
        pk=case_id
    )
    by, params = params_of(action, people, None)
    before = (Notification.objects.count(), Message.objects.count())
    with Counted() as counted:
        case_act(case=case, action=action, by=by, **params)
    took = counted.seconds
    rows = {
        "notifications": Notification.objects.count() - before[0],
        "messages": Message.objects.count() - before[1],
    }
    return (took, counted.cpu, counted.statements), rows


class Counted:
    """Wall and CPU seconds of this process, and SQL statements sent, within the block."""

    def __enter__(self):
        from django.db import connection

        self.statements = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        self._cpu, self._wall = time.process_time(), time.perf_counter()
        return self

    def _count(self, execute, sql, params, many, context):
        self.statements += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self._wrapper.__exit__(*exc)


def hand_step(case_id: int, action: str, people: dict, rows: dict) -> tuple:
    """The same step, hand-written: plain ORM calls, the same rows and statements' shape."""
    from cases.models import Case
    from reports.models import CaseFact

    case = Case.objects.values(
        "status", "version", "appointment_at", "received_at", "applicant_phone", "code"
    ).get(pk=case_id)
    fact = CaseFact.objects.filter(case_id=case_id).values().get()
    with Counted() as counted:
        _hand_write(case_id, case, fact, action, people, rows)
    return counted.seconds, counted.cpu, counted.statements


def _hand_write(case_id, case, fact, action, people, rows):
    from django.db import transaction
    from django.db.models import F

    from cases.models import AppointmentChange, Case, CaseEvent
    from cases.workflow import MOVES
    from dvcqg.models import Message
    from notifications.models import Notification
    from reports.models import CaseFact, ReportStamp

    now = time_now()
    move = MOVES[action]
    target = move.target or case["status"]
    fields = {
        "assign": {"assigned_to": people["officer"]},
        "sign": {"resolved_at": now},
        "return": {"returned_at": now, "return_channel": "counter"},
    }.get(action, {})
    new_appointment = (
        now + timedelta(days=3) if action in ("payment-confirmed", "supplement-received") else None
    )
    if new_appointment:
        fields["appointment_at"] = new_appointment
    with transaction.atomic():
        updated = Case.objects.filter(
            pk=case_id, status=case["status"], version=case["version"]
        ).update(status=target, version=case["version"] + 1, **fields)
        assert updated == 1
        event = CaseEvent.objects.create(
            case_id=case_id,
            at=now,
            action=action,
            from_status=case["status"],
            to_status=target,
            data={"step": action},
        )
        if new_appointment:
            AppointmentChange.objects.create(
                case_id=case_id, event=event, old_at=case["appointment_at"], new_at=new_appointment
            )
        ReportStamp.objects.filter(pk=case_id % ReportStamp.SHARDS).update(changes=F("changes") + 1)
        fact.update(status=target, finished_at=now if action == "request-supplement" else None)
        fact.pop("case_id")
        CaseFact.objects.bulk_create(
            [CaseFact(case_id=case_id, **fact)],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["status", "finished_at"],
        )
        if rows["notifications"]:
            Notification.objects.bulk_create(
                Notification(
                    case_id=case_id,
                    event=event,
                    kind=action,
                    channel="sms",
                    recipient=case["applicant_phone"],
                    body=f"Ho so {case['code']}: {action}",
                    created_at=now,
                    next_attempt_at=now,
                )
                for _ in range(rows["notifications"])
            )
        if rows["messages"]:
            Message.objects.bulk_create(
                Message(
                    case_id=case_id,
                    event=event,
                    service="case",
                    payload={"MaHoSo": case["code"], "TrangThaiHoSo": target},
                    created_at=now,
                    next_attempt_at=now,
                )
                for _ in range(rows["messages"])
            )


def time_now():
    from django.utils import timezone

    return timezone.now()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=30, help="twin pairs per history length")
    parser.add_argument("--long", type=int, default=200, help="events of a long history")
    args = parser.parse_args()
    print("uptime before:", uptime())
    fresh_database(DB_NAME)
    import django

    django.setup()
    from django.db import connection

    started = time.perf_counter()
    people, groups = build(args.cases, args.long)
    print(
        f"built {args.cases} twin pairs with 5 events and {args.cases} with {args.long} "
        f"in {time.perf_counter() - started:.0f} s"
    )
    ours: dict = {}
    hand: dict = {}
    for action in STEPS:
        for size, pairs in groups.items():
            for mine, twin in pairs:  # interleaved: Onestop, hand-written, Onestop...
                took, rows = onestop_step(mine, action, people)
                ours.setdefault((action, size), []).append(took)
                hand.setdefault((action, size), []).append(hand_step(twin, action, people, rows))
    connection.close()

    short, long = sorted(groups)
    print(
        f"\nper step, median of {args.cases} cases each, Onestop vs hand-written in turn: "
        "wall ms, this process's CPU ms, SQL statements"
    )
    print(
        f"{'step':20}{'events':>7}{'wall':>8}{'hand':>7}{'ratio':>7}{'cpu':>7}{'hand':>7}"
        f"{'sql':>5}{'hand':>5}{'long/short wall':>17}"
    )

    def med(samples, i):
        return statistics.median(sample[i] for sample in samples)

    totals = {}
    for action in STEPS:
        for size in (short, long):
            o, h = ours[(action, size)], hand[(action, size)]
            wall, hand_wall = med(o, 0) * 1000, med(h, 0) * 1000
            total = totals.setdefault(size, [0.0] * 6)
            for i, value in enumerate(
                (wall, hand_wall, med(o, 1) * 1000, med(h, 1) * 1000, med(o, 2), med(h, 2))
            ):
                total[i] += value
            growth = f"{wall / (med(ours[(action, short)], 0) * 1000):.2f}" if size == long else ""
            print(
                f"{action:20}{size:>7}{wall:>8.2f}{hand_wall:>7.2f}{wall / hand_wall:>7.2f}"
                f"{med(o, 1) * 1000:>7.2f}{med(h, 1) * 1000:>7.2f}{med(o, 2):>5.0f}"
                f"{med(h, 2):>5.0f}{growth:>17}"
            )
    for size, (w, hw, c, hc, q, hq) in totals.items():
        print(
            f"{'seven steps':20}{size:>7}{w:>8.2f}{hw:>7.2f}{w / hw:>7.2f}{c:>7.2f}{hc:>7.2f}"
            f"{q:>5.0f}{hq:>5.0f}"
        )
    print(
        f"long/short, seven steps: wall {totals[long][0] / totals[short][0]:.2f}, "
        f"cpu {totals[long][2] / totals[short][2]:.2f}"
    )
    print("uptime after:", uptime())


if __name__ == "__main__":
    main()
