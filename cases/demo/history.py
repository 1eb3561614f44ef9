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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from documents.signing import certificate_window
from notifications.models import Notification

from .. import selectors, services, working_time
from ..actions import perform_action
from ..models import (
    Case,
    Channel,
    CollectionMode,
    Level,
    OnlineLevel,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    SupplementClock,
    TimeUnit,
    User,
)
from .payment import prepare_walkthrough
from .people import MOBILE_PREFIXES, ORGANISATIONS, STREETS, VILLAGES, _person_name
from .procedures import ORGANISATION, PROCEDURES
from .province import SEED, TRANSFERS, _lower, ascii_key, communes

# The cases: how many end up in each state, and the channel mix of the seed (83.92% received
# online). Cases of procedures with an upfront fee pay it right after receipt (online
# filings through the simulated national platform, the others in cash), except those left
# awaiting payment.
CASE_STATES = {
    Status.SUBMITTED: 12,
    Status.RECEIVED: 10,
    Status.REJECTED: 7,
    Status.PROCESSING: 34,
    Status.AWAITING_PAYMENT: 6,
    Status.AWAITING_SIGNATURE: 12,
    Status.SUPPLEMENT_REQUESTED: 12,
    Status.WITHDRAWN: 6,
    Status.STOPPED: 6,
    Status.RESOLVED: 15,
    Status.RETURNED: 80,
}
ONLINE_SHARE, POST_SHARE = 0.8392, 0.035  # the rest is filed at the counter
# Cases that are open now and received (a code, an appointment): a share of them is decided
# by the demo officer's department, so that `officer` and `signer` have work waiting.
OPEN_STATES = {
    Status.RECEIVED,
    Status.PROCESSING,
    Status.AWAITING_SIGNATURE,
    Status.SUPPLEMENT_REQUESTED,
}
DEMO_FOCUS_USER = "officer"
DEMO_FOCUS_SHARE = 0.3
SIGNED_RESULTS = 12  # electronic results, signed: a PDF and a signature each (~0.1 s)
HISTORY_WORKING_DAYS = 40  # finished cases were received within this many working days (~60 days)

REASONS = {
    "reject": [
        "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan tiếp nhận",
        "Tờ khai chưa có chữ ký của người yêu cầu",
        "Thông tin trên tờ khai không khớp với Cơ sở dữ liệu quốc gia về dân cư",
        "Hồ sơ nộp trùng với hồ sơ đang được giải quyết",
    ],
    "request-supplement": [
        "Thành phần hồ sơ chưa đầy đủ theo quy định",
        "Bản chụp giấy tờ không rõ nét, đề nghị nộp lại",
        "Thông tin kê khai chưa thống nhất giữa các giấy tờ",
    ],
    "send-back": [
        "Dự thảo kết quả ghi sai ngày, tháng, năm sinh; đề nghị chỉnh sửa",
        "Đề nghị bổ sung căn cứ pháp lý trong dự thảo quyết định",
        "Dự thảo chưa đúng mẫu quy định",
    ],
    "stop": [
        "Hồ sơ không đáp ứng điều kiện theo quy định",
        "Kết quả xác minh không đủ điều kiện giải quyết",
    ],
    "stop-after-supplement": ["Quá thời hạn bổ sung hồ sơ mà người nộp không bổ sung"],
    "withdraw": [
        "Người nộp có đơn đề nghị rút hồ sơ",
        "Công dân đề nghị rút hồ sơ để nộp lại sau",
    ],
    "transfer": ["Chuyển cơ quan có thẩm quyền giải quyết theo quy định"],
    "apologise": [
        "Hồ sơ cần xác minh thêm thông tin tại nơi cư trú trước đây của người nộp",
        "Cơ quan phối hợp chưa có văn bản trả lời đúng hạn",
    ],
}


