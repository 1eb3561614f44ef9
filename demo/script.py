"""One demo case's script: the steps that take it to where it should stand now."""

from datetime import timedelta

from cases import working_time
from cases.models import (
    Channel,
    CollectionMode,
    OnlineLevel,
    ReturnChannel,
    Role,
    Status,
    SupplementClock,
    TimeUnit,
    User,
)

from .plan import HISTORY_WORKING_DAYS, MIN_GAP, REASONS, Plan, Step, _to_minute
from .province import TRANSFERS


class Script:
    """Writes the steps of one planned case, in office time after its receipt."""

    def __init__(self, planner, plan: Plan, deciding_key: str):
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
        off = max(_to_minute(off), self.last + MIN_GAP) if self.plan.steps else off
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
        late = self.rng.random() < 0.12 or remaining < 4 * MIN_GAP
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
        self.plan.now_off = max(self.p.days(0.05, 0.6), self.last + MIN_GAP)

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
        self.plan.now_off = max(now_off, self.last + MIN_GAP)

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
