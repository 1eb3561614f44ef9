"""Phone numbers (số điện thoại) as the messaging providers take them: `84…`, digits only.

People write a number as `0912 345 678`, `+84 912-345-678`, `84912345678` or `(091) 234.5678`;
Zalo ZNS and the SMS carriers want `84912345678`. A number that cannot exist in Vietnam's
numbering plan (Google's libphonenumber metadata: mobile prefixes 03/05/07/08/09, the
two-digit area codes 02x) is refused where it is given, at filing, not found out by the
carrier when the first message bounces.
"""

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID = _("Give a Vietnamese phone number, e.g. 0912345678 or +84 912 345 678.")


@lru_cache(maxsize=4096)  # every step's message asks again for the applicant's number
def normalise_phone(raw: str) -> str:
    """`raw` as `84` and the national number, digits only; "" for "". ValidationError if
    the number cannot exist in Vietnam."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID, code="invalid_phone") from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid_phone")
    return f"84{number.national_number}"


def is_mobile(normalised: str) -> bool:
    """Whether a normalised number can receive an SMS or a Zalo message (not a landline)."""
    number = phonenumbers.parse(f"+{normalised}")
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
