from .case import (
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    Channel,
    ReturnChannel,
    Status,
)
from .catalogue import (
    Agency,
    CalendarOverride,
    CollectionMode,
    FeeItem,
    Level,
    OnlineLevel,
    Procedure,
    SupplementClock,
    TimeUnit,
)
from .users import Role, User

__all__ = [
    "Agency",
    "AppointmentChange",
    "CalendarOverride",
    "Case",
    "CaseCodeSequence",
    "CaseDocument",
    "CaseEvent",
    "Channel",
    "CollectionMode",
    "FeeItem",
    "Level",
    "OnlineLevel",
    "Procedure",
    "ReturnChannel",
    "Role",
    "Status",
    "SupplementClock",
    "TimeUnit",
    "User",
]
