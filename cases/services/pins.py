"""The receipt's lookup PIN: drawn at random, shown once, stored only as a keyed hash."""

import hashlib
import hmac
import secrets

from django.conf import settings

# Crockford base32: no I, L, O, U, so a PIN read aloud or retyped is unambiguous.
PIN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PIN_LENGTH = 8  # 40 bits
_PIN_READS_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})


def random_base32(length: int, choice=secrets.choice) -> str:
    """`length` characters of the PIN alphabet; `choice` draws them (a seeded one for
    generated data)."""
    return "".join(choice(PIN_ALPHABET) for _ in range(length))


def new_pin() -> str:
    return random_base32(PIN_LENGTH)


def normalise_pin(pin: str) -> str:
    return (pin or "").upper().translate(_PIN_READS_AS)


def pin_hash(*, reference: str, pin: str) -> str:
    """Keyed hash of a lookup PIN: a stolen table alone does not let anyone guess PINs."""
    message = f"{reference}:{normalise_pin(pin)}".encode()
    return hmac.new(settings.PIN_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def pin_matches(case, pin: str) -> bool:
    return bool(case.pin_hash) and hmac.compare_digest(
        case.pin_hash, pin_hash(reference=case.reference, pin=pin)
    )