@dataclass
class Step:
    """One action of a planned case, `off` office time after the case is received."""

    off: timedelta
    action: str
    actor: User
    params: dict | Callable[[Case], dict] = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class Plan:
    """One demo case: what is filed, and the actions that follow, before they get a date."""

    target: str
    procedure: Procedure
    channel: str
    applicant: dict
    documents: list[dict]
    receiving_counter: User
    steps: list[Step] = field(default_factory=list)
    submitted_at: datetime | None = None  # online filings only
    # Where the case stands now, as office time after receipt (set by the planner).
    now_off: timedelta = timedelta(0)


class CasePlanner:
    """Draws the demo cases and dates their steps so that each ends where it should now.

    Times are planned as office time after receipt (the procedure's clock), then placed so
    that the whole history lies before `now`: open cases are placed relative to their
    appointment (some overdue, some due soon), finished ones anywhere in the last
    `HISTORY_WORKING_DAYS` working days.
    """

    MIN_GAP = timedelta(minutes=5)

    def __init__(self, *, agencies, staff, now: datetime, rng: random.Random):
        self.agencies, self.staff, self.rng = agencies, staff, rng
        self.now = timezone.localtime(now, working_time.VN_TZ).replace(second=0, microsecond=0)
        self.calendar = selectors.default_calendar()
        self.day = working_time.working_days(1, self.calendar)
        self.procedures = list(Procedure.objects.select_related("agency").order_by("code"))
        self.data = {p["code"]: p for p in PROCEDURES}
        self.key_of = {agency.pk: key for key, agency in agencies.items()}
        self.windows = {p.pk: self._window(p) for p in self.procedures}
        self.tax_codes = {name: f"5300{rng.randrange(10**6):06d}" for name in ORGANISATIONS}

    # -- the procedure's clock --

    def _window(self, proc: Procedure) -> timedelta:
        """Office time from receipt to appointment; for calendar days, the shortest of a week."""
        value, unit = proc.processing_time_value, proc.processing_time_unit
        if unit == TimeUnit.WORKING_DAYS:
            return working_time.working_days(value, self.calendar)
        if unit == TimeUnit.WORKING_HOURS:
            return timedelta(hours=value)
        starts = [
            datetime.combine(self.now.date() - timedelta(days=k), time(8), working_time.VN_TZ)
            for k in range(7)
        ]
        return min(
            working_time.between(
                t,
                working_time.deadline(t, value, unit, self.calendar),
                self.calendar,
            )
            for t in starts
        )

    # -- drawing --

    def u(self, a: float, b: float) -> float:
        return self.rng.uniform(a, b)

    def days(self, a: float, b: float | None = None) -> timedelta:
        """A random (or given) number of working days as office time, to the minute."""
        value = a if b is None else self.u(a, b)
        return _to_minute(self.day * value)

    def plans(self) -> list[Plan]:
        targets = [target for target, count in CASE_STATES.items() for _ in range(count)]
        return [self.plan(target, channel) for target, channel in self._channels(targets)]

    def _channels(self, targets: list[str]) -> list[tuple[str, str]]:
        """Each case's channel, in exactly the seed's mix (cases still waiting or rejected at
        intake were filed online: counter filings are received at once)."""
        online_only = {Status.SUBMITTED, Status.REJECTED}  # only online filings wait or bounce
        free = sum(target not in online_only for target in targets)
        online = round(ONLINE_SHARE * len(targets)) - (len(targets) - free)
        post = round(POST_SHARE * len(targets))
        pool = [Channel.ONLINE] * online + [Channel.POST] * post
        pool += [Channel.COUNTER] * (free - len(pool))
        self.rng.shuffle(pool)
        return [
            (target, Channel.ONLINE if target in online_only else pool.pop()) for target in targets
        ]

    def plan(self, target: str, channel: str) -> Plan:
        rng = self.rng
        candidates = [p for p in self.procedures if self._fits(p, channel, target)]
        if target in OPEN_STATES and rng.random() < DEMO_FOCUS_SHARE:
            # Give the demo logins work of their own: cases decided by `officer`'s department.
            focus = self.staff_agency(DEMO_FOCUS_USER)
            candidates = [p for p in candidates if p.agency_id == focus] or candidates
        proc = rng.choices(candidates, [self.data[p.code]["weight"] for p in candidates])[0]
        deciding_key = self.key_of[proc.agency_id]
        if proc.level == Level.PROVINCE:
            counter = self.staff["centre"][Role.COUNTER_STAFF]
        else:
            counter = self.staff[deciding_key][Role.COUNTER_STAFF]
        applicant = self._applicant(proc, deciding_key)
        plan = Plan(
            target=target,
            procedure=proc,
            channel=channel,
            applicant=applicant,
            documents=self._documents(proc, channel),
            receiving_counter=counter,
        )
        _Script(self, plan, deciding_key).write()
        return plan

    def staff_agency(self, username: str) -> int:
        return next(
            user.agency_id
            for roles in self.staff.values()
            for user in roles.values()
            if user.username == username
        )

    def _fits(self, proc: Procedure, channel: str, target: str) -> bool:
        if channel == Channel.ONLINE and proc.online_level == OnlineLevel.NONE:
            return False
        if channel == Channel.POST and proc.processing_time_unit == TimeUnit.WORKING_HOURS:
            return False  # same-day certification needs the original at the counter
        if target == Status.AWAITING_PAYMENT and proc.collection != CollectionMode.UPFRONT:
            return False
        # A case that is still open now belongs to a procedure that takes a few days.
        return target not in OPEN_STATES or self.windows[proc.pk] >= 2 * self.day

    def _applicant(self, proc: Procedure, deciding_key: str) -> dict:
        rng = self.rng
        if self.data[proc.code]["applicant"] == ORGANISATION:
            name = rng.choice(ORGANISATIONS)
            applicant = {
                "full_name": name,
                "id_number": self.tax_codes[name],
                "address": f"Số {rng.randint(2, 480)} đường {rng.choice(STREETS)}, "
                f"{_lower(rng.choice(['Phường Cốc Lếu', 'Phường Duyên Hải', 'Phường Kim Tân']))}, "
                "thành phố Lào Cai, tỉnh Lào Cai",
            }
            email_share = 0.8
        else:
            name, female = _person_name(rng)
            born = rng.randint(1955, 2006)
            century_sex = (0 if born < 2000 else 2) + (1 if female else 0)
            applicant = {
                "full_name": name,
                # CCCD: province of birth (010 Lào Cai), sex and century, year, six digits.
                "id_number": f"010{century_sex}{born % 100:02d}{rng.randrange(10**6):06d}",
                "address": self._address(proc, deciding_key),
            }
            email_share = 0.35
        applicant["phone"] = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"
        if rng.random() < email_share:
            # example.com: a demo case never mails a real mailbox.
            applicant["email"] = f"{ascii_key(name)[:20]}{rng.randint(1, 99)}@example.com"
        return applicant

    def _address(self, proc: Procedure, deciding_key: str) -> str:
        rng = self.rng
        all_communes = list(communes())
        if proc.level == Level.COMMUNE:
            commune = next(c for c in all_communes if c[0] == deciding_key)
        elif proc.level == Level.DISTRICT:
            commune = rng.choice([c for c in all_communes if c[3] == deciding_key])
        else:
            commune = rng.choice(all_communes)
        _key, _code, name, district_key = commune
        commune_name = name.removeprefix("UBND ")
        district_name = self.agencies[district_key].name.removeprefix("UBND ")
        if commune_name.startswith("xã"):
            place = f"Thôn {rng.choice(VILLAGES)}"
        else:
            place = f"Tổ dân phố số {rng.randint(1, 18)}"
        return f"{place}, {commune_name}, {district_name}, tỉnh Lào Cai"

    def _documents(self, proc: Procedure, channel: str) -> list[dict]:
        online = channel == Channel.ONLINE
        return [
            {
                "name": name,
                "digitised": online or self.rng.random() < 0.75,
                "reused": online and self.rng.random() < 0.25,
            }
            for name in proc.required_documents
        ]

    # -- placing the plans in time --

    def date(self, plan: Plan) -> None:
        """Give every step of the plan its moment; the last one is before now."""
        received_at = working_time.subtract(self.now, plan.now_off, self.calendar)
        for step in plan.steps:
            step.at = working_time.add(received_at, step.off, self.calendar)
        if plan.channel == Channel.ONLINE:
            before = working_time.subtract(received_at, self.days(0.03, 1.2), self.calendar)
            if self.rng.random() < 0.35:  # filed in the evening or at the weekend
                before -= timedelta(minutes=self.rng.randint(30, 60 * 30))
            plan.submitted_at = _to_minute_at(before)


