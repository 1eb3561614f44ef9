"""Domain errors. The API maps each to one HTTP answer (see cases/api/errors.py)."""


class InvalidTransition(Exception):
    """The action is not allowed in the case's current state (HTTP 409)."""


class ActionForbidden(Exception):
    """The user may see the case but may not take this action (HTTP 403)."""


class NotOffered(Exception):
    """The procedure is not offered this way, e.g. online (HTTP 404, as the portal's page)."""
