"""The case page: details, documents, the full timeline, and a button with its form for
exactly the actions `services.allowed_actions` gives this user now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.actions import perform_action
from cases.exceptions import ActionForbidden, InvalidTransition

from .common import put_errors
from .forms import ACTION_FORMS, ACTION_LABELS, action_form, action_params


def _visible_case(request, code):
    case = selectors.case_get_for_user(
        user=request.user, code_or_reference=code, with_timeline=True
    )
    if case is None:
        raise Http404
    return case


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
                "label": ACTION_LABELS[action],
                "form": form or action_form(action, case),
                "open": form is not None,
            }
        )
    timeline = [
        {
            "event": event,
            "label": ACTION_LABELS.get(event.action, event.action),
            "items": event.data.get("items", []),  # the documents a supplement asks for
        }
        for event in case.events.all()
    ]
    template = "cases/desk/case.html" if request.user.is_staff_member else "cases/portal/case.html"
    context = {"case": case, "actions": actions, "timeline": timeline}
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
        _("%(action)s: done for %(case)s.") % {"action": ACTION_LABELS[action], "case": case},
    )
    if selectors.case_get_for_user(user=request.user, code_or_reference=case.reference) is None:
        return redirect("desk")  # a transfer took it out of this user's sight
    page = "case" if request.user.is_staff_member else "my-case"
    return redirect(page, code=case.code or case.reference)
