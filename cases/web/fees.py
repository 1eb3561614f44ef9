"""Fees at the counter (thu phí tại quầy): what a case owes and its payment requests on the
staff case page, and the receiving counter's steps: cash, bank transfer, exemption (miễn
phí), refund (hoàn tiền). The work is `payments.services`'; each form is posted once."""

from django import forms
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
from cases.models import CollectionMode
from payments import selectors, services
from payments.models import PaymentState

from . import case as case_pages
from . import once
from .common import put_errors


class CashForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


class TransferForm(forms.Form):
    transfer_reference = forms.CharField(
        label=gettext_lazy("Transfer reference"),
        max_length=100,
        help_text=gettext_lazy("As on the bank's statement."),
    )
    token = forms.CharField(widget=forms.HiddenInput)


class ExemptionForm(forms.Form):
    fees = forms.MultipleChoiceField(
        label=gettext_lazy("Fee items waived"), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The legal ground, e.g. the decree's article."),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, due, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fees"].choices = [
            (item.code, f"{item.name} — {item.amount:,} VND") for item in due.items
        ]
        self.fields["fees"].initial = [item.code for item in due.items]


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    token = forms.CharField(widget=forms.HiddenInput)


FORMS = {"cash": CashForm, "transfer": TransferForm, "exempt": ExemptionForm}


def _form(step, case, due, data=None, *, prefix=None):
    kwargs = {"due": due} if step == "exempt" else {}
    form_class = RefundForm if step == "refund" else FORMS[step]
    return form_class(
        data, prefix=prefix or f"fee-{step}", initial={"token": once.new_token()}, **kwargs
    )


def fee_desk(case, user, bound_form=None) -> dict | None:
    """The case page's fees panel, or None for a case without fees or requests."""
    requests = list(case.payment_requests.select_related("receipt__agency"))
    if case.procedure.collection == CollectionMode.NONE and not requests:
        return None
    due = selectors.fees_payable(case)
    counter = selectors.records_payments(user, case)

    def form(step, prefix=None):
        prefix = prefix or f"fee-{step}"
        if bound_form is not None and bound_form.prefix == prefix:
            return bound_form
        return _form(step, case, due, prefix=prefix)

    code = case.code or case.reference
    return {
        "due": due,
        "collection": case.procedure.get_collection_display(),
        "requests": [
            {
                "payment": payment,
                "refund_form": form("refund", f"fee-refund-{payment.reference}")
                if counter and payment.state == PaymentState.PAID
                else None,
                "receipt": getattr(payment, "receipt", None),
            }
            for payment in requests
        ],
        "counter": counter,
        "steps": {step: form(step) for step in FORMS} if counter and due.amount else {},
        "open": bound_form.prefix if bound_form is not None else "",
        "code": code,
    }


def _case(request, code):
    case = case_selectors.case_get_for_user(user=request.user, code_or_reference=code)
    if case is None or not request.user.is_staff_member:
        raise Http404
    return case


def _work(request, case, step, form, payment):
    """The service call of one step; the payment request's reference as the answer."""
    data = form.cleaned_data
    if step == "cash":
        done = services.payment_request_create(case=case, method="cash", by=request.user)
    elif step == "transfer":
        done = services.payment_request_create(
            case=case,
            method="transfer",
            by=request.user,
            transfer_reference=data["transfer_reference"],
        )
    elif step == "exempt":
        services.fee_exemption_grant(
            case=case, fee_codes=data["fees"], reason=data["reason"], by=request.user
        )
        return "exempt"
    else:
        done = services.payment_refund(payment=payment, reason=data["reason"], by=request.user)
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
    case = _case(request, code)
    payment = None
    if step == "refund":
        payment = case.payment_requests.filter(reference=reference).first()
        if payment is None:
            raise Http404
    due = selectors.fees_payable(case)
    prefix = f"fee-refund-{reference}" if payment else None
    form = _form(step, case, due, request.POST, prefix=prefix)
    if not form.is_valid():
        return case_pages.case_page(request, code, bound_form=form, status=400)
    try:
        once.run_once(
            scope=f"fees:{request.user.pk}:{case.pk}",
            token=form.cleaned_data["token"],
            work=lambda: _work(request, case, step, form, payment),
        )
    except ValidationError as error:
        put_errors(form, error)
        return case_pages.case_page(request, code, bound_form=form, status=400)
    except (InvalidTransition, ActionForbidden) as error:
        messages.error(request, str(error))
    except once.StillRunning:
        messages.warning(request, _("Still recording the previous click; reload in a moment."))
    else:
        messages.success(request, DONE[step])
    return redirect("case", code=case.code or case.reference)
