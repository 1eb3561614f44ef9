from axes.backends import AxesStandaloneBackend


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins over the web.

    `authenticate()` without a request (a shell, a management command) has no client to
    limit: it passes through to the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def login_username(request, credentials) -> str | None:
    """The username django-axes counts failures on, as it can be stored: a login form may
    send anything (10,000 characters, a NUL byte), and a failure must still be a 400."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    if username is None:
        return None
    return str(username).replace("\x00", "")[:150]
