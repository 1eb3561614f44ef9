"""Messages to applicants, written to the outbox with their cause and sent after commit."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Notification

# Steps the applicant hears about, with the subject line of the message.
APPLICANT_MESSAGES = {
    "accept": "Hồ sơ {code} đã được tiếp nhận",
    "reject": "Hồ sơ {code} không được tiếp nhận",
    "request-supplement": "Hồ sơ {code} cần bổ sung giấy tờ",
    "apologise": "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {code}",
    "stop": "Hồ sơ {code} đã dừng xử lý",
    "sign": "Hồ sơ {code} đã có kết quả",
    "withdraw": "Hồ sơ {code} đã được rút",
}


def notify_applicant(*, case, event) -> Notification | None:
    """Queue an email to the applicant about this step, if they gave an address."""
    template = APPLICANT_MESSAGES.get(event.action)
    if template is None or not case.applicant_email:
        return None
    subject = template.format(code=case.code or case.reference)
    lines = [subject + "."]
    if case.appointment_at and event.action in {"accept", "apologise"}:
        local = timezone.localtime(case.appointment_at)
        lines.append(_("Appointment: %s") % local.strftime("%H:%M %d/%m/%Y"))
    if event.reason:
        lines.append(event.reason)
    if event.action == "request-supplement" and event.data.get("items"):
        lines.append(_("Documents to bring:"))
        lines.extend(f"- {item}" for item in event.data["items"])
    notification = Notification.objects.create(
        case=case,
        event=event,
        channel=Notification.Channel.EMAIL,
        recipient=case.applicant_email,
        subject=subject,
        body="\n".join(lines),
    )
    # robust: the case step has committed; a broker that is down must not turn it into an
    # error. The beat sweep sends what was not queued.
    transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def _enqueue(notification_id: int) -> None:
    from .tasks import send_notification

    send_notification.delay(notification_id)


def notification_send(*, notification_id: int) -> bool:
    """Send one notification at most once; True if this call sent it.

    The row is claimed by setting `sent_at` only where it is still empty, so two workers
    (or a retry and the sweep) never both send it. A failed send releases the claim.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        sent_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(sent_at=None, last_error=str(exc))
        raise
    return True


def pending_notification_ids(*, older_than_seconds: int = 30, limit: int = 500) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=5)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