class _Script:
    """Writes the steps of one planned case, in office time after its receipt."""

    def __init__(self, planner: CasePlanner, plan: Plan, deciding_key: str):
        self.p, self.plan, self.rng = planner, plan, planner.rng
        self.proc = plan.procedure
        self.window = planner.windows[self.proc.pk]
        self.appointment = self.window  # the appointment in force, as office time after receipt
        self.last = timedelta(0)
        self.counter = plan.receiving_counter
        self._decide_at(deciding_key)

    def _decide_at(self, key: str):
        self.deciding_key = key
        self.officer = self.p.staff[key][Role.OFFICER]
        self.signer = self.p.staff[key][Role.SIGNER]

    # -- helpers --

    def add(self, off: timedelta, action: str, actor: User, params=None) -> timedelta:
        off = max(_to_minute(off), self.last + CasePlanner.MIN_GAP) if self.plan.steps else off
        self.plan.steps.append(Step(off, action, actor, params or {}))
        self.last = off
        return off

    def after(self, a: float, b: float, of: timedelta | None = None) -> timedelta:
        """A moment a..b (fractions of `of`, or working days) after the last step."""
        span = (of * self.rng.uniform(a, b)) if of is not None else self.p.days(a, b)
        return self.last + span

    def reason(self, key: str) -> str:
        return self.rng.choice(REASONS[key])

    @property
    def timed_exactly(self) -> bool:
        """The planned appointment is the service's to the minute (not for calendar days)."""
        return self.proc.processing_time_unit != TimeUnit.CALENDAR_DAYS

    # -- the pieces of a life --

    def receive(self):
        action = "accept" if self.plan.channel == Channel.ONLINE else "file"
        self.add(timedelta(0), action, self.counter)
        if (
            self.proc.collection == CollectionMode.UPFRONT
            and self.plan.target != Status.AWAITING_PAYMENT
        ):
            # Thu trước: the clock starts when the fee is paid, a few minutes later.
            self.appointment += self.add(self.after(0.01, 0.05), "pay", self.counter)

    def assign(self):
        actor = self.counter if self.rng.random() < 0.5 else self.signer
        span = min(
            max(self.window * self.rng.uniform(0.02, 0.08), timedelta(minutes=10)), self.p.day * 0.6
        )
        self.add(self.last + span, "assign", actor, {"officer": self.officer})

    def request_supplement(self, by: User | None = None):
        missing = self.proc.required_documents or ["Tờ khai"]
        items = self.rng.sample(missing, k=min(len(missing), self.rng.choice([1, 1, 2])))
        self.add(
            self.after(0.1, 0.3, of=self.window),
            "request-supplement",
            by or self.officer,
            {"items": items, "reason": self.reason("request-supplement")},
        )
        return self.last

    def supplement_round(self):
        requested = self.request_supplement()
        received = self.add(self.after(0.3, 2.5), "supplement-received", self.counter)
        if self.proc.supplement_clock == SupplementClock.RESTART:
            self.appointment = received + self.window
        else:
            self.appointment += received - requested

    def maybe_transfer(self, chance: float):
        target = TRANSFERS.get(self.deciding_key)
        if target is None or self.rng.random() >= chance:
            return
        new_agency = self.p.agencies[target]
        self.add(
            self.after(0.05, 0.15, of=self.window),
            "transfer",
            self.officer,
            {"agency": new_agency, "reason": self.reason("transfer")},
        )
        self._decide_at(target)
        self.add(self.after(0.1, 0.4), "assign", self.signer, {"officer": self.officer})

    def send_back_cycle(self):
        self.add(
            self.after(0.2, 0.4, of=max(self.appointment - self.last, self.p.day)),
            "submit-result",
            self.officer,
        )
        self.add(
            self.after(0.05, 0.4), "send-back", self.signer, {"reason": self.reason("send-back")}
        )

    def apologise(self, *, at: timedelta, extra_days: int):
        """The apology letter (form 04): a new appointment `extra_days` working days later."""
        day = self.p.day
        calendar = self.p.calendar
        self.add(
            at,
            "apologise",
            self.signer,
            lambda case: {
                "reason": self.reason("apologise"),
                "new_appointment_at": working_time.add(
                    case.appointment_at, day * extra_days, calendar
                ),
            },
        )
        self.appointment += day * extra_days

    def early_steps(self):
        """Receipt, assignment and the detours a case may take while it is processed."""
        self.receive()
        self.assign()
        if self.rng.random() < 0.2:
            self.supplement_round()
        self.maybe_transfer(0.08)
        if self.rng.random() < 0.12:
            self.send_back_cycle()

    def finish(self):
        """Result drafted and signed: mostly on time, some late (a few with an apology)."""
        remaining = self.appointment - self.last
        late = self.rng.random() < 0.12 or remaining < 4 * CasePlanner.MIN_GAP
        if not late:
            submit = self.last + remaining * self.rng.uniform(0.35, 0.8)
            self.add(submit, "submit-result", self.officer)
            self.add(
                self.last + (self.appointment - self.last) * self.rng.uniform(0.2, 0.9),
                "sign",
                self.signer,
            )
            return
        old_appointment = self.appointment
        if self.timed_exactly and self.rng.random() < 0.5:
            self.apologise(
                at=max(self.last, old_appointment - self.p.days(0, 0.5)),
                extra_days=self.rng.randint(3, 6),
            )
        self.add(
            max(self.last, old_appointment) + self.p.days(0.1, 1.5), "submit-result", self.officer
        )
        self.add(self.after(0.05, 0.5), "sign", self.signer)

    def give_back(self):
        """The result goes back to the applicant (trả kết quả)."""
        online_filed = self.plan.channel == Channel.ONLINE
        if online_filed and self.proc.online_level == OnlineLevel.FULL:
            weights = {ReturnChannel.ONLINE: 85, ReturnChannel.POST: 10, ReturnChannel.COUNTER: 5}
        elif online_filed:
            weights = {ReturnChannel.ONLINE: 55, ReturnChannel.COUNTER: 30, ReturnChannel.POST: 15}
        elif self.plan.channel == Channel.POST:
            weights = {ReturnChannel.POST: 80, ReturnChannel.COUNTER: 20}
        else:
            weights = {ReturnChannel.COUNTER: 85, ReturnChannel.POST: 10, ReturnChannel.ONLINE: 5}
        channel = self.rng.choices(list(weights), list(weights.values()))[0]
        if self.proc.collection == CollectionMode.ON_RESULT:
            self.add(self.after(0.01, 0.2), "pay", self.counter)  # thu sau: before the return
        params = {"channel": channel}
        if channel == ReturnChannel.COUNTER:
            params["recipient"] = self.plan.applicant["full_name"]
            delay = (0.1, 3)
        elif channel == ReturnChannel.POST:
            params["tracking_number"] = f"EL{self.rng.randrange(10**9):09d}VN"
            delay = (0.2, 1.5)
        else:
            delay = (0.02, 0.5)
        self.add(self.after(*delay), "return", self.counter, params)

    # -- where the case stands now --

    def open_until_now(self, *, overdue=0.2, due_soon=0.2):
        """Now lies after the last step: past the appointment, within a day of it, or before."""
        day, r = self.p.day, self.rng.random()
        if r < overdue:
            now_off = self.appointment + self.p.days(0.1, 3)
        elif r < overdue + due_soon:
            now_off = self.appointment - self.p.days(0.05, 0.9)
        else:
            latest = self.appointment - day * 1.2
            now_off = self.last + (latest - self.last) * self.rng.uniform(0.1, 0.9)
        self.plan.now_off = max(_to_minute(now_off), self.last + self.p.days(0.05, 0.5))

    def finished(self):
        """A finished case: received any time in the last HISTORY_WORKING_DAYS working days."""
        room = self.p.day * HISTORY_WORKING_DAYS - self.last
        gap = self.p.days(0.05) + max(room, timedelta(0)) * self.rng.random()
        self.plan.now_off = _to_minute(self.last + gap)

    # -- one script per state --

    def write(self):
        getattr(self, f"_{Status(self.plan.target).value}")()

    def _submitted(self):
        self.plan.now_off = -self.p.days(0.05, 1.5)  # filed, not received: "receipt" lies ahead

    def _rejected(self):
        self.add(timedelta(0), "reject", self.counter, {"reason": self.reason("reject")})
        self.finished()

    def _received(self):
        self.receive()
        self.plan.now_off = max(self.p.days(0.05, 0.6), self.last + CasePlanner.MIN_GAP)

    def _awaiting_payment(self):
        self.receive()  # an upfront fee: the case waits for it
        self.plan.now_off = self.last + self.p.days(0.05, 2)

    def _processing(self):
        self.early_steps()
        if self.rng.random() >= 0.3:
            self.open_until_now(overdue=0, due_soon=0.3)
        elif self.timed_exactly and self.rng.random() < 0.35:
            # Late, and apologised for: the letter came just before the appointment.
            self.apologise(
                at=max(self.last, self.appointment - self.p.days(0, 0.5)),
                extra_days=self.rng.randint(3, 6),
            )
            self.open_until_now(overdue=0, due_soon=0.3)
        else:
            self.open_until_now(overdue=1, due_soon=0)

    def _awaiting_signature(self):
        self.early_steps()
        self.open_until_now(overdue=0.2, due_soon=0.25)
        now_off = self.plan.now_off
        self.add(
            self.last + (now_off - self.last) * self.rng.uniform(0.3, 0.9),
            "submit-result",
            self.officer,
        )
        self.plan.now_off = max(now_off, self.last + CasePlanner.MIN_GAP)

    def _supplement_requested(self):
        self.receive()
        if self.rng.random() < 0.7:
            self.assign()
            self.request_supplement()
        else:
            self.request_supplement(by=self.counter)  # missing papers seen at receipt
        self.plan.now_off = self.last + self.p.days(0.2, 5)

    def _withdrawn(self):
        r = self.rng.random()
        if self.plan.channel == Channel.ONLINE and r < 0.2:
            self.add(timedelta(0), "withdraw", self.counter, {"reason": self.reason("withdraw")})
            self.finished()
            return
        self.receive()
        if r >= 0.4:
            self.assign()
        if r >= 0.7:
            self.request_supplement()
        self.add(self.after(0.1, 2), "withdraw", self.counter, {"reason": self.reason("withdraw")})
        self.finished()

    def _stopped(self):
        self.receive()
        self.assign()
        if self.rng.random() < 0.5:
            self.request_supplement()
            self.add(
                self.after(5, 12),
                "stop",
                self.officer,
                {"reason": self.reason("stop-after-supplement")},
            )
        else:
            self.add(
                self.after(0.2, 0.7, of=self.window),
                "stop",
                self.officer,
                {"reason": self.reason("stop")},
            )
        self.finished()

    def _resolved(self):
        self.early_steps()
        self.finish()
        waited = self.p.days(0.05, 3) if self.rng.random() < 0.8 else self.p.days(3, 12)
        self.plan.now_off = self.last + waited

    def _returned(self):
        self.early_steps()
        self.finish()
        self.give_back()
        self.finished()


def _to_minute(duration: timedelta) -> timedelta:
    return timedelta(minutes=round(duration.total_seconds() / 60))


def _to_minute_at(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


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
    _silence_replayed_messages(built)
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


def _silence_replayed_messages(cases: list[Case]) -> None:
    """The demo replays weeks of history: its messages to applicants are not for sending.

    Marked as sent, the worker's claim skips them (the tasks queued on commit do nothing).
    """
    Notification.objects.filter(case__in=cases, sent_at__isnull=True).update(
        sent_at=F("created_at")
    )
