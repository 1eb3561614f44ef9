"""A hand-built month of cases (October 2026) covering every KPI rule, for the report tests.

Every case is filed and moved through the service layer at fixed moments. The names (A1,
B3, ...) are the ones the tests use when they write each figure out by hand. Two steps the
service layer takes elsewhere: the signing service's digital signature is simulated at its
seam (`data["signature"]`, as `documents` records it); fees are paid and waived through the
payments app.
"""

from contextlib import contextmanager
from datetime import date

import time_machine
from django.test import override_settings

from cases import services
from cases.models import CollectionMode, Level, OnlineLevel, Role
from payments import services as payments
from payments import simulator
from payments.selectors import fees_due

from .conftest import APPLICANT, vn
from .factories import FeeItemFactory, ProcedureFactory, UserFactory

PAPER = [{"name": "Tờ khai", "digitised": False}]
SCANNED = [{"name": "Tờ khai", "digitised": True}]
REUSED = [{"name": "Bản sao CCCD", "digitised": True, "reused": True}]


@contextmanager
def extra_data(action: str, **data):
    """The step `action` records `data` too (the seam of a service not built yet)."""
    original = services.STEPS[action]

    def step(**kwargs):
        result = original(**kwargs)
        result.data = {**result.data, **data}
        return result

    services.STEPS[action] = step
    try:
        yield
    finally:
        services.STEPS[action] = original


class Builder:
    def __init__(self, province, staff, plain):
        self.staff = staff
        self.signer_c = UserFactory(
            username="signer-c", agency=province["construction"], roles=[Role.SIGNER]
        )
        # Published on 25 September for a decision in force from 1 October: on time (1.1).
        plain.decision_ref = "100/QĐ-UBND"
        plain.decision_effective_on = date(2026, 10, 1)
        plain.published_on = date(2026, 9, 25)
        plain.save()
        self.plain = plain
        # Amended by a decision in force from 15 October, followed on the 20th: late (1.2).
        self.full = ProcedureFactory(
            code="1.000001",
            agency=province["justice"],
            online_level=OnlineLevel.FULL,
            collection=CollectionMode.ON_RESULT,
            decision_ref="200/QĐ-UBND",
            decision_effective_on=date(2026, 10, 15),
            published_on=date(2025, 1, 10),
            updated_on=date(2026, 10, 20),
        )
        FeeItemFactory(procedure=self.full, amount=100_000)
        # Published two days after its decision took effect (late, 1.1), without the
        # decision's number (incomplete, 1.3); payable online (3.5); its result is not a
        # paper, so its cases need no electronic result (3.3, 4.1, 4.2).
        self.partial = ProcedureFactory(
            code="1.000002",
            agency=province["construction"],
            level=Level.PROVINCE,
            processing_time_value=5,
            online_level=OnlineLevel.PARTIAL,
            collection=CollectionMode.ON_RESULT,
            decision_effective_on=date(2026, 10, 5),
            published_on=date(2026, 10, 7),
            pays_online=True,
            written_result=False,
        )
        FeeItemFactory(procedure=self.partial, amount=50_000)

    def act(self, case, action, by, at, **params):
        return services.case_act(case=case, action=action, by=by, now=at, **params)

    def counter(self, at, procedure=None, documents=SCANNED):
        return services.case_file(
            procedure=procedure or self.plain,
            applicant=APPLICANT,
            channel="counter",
            documents=documents,
            by=self.staff["counter"],
            now=at,
        )

    def submitted(self, at, procedure=None, documents=SCANNED):
        return services.case_file(
            procedure=procedure or self.plain,
            applicant=APPLICANT,
            channel="online",
            documents=documents,
            by=self.staff["citizen"],
            now=at,
        )

    def online(self, at, procedure=None, documents=SCANNED):
        case = self.submitted(at.replace(hour=7, minute=0), procedure, documents)
        return self.act(case, "accept", self.staff["counter"], at)

    def resolve(self, case, at, *, digital=False, officer=None, signer=None):
        officer = officer or self.staff["officer"]
        signer = signer or self.staff["signer"]
        case = self.act(case, "assign", self.staff["counter"], at, officer=officer)
        case = self.act(case, "submit-result", officer, at)
        if digital:
            with extra_data("sign", signature="pades"):
                return self.act(case, "sign", signer, at)
        return self.act(case, "sign", signer, at)

    def give_back(self, case, at, channel, *, paid_online=False):
        """Return the result; a fee collected on result is paid first (online through the
        simulated platform, else in cash at the counter), as the payments app records it."""
        if fees_due(case).amount:
            with (
                time_machine.travel(at, tick=False),
                override_settings(PAYGOV_URL="", PAYGOV_SIMULATOR=True),
            ):
                if paid_online:
                    payment = payments.payment_request_create(case=case, method="online")
                    [callback] = simulator.callbacks(
                        {
                            "reference": payment.reference,
                            "amount": payment.amount,
                            "currency": payment.currency,
                            "info": "test",
                        },
                        "success",
                    )
                    stored, _ = payments.callback_receive(gateway_name="paygov", payload=callback)
                    payments.callback_apply(callback_id=stored.pk)
                else:
                    payments.payment_request_create(
                        case=case, method="cash", by=self.staff["counter"]
                    )
            case.refresh_from_db()
        params = {"recipient": "Lò Thị Mai"} if channel == "counter" else {}
        if channel == "post":
            params = {"tracking_number": "EL123456789VN"}
        return self.act(case, "return", self.staff["counter"], at, channel=channel, **params)


