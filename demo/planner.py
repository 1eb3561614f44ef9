"""Draws the demo's cases and dates their steps (see `plan` and `script`)."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from cases import selectors, working_time
from cases.models import (
    Channel,
    CollectionMode,
    Level,
    OnlineLevel,
    Procedure,
    Role,
    Status,
    TimeUnit,
)

from .people import MOBILE_PREFIXES, ORGANISATIONS, STREETS, VILLAGES, _person_name
from .plan import (
    CASE_STATES,
    DEMO_FOCUS_SHARE,
    DEMO_FOCUS_USER,
    ONLINE_SHARE,
    OPEN_STATES,
    POST_SHARE,
    Plan,
    _to_minute,
    _to_minute_at,
)
from .procedures import ORGANISATION, PROCEDURES
from .province import CENTRE_BRANCHES, _lower, ascii_key, communes
from .script import Script

# Where the province-level cases are received: mostly at the centre, else at a branch.
RECEIVING_DESKS = ["centre", *(key for key, *_ in CENTRE_BRANCHES)]
RECEIVING_WEIGHTS = [3] + [1] * len(CENTRE_BRANCHES)


class CasePlanner:
    """Draws the demo cases and dates their steps so that each ends where it should now.

    Times are planned as office time after receipt (the procedure's clock), then placed so
    that the whole history lies before `now`: open cases are placed relative to their
    appointment (some overdue, some due soon), finished ones anywhere in the last
    `HISTORY_WORKING_DAYS` working days.
    """

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
            # The centre receives in the province's seat and in its branches.
            desk = rng.choices(RECEIVING_DESKS, RECEIVING_WEIGHTS)[0]
            counter = self.staff[desk][Role.COUNTER_STAFF]
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
        Script(self, plan, deciding_key).write()
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
        if channel == Channel.ONLINE and proc.requires_verified_identity:
            return False  # filed online only by the applicant signed in with VNeID
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
                f"{_lower(rng.choice(['Phường Lào Cai', 'Phường Cam Đường', 'Phường Yên Bái']))}, "
                "tỉnh Lào Cai",
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
        # Most citizens read Zalo first; a few foreign residents read English.
        if rng.random() < 0.6:
            applicant["channels"] = ["zalo", "sms", "email"]
        if rng.random() < 0.05:
            applicant["language"] = "en"
        if rng.random() < email_share:
            # example.com: a demo case never mails a real mailbox.
            applicant["email"] = f"{ascii_key(name)[:20]}{rng.randint(1, 99)}@example.com"
        return applicant

    def _address(self, proc: Procedure, deciding_key: str) -> str:
        rng = self.rng
        all_communes = list(communes())
        if proc.level == Level.COMMUNE:
            commune = next(c for c in all_communes if c[0] == deciding_key)
        else:
            commune = rng.choice(all_communes)
        commune_name = commune[2].removeprefix("UBND ")
        if commune_name.startswith("xã"):
            place = f"Thôn {rng.choice(VILLAGES)}"
        else:
            place = f"Tổ dân phố số {rng.randint(1, 18)}"
        # Two tiers: an address names the commune or ward and the province, no district.
        return f"{place}, {commune_name}, tỉnh Lào Cai"

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
