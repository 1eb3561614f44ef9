"""The case page: details, documents, the result and its signature, the full timeline (with
the forms it issued), and a button with its form for exactly the actions
`services.allowed_actions` gives this user now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.access import reason_shown_to_applicant
from cases.actions import perform_action
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Role, Status, User
from cases.workflow import label_of
from documents import selectors as document_selectors
from dvcqg.selectors import sync_summary
from feedback.selectors import feedback_of_case
from notifications.selectors import attempts_for

from .common import pin_for, put_errors
from .fees import fee_desk
from .forms import ACTION_FORMS, action_form, action_params
from .papers import NOTICE_FORMS


def _visible_case(request, code):
    return selectors.visible_case_or_404(request.user, code, with_timeline=True)


@login_required
def case_page(request, code, *, bound_form=None, status=200):
    """Staff see the desk's case page; the citizen who filed it sees their own view."""
    case = _visible_case(request, code)
    actions = []
    for action in services.allowed_actions(case, request.user):
        form = bound_form if bound_form is not None and bound_form.prefix == action else None
        actions.append(
            {
                "name": action,
                "label": label_of(action),
                "form": form or action_form(action, case),
                "open": form is not None,
            }
        )
    staff = request.user.is_staff_member
    code = case.code or case.reference
    events = list(case.events.all())
    officers = _officer_names(events)
    timeline = [
        {
            "event": event,
            "label": label_of(event.action),
            # The applicant reads only the reasons written for them (`cases.access`).
            "reason": event.reason if staff else reason_shown_to_applicant(event),
            # The documents a supplement asks for; the fees a payment request is for.
            "items": _items(case, event),
            "officer": officers.get(event.data.get("officer"), event.data.get("officer")),
            "form_url": reverse("desk-form" if staff else "my-form", args=[code, event.pk])
            if event.form in NOTICE_FORMS
            else "",
        }
        for event in events
    ]
    results = document_selectors.results_of(case)
    waiting = (
        document_selectors.latest_draft(case)
        if staff and case.status == Status.AWAITING_SIGNATURE
        else None
    )
    for result in results:  # any other unsigned draft was sent back (or replaced)
        result.replaced = not result.is_signed and (waiting is None or waiting.pk != result.pk)
    context = {
        "case": case,
        "actions": actions,
        "timeline": timeline,
        "results": results if staff else [r for r in results if r.is_signed],
        "receipt_desk": bool(case.code) and Role.COUNTER_STAFF in request.user.roles,
        "receipt_pin_kept": bool(pin_for(request, case)),
        "fees": fee_desk(case, request.user, bound_form) if staff else None,
        # Every attempt to reach the applicant: channel, address, the provider's answer.
        "attempts": _about_their_step(attempts_for(case)) if staff else [],
        "feedback": feedback_of_case(case) if staff else [],
        "sync": sync_summary(case.pk) if staff else None,
        "can_push": request.user.is_superuser,
    }
    template = "desk/case.html" if staff else "portal/case.html"
    return render(request, template, context, status=status)


@require_POST
@login_required
def act(request, code, action):
    """Apply one action through `perform_action`; errors go back next to their field."""
    if action not in ACTION_FORMS:
        raise Http404
    case = _visible_case(request, code)
    form = action_form(action, case, request.POST, request.FILES)
    if not form.is_valid():
        return case_page(request, code, bound_form=form, status=400)
    try:
        case = perform_action(case=case, action=action, by=request.user, **action_params(form))
    except ValidationError as error:
        put_errors(form, error)
        return case_page(request, code, bound_form=form, status=400)
    except (InvalidTransition, ActionForbidden) as error:
        messages.error(request, str(error))
        return redirect("case", code=code)
    messages.success(
        request,
        _("%(action)s: done for %(case)s.") % {"action": label_of(action), "case": case},
    )
    if selectors.case_get_for_user(user=request.user, code_or_reference=case.reference) is None:
        return redirect("desk")  # a transfer took it out of this user's sight
    page = "case" if request.user.is_staff_member else "my-case"
    return redirect(page, code=case.code or case.reference)


def _items(case, event) -> list[str]:
    """What a step lists for people: a payment request keeps fee codes, shown by name."""
    items = event.data.get("items", [])
    if event.action != "request-payment":
        return items
    names = dict(case.procedure.fees.values_list("code", "name"))
    return [names.get(code, code) for code in items]


def _officer_names(events) -> dict[str, str]:
    """The full names of the officers that assignments name by username."""
    usernames = {event.data["officer"] for event in events if event.data.get("officer")}
    if not usernames:
        return {}
    users = User.objects.filter(username__in=usernames)
    return {user.username: user.get_full_name() or user.username for user in users}


def _about_their_step(attempts):
    """Each message attempt with what it was about: its step's name, as on the timeline."""
    attempts = list(attempts)
    for attempt in attempts:
        attempt.about = label_of(attempt.notification.kind)
    return attempts
