"""Demo data (dữ liệu mẫu): a province like Lào Cai (H38), its catalogue, staff and cases.

The data: `province` (the agencies, the government's working-day swaps, the demo users),
`procedures` (the catalogue with its fees) and `people` (the names the applicants are drawn
from). The builders: `build.build_catalogue` and `build.build_users`, and
`history.build_cases`, which `python manage.py load_demo` runs, each in its own transaction.
"""

from .build import build_catalogue, build_users, summary
from .history import CASE_STATES, SIGNED_RESULTS, build_cases
from .payment import WALKTHROUGH_PIN, walkthrough_case
from .procedures import PROCEDURES
from .province import (
    CALENDAR_OVERRIDES,
    CENTRE,
    DEMO_PASSWORD,
    DEMO_USERS,
    DEPARTMENTS,
    DISTRICTS,
    PROVINCE,
    communes,
)

__all__ = [
    "CALENDAR_OVERRIDES",
    "CASE_STATES",
    "CENTRE",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DEPARTMENTS",
    "DISTRICTS",
    "PROCEDURES",
    "PROVINCE",
    "WALKTHROUGH_PIN",
    "SIGNED_RESULTS",
    "build_cases",
    "build_catalogue",
    "build_users",
    "communes",
    "summary",
    "walkthrough_case",
]
