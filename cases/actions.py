"""The one door for a user's action on a case, for the API and the web desks alike.

Most actions are a plain `services.case_act`. Those whose step comes with file work
(submitting and signing a result) are performed by the feature that owns the file work,
registered through `cases.seams.perform_with`; it calls `case_act` itself, still the only
writer of a case's status.
"""

from cases import seams, services
from cases.models import Case


def perform_action(*, case: Case, action: str, by, **params) -> Case:
    """Apply `action` to `case` for `by`, through the service that owns its side effects."""
    perform = seams.action_service(action)
    if perform is None:
        return services.case_act(case=case, action=action, by=by, **params)
    return perform(case=case, by=by, **params)