def build(province, staff, plain) -> dict:
    """The cases of October 2026 and a few around it, by name."""
    from reports.services import rating_submit

    b = Builder(province, staff, plain)
    s = staff
    c = {}
    # Plain procedure (Sở Tư pháp, 3 working days, not online, no fee). Mon 5 Oct 09:00 +
    # 3 working days = Thu 8 Oct 09:00.
    c["A1"] = b.give_back(
        b.resolve(b.counter(vn(2026, 10, 5, 9)), vn(2026, 10, 6, 10)), vn(2026, 10, 7, 9), "counter"
    )
    c["A2"] = b.give_back(
        b.resolve(
            b.online(vn(2026, 10, 5, 9), documents=REUSED), vn(2026, 10, 6, 10), digital=True
        ),
        vn(2026, 10, 7, 9),
        "online",
    )
    c["A3"] = b.give_back(
        b.resolve(b.counter(vn(2026, 10, 5, 9), documents=PAPER), vn(2026, 10, 12, 10)),
        vn(2026, 10, 13, 9),
        "counter",
    )
    # One supplement: waited Tue 6 09:00 → Thu 8 09:00, so due Mon 12 Oct 09:00.
    a4 = b.counter(vn(2026, 10, 5, 9))
    a4 = b.act(
        a4,
        "request-supplement",
        s["counter"],
        vn(2026, 10, 6, 9),
        items=["Bản sao"],
        reason="Thiếu giấy tờ",
    )
    a4 = b.act(a4, "supplement-received", s["counter"], vn(2026, 10, 8, 9))
    c["A4"] = b.resolve(a4, vn(2026, 10, 9, 10))
    # Two supplements: late whatever the dates.
    a5 = b.counter(vn(2026, 10, 5, 9), documents=PAPER)
    for ask, got in (
        (vn(2026, 10, 6, 9), vn(2026, 10, 6, 14)),
        (vn(2026, 10, 7, 9), vn(2026, 10, 7, 10)),
    ):
        a5 = b.act(a5, "request-supplement", s["counter"], ask, items=["Bản sao"], reason="Thiếu")
        a5 = b.act(a5, "supplement-received", s["counter"], got)
    c["A5"] = b.resolve(a5, vn(2026, 10, 7, 15))
    # Apology letter after the appointment: still late.
    a6 = b.act(
        b.counter(vn(2026, 10, 5, 9)),
        "assign",
        s["counter"],
        vn(2026, 10, 5, 10),
        officer=s["officer"],
    )
    a6 = b.act(
        a6,
        "apologise",
        s["officer"],
        vn(2026, 10, 9, 9),
        reason="Cần xác minh",
        new_appointment_at=vn(2026, 10, 20, 9),
    )
    c["A6"] = b.resolve(a6, vn(2026, 10, 15, 9))
    # Stopped before the appointment: finished on time.
    a7 = b.act(
        b.counter(vn(2026, 10, 5, 9)),
        "assign",
        s["counter"],
        vn(2026, 10, 5, 10),
        officer=s["officer"],
    )
    c["A7"] = b.act(a7, "stop", s["officer"], vn(2026, 10, 7, 9), reason="Không đủ điều kiện")
    # Transferred to Sở Xây dựng, decided there: one case, counted there.
    a8 = b.act(
        b.counter(vn(2026, 10, 5, 9)),
        "assign",
        s["counter"],
        vn(2026, 10, 5, 10),
        officer=s["officer"],
    )
    a8 = b.act(
        a8,
        "transfer",
        s["officer"],
        vn(2026, 10, 6, 9),
        agency=province["construction"],
        reason="Chuyển cơ quan có thẩm quyền",
    )
    c["A8"] = b.resolve(a8, vn(2026, 10, 7, 9), officer=s["builder"], signer=b.signer_c)
    # Open at the end of October: past the appointment (A9), not yet (A10), resolved later (A11).
    c["A9"] = b.counter(vn(2026, 10, 26, 9))
    c["A10"] = b.counter(vn(2026, 10, 29, 9))
    c["A11"] = b.resolve(b.counter(vn(2026, 10, 29, 9)), vn(2026, 11, 2, 9))
    # Received in September.
    c["A12"] = b.resolve(b.counter(vn(2026, 9, 28, 9)), vn(2026, 10, 1, 8))
    c["A13"] = b.give_back(
        b.resolve(b.counter(vn(2026, 9, 14, 9)), vn(2026, 9, 16, 9)), vn(2026, 10, 2, 9), "online"
    )
    c["A14"] = b.counter(vn(2026, 9, 21, 9))
    # Withdrawn, refused at intake, never accepted.
    c["A15"] = b.act(
        b.counter(vn(2026, 10, 5, 9)),
        "withdraw",
        s["counter"],
        vn(2026, 10, 6, 9),
        reason="Rút hồ sơ",
    )
    c["A16"] = b.act(
        b.submitted(vn(2026, 10, 5, 8)),
        "reject",
        s["counter"],
        vn(2026, 10, 5, 9),
        reason="Không thuộc thẩm quyền",
    )
    c["A17"] = b.submitted(vn(2026, 10, 5, 8))

    # Full-online procedure with a fee (Sở Tư pháp). Tue 6 Oct 09:00 + 3 = Fri 9 Oct 09:00.
    c["B1"] = b.give_back(
        b.resolve(b.online(vn(2026, 10, 6, 9), b.full), vn(2026, 10, 7, 9), digital=True),
        vn(2026, 10, 8, 9),
        "online",
        paid_online=True,
    )
    c["B2"] = b.give_back(
        b.resolve(b.online(vn(2026, 10, 6, 9), b.full), vn(2026, 10, 7, 9)),
        vn(2026, 10, 8, 9),
        "counter",
    )
    b3 = b.counter(vn(2026, 10, 6, 9), b.full)
    payments.fee_exemption_grant(
        case=b3, fee_codes=None, reason="Người có công", by=s["counter"], now=vn(2026, 10, 6, 9, 5)
    )
    b3.refresh_from_db()
    c["B3"] = b.give_back(
        b.resolve(b3, vn(2026, 10, 7, 9), digital=True), vn(2026, 10, 9, 9), "post"
    )
    c["B4"] = b.act(
        b.online(vn(2026, 10, 6, 9), b.full),
        "assign",
        s["counter"],
        vn(2026, 10, 6, 10),
        officer=s["officer"],
    )

    # Partially online procedure with a fee (Sở Xây dựng, 5 working days).
    builder = {"officer": s["builder"], "signer": b.signer_c}
    c["C1"] = b.give_back(
        b.resolve(
            b.online(vn(2026, 10, 12, 9), b.partial), vn(2026, 10, 14, 9), digital=True, **builder
        ),
        vn(2026, 10, 15, 9),
        "online",
        paid_online=True,
    )
    c["C2"] = b.give_back(
        b.resolve(b.counter(vn(2026, 10, 12, 9), b.partial, PAPER), vn(2026, 10, 13, 9), **builder),
        vn(2026, 10, 14, 9),
        "counter",
    )
    # Waiting for a supplement at the end of October, due Mon 2 Nov 09:00.
    c["C3"] = b.act(
        b.counter(vn(2026, 10, 26, 9), b.partial),
        "request-supplement",
        s["counter"],
        vn(2026, 10, 27, 9),
        items=["Bản vẽ"],
        reason="Thiếu bản vẽ",
    )
    c4 = b.act(
        b.online(vn(2026, 10, 12, 9), b.partial),
        "assign",
        s["counter"],
        vn(2026, 10, 12, 10),
        officer=s["builder"],
    )
    c["C4"] = b.act(c4, "submit-result", s["builder"], vn(2026, 10, 13, 9))

    for name, value, at in (
        ("A1", "satisfied", vn(2026, 10, 8, 9)),
        ("A2", "very_satisfied", vn(2026, 10, 8, 10)),
        ("A3", "not_satisfied", vn(2026, 10, 14, 9)),
        ("B1", "not_satisfied", vn(2026, 10, 9, 9)),
        ("C1", "satisfied", vn(2026, 10, 16, 9)),
        ("A13", "satisfied", vn(2026, 10, 3, 9)),
        ("C2", "satisfied", vn(2026, 11, 3, 9)),  # November: outside the period
    ):
        rating_submit(case=c[name], value=value, comment="", now=at)
    c.update(feedback_of(c, s, b))
    c["_builder"] = b
    return c


