"""What a message to an applicant says, on each channel and in their language.

A step writes one outbox row per message with its values (`params`: the case code, the
appointment, the links, the PIN's placeholder, the person's phone and e-mail), the
applicant's channels in order and their language. The text of the channel in use is
rendered then; another channel's, when the message falls back to it. A provider that
takes registered templates (Zalo ZNS, VNPT) gets the template's parameters filled from
the same values (`template_values`), each cut to its registered length where that is
allowed; `template_problems` says what cannot fit, for the system check and the admin.
"""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import phones
from cases.models import Case, CaseEvent, NotifyBy
from onestop import money

from .channels import cut
from .models import Notification

Channel = Notification.Channel

# The values a registered template's parameter may take (`source`), with the longest each
# can be (None: no bound, such as a free-text reason); what may exceed a parameter's
# registered length must be allowed to be cut.
SOURCES: dict[str, int | None] = {
    "code": 30,  # {agency code 13}-{yymmdd}-{NNNN, 5 digits past 9999}
    "procedure": None,
    "name": None,
    "appointment": 16,  # HH:MM dd/mm/YYYY
    "appointment_date": 10,  # dd/mm/YYYY
    "reason": None,
    "items": None,
    "amount": 15,  # 999.999.999.999 ₫
    "pin": 8,
    "lookup_url": None,
    "pay_url": None,
}


# Customer care, not a transaction (ZNS's template kinds): such messages wait for the day
# on the channels that keep sending hours (MESSAGING_NIGHT_CHANNELS); the others go at any
# hour.
CARE_ACTIONS = frozenset({"apologise", "return"})


def language_of(case: Case) -> str:
    return case.applicant_language or settings.NOTIFICATION_LANGUAGE


def plans_for(case: Case) -> list[list[tuple[str, str]]]:
    """The messages a step sends the applicant: one per plan, a plan being the channels
    (with the address on each) to try in order.

    With `applicant_channels`, one message goes by the first channel that reaches them.
    Without, as `applicant_notify_by` always said: a message on each channel chosen.
    """
    phone = _phone(case.applicant_phone)
    address = {Channel.ZALO: phone, Channel.SMS: phone, Channel.EMAIL: case.applicant_email}
    if case.applicant_notify_by == NotifyBy.NONE:
        return []
    if case.applicant_channels:
        plan = [(c, address[c]) for c in case.applicant_channels if address.get(c)]
        return [plan] if plan else []
    wants = case.applicant_notify_by
    plans = []
    if case.applicant_email and wants in (NotifyBy.ALL, NotifyBy.EMAIL):
        plans.append([(Channel.EMAIL, case.applicant_email)])
    if case.applicant_phone and wants in (NotifyBy.ALL, NotifyBy.SMS):
        # As filed: the SMS gateway of before took the number as it was typed.
        plans.append([(Channel.SMS, case.applicant_phone)])
    return plans


def _phone(raw: str) -> str:
    try:
        return phones.normalise_phone(raw)
    except Exception:  # filed before numbers were checked: the carrier will say
        return raw


def applicant_messages(
    *, case: Case, event: CaseEvent, context_of: Callable[[], dict]
) -> list[Notification]:
    """The outbox rows of the message about this step, not saved: a template per action
    (`notifications/applicant/<action>.txt` and `.sms.txt`); a step without one is silent.
    `context_of()` gives the templates' values; it is asked only if someone is written to.
    """
    plans = plans_for(case)
    if not plans:
        return []
    language = language_of(case)
    context = context_of()
    params = params_of(case, event, context)
    firsts = {plan[0][0] for plan in plans}
    try:
        texts = {
            channel: render(event.action, channel, context, language)
            for channel in firsts
            if channel != Channel.ZALO
        }
        if Channel.ZALO in firsts:  # no text (a ZNS template), but it must be a message
            get_template(f"notifications/applicant/{event.action}.sms.txt")
    except TemplateDoesNotExist:
        return []
    secret = getattr(case, "pin", "") or ""
    rows = []
    for plan in plans:
        channel, recipient = plan[0]
        subject, body = texts.get(channel, ("", ""))
        rows.append(
            Notification(
                case=case,
                event=event,
                kind=event.action,
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                secret=secret if params.get("pin") else "",
                created_at=event.at,
                next_attempt_at=event.at,
                channels=[c for c, _ in plan] if case.applicant_channels else [],
                language=language,
                params=params,
            )
        )
    return rows


