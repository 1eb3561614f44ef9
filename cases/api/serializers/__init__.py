"""Input validation and output shapes of the API (see shared/API.md), one module per
resource. No business rules: who sees what is `cases.access`'s."""

from .actions import (
    ACTION_SERIALIZERS,
    ApologiseSerializer,
    AssignSerializer,
    NoBodySerializer,
    ReasonSerializer,
    RequestSupplementSerializer,
    ReturnSerializer,
    SubmitResultSerializer,
    TransferSerializer,
)
from .case import (
    CaseCreatedSerializer,
    CaseDocumentSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    CaseSerializer,
    FeeLineSerializer,
    FeesDueSerializer,
    case_row,
    event_out,
)
from .catalogue import AgencySerializer, FeeItemSerializer, ProcedureSerializer
from .common import ID_NUMBER, CodeRelatedField, when
from .filing import (
    ApplicantSerializer,
    CaseCreateSerializer,
    DocumentInSerializer,
    DocumentUploadSerializer,
)
from .public import PublicCaseSerializer, PublicEventSerializer

__all__ = [
    "ACTION_SERIALIZERS",
    "ID_NUMBER",
    "AgencySerializer",
    "ApologiseSerializer",
    "ApplicantSerializer",
    "AssignSerializer",
    "CaseCreateSerializer",
    "CaseCreatedSerializer",
    "CaseDocumentSerializer",
    "CaseEventSerializer",
    "CaseListSerializer",
    "CaseSerializer",
    "CodeRelatedField",
    "DocumentInSerializer",
    "DocumentUploadSerializer",
    "FeeItemSerializer",
    "FeeLineSerializer",
    "FeesDueSerializer",
    "NoBodySerializer",
    "ProcedureSerializer",
    "PublicCaseSerializer",
    "PublicEventSerializer",
    "ReasonSerializer",
    "RequestSupplementSerializer",
    "ReturnSerializer",
    "SubmitResultSerializer",
    "TransferSerializer",
    "case_row",
    "event_out",
    "when",
]