def feedback_of(c, s, b) -> dict:
    """Feedback (phản ánh, kiến nghị) on the cases: F1–F6, each answer due in 10 working
    days for a complaint or a suggestion, none for praise."""
    from feedback import services as feedback
    from feedback.models import AnswerDeadline

    for kind, days in (("complaint", 10), ("suggestion", 10), ("praise", None)):
        AnswerDeadline.objects.update_or_create(kind=kind, defaults={"working_days": days})

    def file(kind, subject, at, **about):
        return feedback.feedback_file(
            kind=kind, subject=subject, text="Ý kiến", citizen_name="Lò Thị Mai", now=at, **about
        )

    def answer(item, at):
        return feedback.feedback_answer(feedback=item, answer="Trả lời", by=s["officer"], now=at)

    f = {}
    # On A9, due Tue 10 Nov 09:00; answered 28 Oct (on time), rated "not satisfied".
    f["F1"] = answer(
        file("complaint", "case", vn(2026, 10, 27, 9), case=c["A9"]), vn(2026, 10, 28, 10)
    )
    feedback.feedback_rate(feedback=f["F1"], rating="not_satisfied", now=vn(2026, 10, 29, 9))
    # On A1, due Mon 26 Oct 09:00; answered 30 Oct: late.
    f["F2"] = answer(
        file("complaint", "case", vn(2026, 10, 12, 9), case=c["A1"]), vn(2026, 10, 30, 9)
    )
    # On the partial procedure (Sở Xây dựng), due Tue 3 Nov 09:00: open, not yet late.
    f["F3"] = file("suggestion", "procedure", vn(2026, 10, 20, 9), procedure=b.partial)
    # Praise of an officer, filed at the counter: no answer due.
    f["F4"] = feedback.feedback_file(
        kind="praise", subject="officer", text="Cảm ơn", citizen_name="Lò Thị Mai",
        officer=s["officer"], filed_by=s["counter"], now=vn(2026, 10, 8, 9),
    )  # fmt: skip
    # On A14, filed in September, due Mon 12 Oct 09:00: open at October's end, late.
    f["F5"] = file("complaint", "case", vn(2026, 9, 28, 9), case=c["A14"])
    # On A2, due Mon 19 Oct 09:00; answered the next day, rated "very satisfied".
    f["F6"] = answer(
        file("suggestion", "case", vn(2026, 10, 5, 9), case=c["A2"]), vn(2026, 10, 6, 9)
    )
    feedback.feedback_rate(feedback=f["F6"], rating="very_satisfied", now=vn(2026, 10, 7, 9))
    return f


