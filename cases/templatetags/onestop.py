from django import template

from onestop import money

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """30000 → "30.000 ₫" in Vietnamese: the one way every page writes money."""
    return money.vnd(amount)
