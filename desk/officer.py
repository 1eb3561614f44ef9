"""The officer's desk (chuyên viên: my cases by deadline, and their agency's cases waiting for
an officer, to take one) and the signer's (lãnh đạo: sign one
or several results, send one back, assign the cases waiting for an officer)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.actions import perform_action
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Role, Status
from cases.models.case import OPEN_STATES
from feedback.selectors import feedback_queue

from .common import mark_due, staff_required


@staff_required(Role.OFFICER)
def officer_desk(request):
    cases = (
        selectors.cases_visible_to(request.user)
        .filter(assigned_to=request.user, status__in=OPEN_STATES)
        .order_by("appointment_at", "id")
    )
    context = {
        "cases": mark_due(cases, request.user),
        "to_claim": mark_due(selectors.cases_to_claim(request.user), request.user),
        # Phản ánh chờ trả lời: what the officer's agencies must answer, overdue first.
        "feedback_open": feedback_queue(request.user, state="open").count(),
        "feedback_overdue": feedback_queue(request.user, state="open", due="overdue").count(),
    }
    return render(request, "desk/officer.html", context)


def _deciding_here(request):
    ids = selectors.user_agency_ids(request.user)
    return selectors.cases_visible_to(request.user).filter(deciding_agency_id__in=ids)


@staff_required(Role.SIGNER)
def signer_desk(request):
    cases = _deciding_here(request)
    to_sign = cases.filter(status=Status.AWAITING_SIGNATURE).order_by("appointment_at", "id")
    to_assign = cases.filter(status=Status.RECEIVED).order_by("appointment_at", "id")
    context = {
        "to_sign": mark_due(to_sign, request.user),
        "to_assign": mark_due(to_assign, request.user),
    }
    return render(request, "desk/signer.html", context)


@require_POST
@staff_required(Role.SIGNER)
def sign_selected(request):
    """Ký duyệt: sign each chosen result; one refused does not stop the others."""
    chosen = request.POST.getlist("case")
    cases = _deciding_here(request).filter(code__in=chosen, status=Status.AWAITING_SIGNATURE)
    signed, refused = [], []
    for case in cases:
        try:
            perform_action(case=case, action="sign", by=request.user)
        except (ValidationError, InvalidTransition, ActionForbidden) as error:
            refused.append(f"{case.code}: {'; '.join(getattr(error, 'messages', [str(error)]))}")
        else:
            signed.append(case.code)
    if signed:
        messages.success(
            request,
            _("Signed %(count)d: %(codes)s.") % {"count": len(signed), "codes": ", ".join(signed)},
        )
    for line in refused:
        messages.error(request, line)
    if not chosen:
        messages.error(request, _("Choose the results to sign."))
    elif not signed and not refused:
        messages.error(request, _("None of these results waits for your signature any more."))
    return redirect("signer-desk")
