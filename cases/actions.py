"""The one door for a user's action on a case, for the API and the web desks alike.

Most actions are a plain `services.case_act`. The two whose step comes with file work go
through the documents app, which draws, stores and signs the result PDF in the same
transaction as its `case_act` (still the only writer of a case's status).
"""

from cases import services
from cases.models import Case
from documents import services as document_services

ACTION_SERVICES = {
    "submit-result": document_services.case_submit_result,  # trình kết quả (with its PDF)
    "sign": document_services.case_sign,  # ký số (PAdES)
}


def perform_action(*, case: Case, action: str, by, **params) -> Case:
    """Apply `action` to `case` for `by`, through the service that owns its side effects."""
    perform = ACTION_SERVICES.get(action)
    if perform is None:
        return services.case_act(case=case, action=action, by=by, **params)
    return perform(case=case, by=by, **params)
