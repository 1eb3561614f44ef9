from django import template
from django.urls import reverse

from payments import links, selectors

register = template.Library()


@register.inclusion_tag("payments/_fees.html")
def fees_due(case):
    """What the case owes and the link to pay it, for a page that shows the case."""
    due = selectors.fees_payable(case)
    return {"due": due, "pay_url": links.pay_path(case) if due.amount else ""}


@register.inclusion_tag("payments/_receipts.html")
def payment_receipts(case, public=False):
    """Links to the receipts (biên lai) of the case's paid requests.

    `public`: the lookup page, where the browser proved the PIN (no login); otherwise the
    applicant's or staff's own page, through the API.
    """
    code = case.code or case.reference
    return {
        "receipts": [
            {
                "payment": payment,
                "url": reverse("payment-public-receipt", args=[payment.reference])
                if public
                else reverse("payment-receipt", args=[code, payment.reference]),
            }
            for payment in selectors.receipted_requests(case)
        ]
    }
