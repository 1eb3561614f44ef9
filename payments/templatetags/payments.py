from django import template

from payments import links, selectors

register = template.Library()


@register.inclusion_tag("payments/_fees.html")
def fees_due(case):
    """What the case owes and the link to pay it, for a page that shows the case."""
    due = selectors.fees_payable(case)
    return {"due": due, "pay_url": links.pay_path(case) if due.amount else ""}
