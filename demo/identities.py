"""Cases filed at the counter for the national identity simulator's people (VNeID): sign in
as one of them ("Đăng nhập bằng VNeID" on the login page) and find these under "My cases",
though nobody filed them with an account."""

from datetime import datetime, timedelta

from cases import selectors, services, working_time
from cases.models import Case, Channel, Procedure, User
from nationalid.simulator.persons import PEOPLE, applicant_of

from . import history
from .procedures import ORGANISATION, PROCEDURES

# Each person (by their ID number or tax code) and the procedures filed for them.
FILED_FOR = {
    "010190001234": ["2.000488", "1.001978"],  # Lò Thị Mai: a judicial record, a benefit
    "010085012345": ["2.000488"],  # Nguyễn Văn Hùng
    "5300123456": [],  # the business: its first procedure for an organisation
}


def build_identity_cases(*, counter: User, now: datetime) -> list[Case]:
    """File the cases of `FILED_FOR` at the centre's counter, received at once, two working
    hours before `now` (in office hours, as the rest of the demo's history)."""
    now = working_time.subtract(now, timedelta(hours=2), selectors.default_calendar())
    for_business = next(p["code"] for p in PROCEDURES if p["applicant"] == ORGANISATION)
    cases = []
    for person in PEOPLE:
        applicant = applicant_of(person)
        codes = FILED_FOR.get(applicant["id_number"])
        if codes is None:
            continue
        for code in codes or [for_business]:
            procedure = Procedure.objects.select_related("agency").get(code=code)
            cases.append(
                services.case_file(
                    procedure=procedure,
                    applicant=applicant,
                    channel=Channel.COUNTER,
                    by=counter,
                    now=now,
                )
            )
    history.silence_replayed_messages(cases)
    return cases
