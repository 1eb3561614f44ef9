"""Money as people read it: one way to write an amount of VND on every page, paper and
message, "200.000 ₫" in Vietnamese ("200,000 ₫" in English)."""

from django.utils.formats import get_format


def vnd(amount, language: str | None = None) -> str:
    """The whole đồng with the language's thousands separator, then the sign ₫ (the active
    language's unless `language` is given: a paper is Vietnamese whoever prints it)."""
    separator = get_format("THOUSAND_SEPARATOR", lang=language)
    return f"{int(amount):,} ₫".replace(",", separator)
