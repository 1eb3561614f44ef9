from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def get_item(mapping, key):
    """`mapping[key]` in a template (a dict keyed by KPI id)."""
    return mapping.get(key, key)


@register.filter
def with_style_nonce(svg: str, request) -> str:
    """A server-drawn chart, its inline <style> carrying this response's CSP nonce (the
    policy allows no other inline style: settings CONTENT_SECURITY_POLICY)."""
    nonce = getattr(request, "csp_nonce", "")
    return mark_safe(svg.replace("<style", f'<style nonce="{nonce}"', 1))  # noqa: S308 - our SVG
