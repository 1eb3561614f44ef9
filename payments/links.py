"""The citizen's pay link: a signed, expiring token for one case.

Whoever sees the public lookup has proved the receipt PIN; the link lets them pay without
carrying the PIN in a URL.
"""

from django.core import signing
from django.urls import reverse

SALT = "payments.pay"
MAX_AGE = 24 * 3600


def pay_path(case) -> str:
    return reverse("payment-pay", args=[signing.dumps(case.pk, salt=SALT)])


def case_id_from(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None