def params_of(case: Case, event: CaseEvent, context: dict) -> dict:
    """The message's values as JSON, to render it again for another channel."""
    appointment = context.get("appointment")
    return {
        "code": context["code"],
        "procedure": context["procedure"],
        "name": case.applicant_full_name,
        "appointment": appointment.isoformat() if appointment else "",
        "items": list(context.get("items") or []),
        "reason": context.get("reason") or "",
        "amount": (event.data or {}).get("amount") or 0,
        "pin": context.get("pin") or "",
        "lookup_url": context.get("lookup_url") or "",
        "pay_url": context.get("pay_url") or "",
        "phone": _phone(case.applicant_phone),
        "email": case.applicant_email,
    }


def context_from(params: dict) -> dict:
    """The templates' values from a row's `params` (the step itself is not read again)."""
    appointment = params.get("appointment")
    return {
        **params,
        "appointment": datetime.fromisoformat(appointment) if appointment else None,
        "event": {"data": {"amount": params.get("amount")}},
    }


def render(action: str, channel: str, context: dict, language: str) -> tuple[str, str]:
    """(subject, body) of an e-mail, ("", text) of an SMS, in `language`.

    Raises TemplateDoesNotExist when the action has no message on that channel.
    """
    with translation.override(language):
        if channel == Channel.EMAIL:
            text = render_to_string(f"notifications/applicant/{action}.txt", context).strip()
            subject, _, body = text.partition("\n")
            return subject.strip(), body.strip()
        return "", render_to_string(f"notifications/applicant/{action}.sms.txt", context).strip()


def address_on(notification: Notification, channel: str) -> str:
    params = notification.params
    return params.get("email", "") if channel == Channel.EMAIL else params.get("phone", "")


# --- registered templates ----------------------------------------------------------------


def value_of(source: str, params: dict, secret: str, language: str) -> str:
    """One message value as a template parameter takes it: text, dates in Vietnam time."""
    if source in ("appointment", "appointment_date"):
        if not params.get("appointment"):
            return ""
        moment = timezone.localtime(datetime.fromisoformat(params["appointment"]))
        return moment.strftime("%H:%M %d/%m/%Y" if source == "appointment" else "%d/%m/%Y")
    if source == "pin":
        return secret or (_("(printed on your receipt)") if params.get("pin") else "")
    if source == "items":
        return "; ".join(params.get("items") or [])
    if source == "amount":
        return money.vnd(params.get("amount") or 0, language)
    return str(params.get(source) or "")


def template_values(template, params: dict, secret: str, language: str) -> dict[str, str]:
    """The registered template's parameters, in its order, each cut to its registered
    length where that is allowed (a value that may not be cut was proven to fit)."""
    values = {}
    for param in template.params:
        value = value_of(param["source"], params, secret, language)
        if param.get("max_length"):
            value = cut(value, int(param["max_length"]))
        values[param["name"]] = value
    return values


def template_problems(params: list) -> list[str]:
    """Why a registered template's parameters cannot be filled safely ([] if they can)."""
    problems = []
    if not isinstance(params, list):
        return [_("The parameters must be a list of {name, source, max_length, cut}.")]
    for param in params:
        if not isinstance(param, dict) or not param.get("name"):
            problems.append(_("Each parameter needs a name."))
            continue
        name, source = param["name"], param.get("source")
        if source not in SOURCES:
            problems.append(
                _("Parameter %(name)s: unknown value %(source)r (one of: %(known)s).")
                % {"name": name, "source": source, "known": ", ".join(SOURCES)}
            )
            continue
        limit, longest = param.get("max_length"), SOURCES[source]
        if limit and not param.get("cut") and (longest is None or longest > int(limit)):
            problems.append(
                _(
                    "Parameter %(name)s: %(source)s may be longer than %(limit)s characters "
                    "and may not be cut."
                )
                % {"name": name, "source": source, "limit": limit}
            )
    return problems
