"""Start-up checks of what the messages need, so that a message that cannot be rendered is
found when the application starts (`manage.py check`, `migrate`), not at 2 a.m.

- Every applicant message (`notifications/applicant/<action>.txt`, `.sms.txt`) renders in
  Vietnamese and English, and an SMS's own text (with short values) fits `SMS_MAX_LENGTH`
  in the letters the route takes.
- Every registered provider template (ZNS, VNPT; `ProviderTemplate`) names values that
  exist, and a value that may be longer than its parameter's registered length is allowed
  to be cut (a database check: it runs where checks are given the database, as `migrate`
  and `check --database default` do).
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError
from django.template import TemplateSyntaxError
from unidecode import unidecode

from .compose import render, template_problems

APPLICANT_TEMPLATES = Path(__file__).parent / "templates" / "notifications" / "applicant"

SAMPLE = {
    "code": "000.00.20.H38-261127-0007",
    "procedure": "Cấp Phiếu lý lịch tư pháp",
    "name": "Lò Thị Mai",
    "appointment": None,
    "items": ["Bản sao CCCD"],
    "reason": "Thiếu giấy tờ",
    "pin": "[[PIN]]",
    "lookup_url": "https://motcua.example.gov.vn/?code=000.00.20.H38-261127-0007",
    "pay_url": "https://motcua.example.gov.vn/payments/pay/x/",
    "event": {"data": {"amount": 100000}},
}


def applicant_actions() -> list[str]:
    return sorted(p.name.removesuffix(".sms.txt") for p in APPLICANT_TEMPLATES.glob("*.sms.txt"))


@register()
def messages_render(app_configs, **kwargs):
    errors = []
    for action in applicant_actions():
        for language in ("vi", "en"):
            for channel in ("email", "sms"):
                try:
                    _, text = render(action, channel, SAMPLE, language)
                except (TemplateSyntaxError, OSError) as exc:
                    errors.append(
                        Error(f"The {channel} message {action!r} ({language}) fails: {exc}",
                              id="notifications.E001")
                    )  # fmt: skip
                    continue
                if channel == "sms" and settings.SMS_WITHOUT_DIACRITICS:
                    text = unidecode(text)
                if channel == "sms" and len(text) > settings.SMS_MAX_LENGTH:
                    errors.append(
                        Error(
                            f"The SMS {action!r} ({language}) is {len(text)} characters with "
                            f"short values, over SMS_MAX_LENGTH ({settings.SMS_MAX_LENGTH}).",
                            id="notifications.E002",
                        )
                    )
    return errors


@register(Tags.database)
def provider_templates_fit(app_configs, databases=None, **kwargs):
    from .models import ProviderTemplate

    if not databases:
        return []
    try:
        templates = list(ProviderTemplate.objects.all())
    except DatabaseError:  # not migrated yet
        return []
    return [
        Error(f"{template}: {problem}", obj=template, id="notifications.E003")
        for template in templates
        for problem in template_problems(template.params)
    ]
