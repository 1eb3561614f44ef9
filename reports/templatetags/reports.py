from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (a dict keyed by KPI id)."""
    return mapping.get(key, key)
