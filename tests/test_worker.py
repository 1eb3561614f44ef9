"""A real Celery worker, on the real Redis broker, sends what a case step queued."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import Notification
from notifications.services import DISPATCH_GATHER_SECONDS, outbox_dispatch
from onestop.celery import app as celery_app

from .conftest import vn

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def worker(tmp_path):
    """A worker process on this test database, writing mail to files under tmp_path."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    # An empty queue: tasks earlier tests queued (no worker ran them) are not this test's, and
    # a worker busy with thousands of them missed this test's deadline.
    celery_app.control.purge()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "onestop",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "worker.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    if not wait_for(lambda: celery_app.control.ping(timeout=0.5)):
        process.kill()
        pytest.fail("the worker did not start:\n" + (tmp_path / "worker.log").read_text())
    yield tmp_path / "mail"
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_applicants_after_their_cases_are_received(worker, file_case):
    # Back to back: the second case's messages go with the dispatch the first asked for,
    # unless a busy machine took longer than the gathering between the two commits.
    started = time.monotonic()
    cases = [file_case(vn(2026, 11, 27, 9, 0)), file_case(vn(2026, 11, 27, 9, 1))]
    gathered = time.monotonic() - started < DISPATCH_GATHER_SECONDS
    emails = Notification.objects.filter(case__in=cases, channel="email")

    sent = wait_for(lambda: not emails.filter(sent_at=None).exists())
    assert sent, (worker.parent / "worker.log").read_text()
    connection.close()
    # The file backend names a file by the second and by its instance: two mails may share one.
    mails = "".join(mail.read_text() for mail in worker.glob("*.log"))
    assert all(mails.count(f"?code={case.code}") == 1 for case in cases)
    dispatches = 1 if gathered else 2

    def logged():  # each dispatch task: received, then succeeded
        return (worker.parent / "worker.log").read_text().count("tasks.dispatch_outbox[")

    assert wait_for(lambda: logged() >= 2 * dispatches) and logged() == 2 * dispatches


@pytest.mark.django_db
def test_a_sent_notification_is_not_sent_again(file_case, mailoutbox):
    notification = Notification.objects.get(case=file_case(), channel="email")

    assert outbox_dispatch(ids=[notification.pk]).sent == 1
    assert outbox_dispatch(ids=[notification.pk]).sent == 0
    assert len(mailoutbox) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_s_scan_on_the_worker_alerts_staff_and_emails_them(worker, file_case, staff):
    """Beat sends the scan by name, as its schedule says; the worker runs it, and the alert
    e-mails it queued after commit are sent by the same worker."""
    from django.contrib.auth import get_user_model

    from notifications.models import StaffAlert

    get_user_model().objects.filter(pk=staff["supervisor"].pk).update(email="sup@example.vn")
    case = file_case(vn(2026, 1, 5, 9, 0))  # long overdue by the real clock
    entry = settings.CELERY_BEAT_SCHEDULE["sla-scan"]
    assert entry["schedule"] <= 60

    celery_app.send_task(entry["task"])

    assert wait_for(lambda: StaffAlert.objects.filter(case=case).exists())
    assert wait_for(
        lambda: Notification.objects.filter(
            case=case, kind="sla.escalated", sent_at__isnull=False
        ).exists()
    ), (worker.parent / "worker.log").read_text()
    connection.close()
    assert any("sup@example.vn" in mail.read_text() for mail in worker.glob("*.log"))


def test_beat_s_schedule_names_registered_tasks():
    celery_app.loader.import_default_modules()  # finds the apps' tasks, as the worker does

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks
