"""Fees at the counter (thu phí tại quầy): what a case owes and its payment requests on the
staff case page, with the forms of the receiving counter's steps: cash, bank transfer,
exemption (miễn phí), refund (hoàn tiền). They post to `fee_steps`; the work is
`payments.services`'."""

from django import forms
from django.utils.translation import gettext_lazy

from cases.access import is_receiving_counter
from cases.models import CollectionMode
from onestop import money, once
from payments import selectors
from payments.models import PaymentState


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
            (item.code, f"{item.name} — {money.vnd(item.amount)}") for item in due.items
        ]
        self.fields["fees"].initial = [item.code for item in due.items]


class RefundForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    token = forms.CharField(widget=forms.HiddenInput)


FORMS = {"cash": CashForm, "transfer": TransferForm, "exempt": ExemptionForm}


def form_for(step, case, due, data=None, *, prefix=None):
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
    counter = is_receiving_counter(user, case)

    def form(step, prefix=None):
        prefix = prefix or f"fee-{step}"
        if bound_form is not None and bound_form.prefix == prefix:
            return bound_form
        return form_for(step, case, due, prefix=prefix)

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
