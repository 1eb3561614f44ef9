"""The counter's steps on a case's fees (cash, bank transfer, exemption, refund), posted from
the case page's fee box (`fees.fee_desk`); each posts once (`once`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import selectors as case_selectors
from cases.exceptions import ActionForbidden, InvalidTransition
from onestop import once
from payments import selectors as payment_selectors
from payments import services as payment_services

from .case import case_page
from .common import put_errors
from .fees import form_for


def _work(request, case, step, form, payment):
    """The service call of one step; the payment request's reference as the answer."""
    data = form.cleaned_data
    if step == "cash":
        done = payment_services.payment_request_create(case=case, method="cash", by=request.user)
    elif step == "transfer":
        done = payment_services.payment_request_create(
            case=case,
            method="transfer",
            by=request.user,
            transfer_reference=data["transfer_reference"],
        )
    elif step == "exempt":
        payment_services.fee_exemption_grant(
            case=case, fee_codes=data["fees"], reason=data["reason"], by=request.user
        )
        return "exempt"
    else:
        done = payment_services.payment_refund(
            payment=payment, reason=data["reason"], by=request.user
        )
    return done.reference


DONE = {
    "cash": gettext_lazy("Cash payment recorded: receipt issued."),
    "transfer": gettext_lazy("Bank transfer recorded: receipt issued."),
    "exempt": gettext_lazy("Fee exemption recorded."),
    "refund": gettext_lazy("Refund recorded."),
}


@require_POST
@login_required
def fee_step(request, code, step, reference=None):
    """One counter step on a case's fees; errors go back next to their field."""
    if step not in DONE or (step == "refund") != (reference is not None):
        raise Http404
    if not request.user.is_staff_member:
        raise Http404
    case = case_selectors.visible_case_or_404(request.user, code)
    payment = None
    if step == "refund":
        payment = case.payment_requests.filter(reference=reference).first()
        if payment is None:
            raise Http404
    due = payment_selectors.fees_payable(case)
    prefix = f"fee-refund-{reference}" if payment else None
    form = form_for(step, case, due, request.POST, prefix=prefix)
    if not form.is_valid():
        return case_page(request, code, bound_form=form, status=400)
    try:
        once.run_once(
            scope=f"fees:{request.user.pk}:{case.pk}",
            token=form.cleaned_data["token"],
            work=lambda: _work(request, case, step, form, payment),
        )
    except ValidationError as error:
        put_errors(form, error)
        return case_page(request, code, bound_form=form, status=400)
    except (InvalidTransition, ActionForbidden) as error:
        messages.error(request, str(error))
    except once.StillRunning:
        messages.warning(request, _("Still recording the previous click; reload in a moment."))
    else:
        messages.success(request, DONE[step])
    return redirect("case", code=case.code or case.reference)
