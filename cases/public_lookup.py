"""The citizen's lookup by case code and receipt PIN (tra cứu hồ sơ), and what it shows.

Guessing stays hopeless without ever locking the owner out. A PIN is 8 Crockford base32
characters: 32^8 = 2^40 ≈ 1.1e12 values. One client may fail at most
LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR (100) lookups an hour, and at most
LOOKUP_CASE_MAX_FAILURES (5) per LOOKUP_CASE_LOCK_MINUTES (15) on any one case, i.e. 20 an
hour on it: finding one case's PIN takes on average 2^39 / (20 × 8,760) ≈ 3 million years
for one client, and still ≈ 300 years for 10,000 addresses working together. The limits
block only the clients that failed; the right PIN from anyone else always works.
"""

from django.conf import settings
from django.db.models import F, QuerySet

from onestop.precompiled import Precompiled
from onestop.ratelimit import Hit, Limit, exceeded

from . import seams
from .models import Case, CaseEvent, Status
from .selectors import with_code
from .services import pin_matches
from .workflow import reason_is_public


class LookupThrottled(Exception):
    """This client failed too many lookups (HTTP 429); `wait` seconds until it may retry."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def _limits():
    return (
        Limit.parse("lookup", settings.PUBLIC_LOOKUP_RATE),
        Limit("lookup-failures", settings.LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR, 3600),
        Limit(
            "lookup-case-failures",
            settings.LOOKUP_CASE_MAX_FAILURES,
            settings.LOOKUP_CASE_LOCK_MINUTES * 60,
        ),
    )


def public_cases() -> QuerySet[Case]:
    """Cases with what the public lookup shows of them beside the row: the procedure and
    what the features' case parts join (the rating). The signed result is named by the
    timeline's sign step (`signed_result_id`)."""
    return Case.objects.select_related("procedure", *seams.related_of_parts())


# The lookup's two reads are compiled once per connection: compiling them cost the worker
# more than PostgreSQL took to run them.
_case_by_code = Precompiled(lambda code: with_code(public_cases(), code), code=str)
_public_events = Precompiled(
    lambda case_id: (
        CaseEvent.objects.filter(case_id=case_id)
        .annotate(new_appointment_at=F("appointment_change__new_at"))
        .order_by("at", "id")
        .values(
            "at",
            "action",
            "from_status",
            "to_status",
            "reason",
            "data",
            "new_appointment_at",
            "form",
        )  # fmt: skip
    ),
    case_id=int,
)


def case_public_lookup(*, code: str, pin: str, client: str) -> Case | None:
    """The case with this code (or submission reference) if the PIN is right, else None.

    A wrong PIN and an unknown code look the same. The PIN is checked first, then every
    counter is touched in one round trip: a failure counts against the client and against
    the client on this code; a success only reads them. A client over any limit gets
    `LookupThrottled` whatever the PIN, so a throttled guesser learns nothing.
    """
    code = code.strip()
    case = _case_by_code.first(code=code)
    found = case is not None and pin_matches(case, pin)
    requests, failures, case_failures = _limits()
    wait = exceeded(
        [
            Hit(requests, client),
            Hit(failures, client, count=not found),
            Hit(case_failures, f"{client}|{code}", count=not found),
        ]
    )
    if wait is not None:
        raise LookupThrottled(wait)
    return case if found else None


def supplement_items(case: Case) -> list[str]:
    """The documents the applicant must bring now (empty unless a supplement is requested)."""
    if case.status != Status.SUPPLEMENT_REQUESTED:
        return []
    last = case.events.filter(action="request-supplement").order_by("-at", "-id").first()
    return list(last.data.get("items", [])) if last else []


def public_timeline(case: Case) -> list[dict]:
    """The steps as the applicant sees them: no staff, no internal notes. One query."""
    events = _public_events.all(case_id=case.pk)
    return [
        {
            "at": event["at"],
            "action": event["action"],
            "from_status": event["from_status"],
            "to_status": event["to_status"],
            # Lazy: the API never renders it (get_FOO_display translates every choice).
            "to_status_display": Status(event["to_status"]).label,
            "reason": event["reason"] if reason_is_public(event["action"]) else "",
            "items": (
                event["data"].get("items", []) if event["action"] == "request-supplement" else []
            ),
            "new_appointment_at": event["new_appointment_at"],
            "form": event["form"],
            # The signing service names the result it signed (documents.services.case_sign).
            "signed_document": event["data"].get("document") if event["action"] == "sign" else None,
        }
        for event in events
    ]


def signed_result_id(timeline: list[dict]) -> str | None:
    """The id of the signed electronic result, named by the timeline's sign step; None for
    a paper result or before signing."""
    return next((step["signed_document"] for step in timeline if step["signed_document"]), None)


# The case this browser proved the PIN of: the pages show it (and its pay page, its rating
# form) without the PIN in any URL.
SESSION_CASE = "public_case_id"


def remember_session_case(request, case: Case) -> None:
    request.session[SESSION_CASE] = case.pk


def session_case(request) -> Case | None:
    """The case this browser proved the PIN of on the home page, if any."""
    case_id = request.session.get(SESSION_CASE)
    return Case.objects.select_related("procedure").filter(pk=case_id).first() if case_id else None
