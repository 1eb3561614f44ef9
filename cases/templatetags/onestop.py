from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """30000 → "30.000 ₫" (the language's thousands separator; Vietnamese sets no grouping)."""
    return f"{int(amount):,} ₫".replace(",", get_format("THOUSAND_SEPARATOR"))
