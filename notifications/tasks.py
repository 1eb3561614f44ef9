from celery import shared_task

from . import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(notification_id: int) -> bool:
    return services.notification_send(notification_id=notification_id)


@shared_task
def send_pending_notifications() -> int:
    """Beat's sweep for notifications whose on-commit enqueue was lost."""
    sent = 0
    for notification_id in services.pending_notification_ids():
        sent += services.notification_send(notification_id=notification_id)
    return sent
