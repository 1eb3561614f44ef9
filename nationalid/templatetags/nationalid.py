"""`{% load nationalid %}`: the sign-in button and the account's identity, for any page."""

from django import template

from nationalid import client
from nationalid.selectors import identity_of

register = template.Library()


@register.inclusion_tag("nationalid/_sign_in_button.html")
def national_id_sign_in(next_url=""):
    """ "Đăng nhập bằng VNeID / Cổng DVCQG", or nothing where no provider is configured."""
    return {"enabled": client.enabled(), "next": next_url}


@register.inclusion_tag("nationalid/_identity_badge.html")
def national_id_badge(user):
    """Whether the account's ID number is proven by the national identity, and which."""
    return {"user": user, "identity": identity_of(user)}
