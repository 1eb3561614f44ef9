"""`GET /health/`: each feature's machinery reports on itself (the outbox, the deadline scan,
the national portal's sync...), registered in its `AppConfig.ready()`.

A check returns `(ok, figures)`: the figures join the JSON answer, and any check not ok
makes it a 503, which a load balancer or monitor acts on.
"""

from collections.abc import Callable

from django.http import JsonResponse

_checks: dict[str, Callable[[], tuple[bool, dict]]] = {}


def register(name: str, check: Callable[[], tuple[bool, dict]]) -> None:
    _checks[name] = check


def report() -> tuple[bool, dict]:
    ok, figures = True, {}
    for check in _checks.values():
        check_ok, check_figures = check()
        ok = ok and check_ok
        figures.update(check_figures)
    return ok, figures


def health(request):
    """200 while every feature's machinery keeps up; 503 when one falls behind."""
    ok, figures = report()
    return JsonResponse({"ok": ok, **figures}, status=200 if ok else 503)
