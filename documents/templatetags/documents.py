from django import template

from documents.certificates import subject_fields

register = template.Library()


@register.filter
def certificate_fields(subject: str) -> list[tuple[str, str]]:
    """A signing certificate's subject, field by field, in the page's language."""
    return subject_fields(subject)
