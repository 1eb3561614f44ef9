"""What the desks share: who may open them, due-date marks, errors put back on forms."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils import timezone

from cases import selectors
from cases.models.case import due_state

PAGE_SIZE = 50
RECEIPT_PINS_KEPT = 10


def staff_required(*roles):
    """Staff with one of these roles (any staff when none is given); others log in first."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_staff_member or (roles and not set(roles) & user.roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def mark_due(cases, user, now=None) -> list:
    """The cases, each with `due` set to "late", "soon" or "" for the row's highlight."""
    now = now or timezone.now()
    soon = selectors.due_soon_until(user.agency, now)
    cases = list(cases)
    for case in cases:
        case.due = due_state(case.status, case.appointment_at, now, soon)
    return cases


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def put_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def remember_pin(request, case, *, pin: str = "") -> None:
    """Keep the PIN of a case just filed (or reprinted) for its receipt: the only time the PIN
    exists in clear."""
    pins = request.session.get("receipt_pins", {})
    pins.pop(case.reference, None)  # the newest last: the oldest are dropped first
    pins[case.reference] = pin or case.pin
    request.session["receipt_pins"] = dict(list(pins.items())[-RECEIPT_PINS_KEPT:])


def pin_for(request, case) -> str:
    return request.session.get("receipt_pins", {}).get(case.reference, "")