def committed_october(django_db_blocker):
    """October built once and committed, for a module of read-only report tests (each test
    still runs in a transaction that rolls back what it changes); emptied afterwards.

    The province, staff and procedure are those of conftest's fixtures, so a test asking for
    `province` or `staff` gets the same rows back (their factories get or create by code).
    """
    from django.core.management import call_command

    from cases.models import Level, SupplementClock

    from .factories import AgencyFactory

    with django_db_blocker.unblock():
        ubnd = AgencyFactory(code="000.00.00.H38", name="UBND tỉnh Lào Cai", level=Level.PROVINCE)
        province = {
            "ubnd": ubnd,
            "centre": AgencyFactory(
                code="000.00.01.H38", name="Trung tâm Phục vụ HCC tỉnh", parent=ubnd
            ),
            "justice": AgencyFactory(code="000.00.20.H38", name="Sở Tư pháp", parent=ubnd),
            "construction": AgencyFactory(code="000.00.21.H38", name="Sở Xây dựng", parent=ubnd),
        }
        staff = {
            "counter": UserFactory(
                username="counter", agency=province["centre"], roles=[Role.COUNTER_STAFF]
            ),
            "officer": UserFactory(
                username="officer", agency=province["justice"], roles=[Role.OFFICER]
            ),
            "signer": UserFactory(
                username="signer", agency=province["justice"], roles=[Role.SIGNER]
            ),
            "builder": UserFactory(
                username="builder", agency=province["construction"], roles=[Role.OFFICER]
            ),
            "supervisor": UserFactory(
                username="supervisor", agency=province["ubnd"], roles=[Role.SUPERVISOR]
            ),
            "citizen": UserFactory(username="citizen"),
        }
        plain = ProcedureFactory(
            code="2.000488",
            name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            agency=province["justice"],
            processing_time_value=3,
            supplement_clock=SupplementClock.EXTEND,
            online_level=OnlineLevel.PARTIAL,
        )
        cases = build(province, staff, plain)
        # Offered online in October (its online cases were filed then), no longer since:
        # the hand count's one procedure not offered online (3.1, 3.2).
        plain.online_level = OnlineLevel.NONE
        plain.save(update_fields=["online_level"])
    yield cases
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        restore_migrated_rows()


def restore_migrated_rows():
    """The rows a migration wrote that a flush empties: the reports' stamps."""
    from reports.models import ReportStamp

    ReportStamp.objects.bulk_create(
        [ReportStamp(id=i) for i in range(ReportStamp.SHARDS)], ignore_conflicts=True
    )


def a_long_october(file_case) -> dict:
    """More cases behind one figure than a page holds (50): October 2026's on-time figure
    over 61 cases still open at the month's end, 55 on time (filed Thursday 29 October,
    due Tuesday 3 November) and 6 late (filed Monday 5 October, due Thursday 8 October)."""
    return {
        "on_time": [file_case(vn(2026, 10, 29, 9, 0)) for _ in range(55)],
        "late": [file_case(vn(2026, 10, 5, 9, 0)) for _ in range(6)],
    }
