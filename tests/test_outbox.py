"""The outbox: what the applicant hears, over which channel, and delivery at least once
without sending twice, through failures of the systems outside."""

import threading
from datetime import timedelta
from time import monotonic
from unittest import mock

import pytest
import time_machine
from django.contrib import admin
from django.core.cache import cache
from django.db import DataError, connection, transaction
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import CaseEvent
from notifications import services as outbox
from notifications.admin import NotificationAdmin
from notifications.models import PIN_PLACEHOLDER, DeliveryAttempt, Notification
from onestop.bulk import update_each

from .conftest import APPLICANT, FRIDAY_9AM, act
from .fake_servers import BouncingSmtp, SmsGateway, serving

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(settings):
    gateway = SmsGateway()
    settings.SMS_BACKEND = "notifications.backends.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TIMEOUT = 0.5
    with serving(gateway.server):
        yield gateway


def row(case, channel, kind="accept"):
    return Notification.objects.get(case=case, channel=channel, kind=kind)


# --- what is written -----------------------------------------------------------------


def test_the_receipt_message_carries_the_pin_only_until_it_is_sent(file_case, mailoutbox):
    case = file_case(FRIDAY_9AM)
    email = row(case, "email")
    assert case.pin not in email.body and PIN_PLACEHOLDER in email.body
    assert email.secret == case.pin
    assert "09:00 02/12/2026" in email.body and case.code in email.subject

    outbox.outbox_dispatch(ids=[email.pk])
    assert case.pin in mailoutbox[0].body
    assert Notification.objects.get(pk=email.pk).secret == ""


def test_the_supplement_message_lists_the_documents_to_bring(file_case, staff, mailoutbox):
    """Regression: the e-mail left out the items the citizen must bring."""
    case = file_case(FRIDAY_9AM)
    act(
        case, "request-supplement", staff["counter"], FRIDAY_9AM,
        items=["Bản sao sổ hộ khẩu", "Ảnh 4x6"], reason="Hồ sơ thiếu giấy tờ",
    )  # fmt: skip
    email, sms = row(case, "email", "request-supplement"), row(case, "sms", "request-supplement")
    assert "- Bản sao sổ hộ khẩu\n- Ảnh 4x6" in email.body
    assert "Hồ sơ thiếu giấy tờ" in email.body
    assert "Bản sao sổ hộ khẩu; Ảnh 4x6" in sms.body


def test_messages_are_vietnamese_by_default_and_english_by_setting(file_case, settings):
    assert "đã được tiếp nhận" in row(file_case(FRIDAY_9AM), "email").subject
    settings.NOTIFICATION_LANGUAGE = "en"
    assert "has been received" in row(file_case(FRIDAY_9AM), "email").subject


@pytest.mark.parametrize(
    "notify_by, channels",
    [("all", ["email", "sms"]), ("email", ["email"]), ("sms", ["sms"]), ("none", [])],
)
def test_the_applicant_chooses_the_channels(staff, procedure, notify_by, channels):
    """And only the messages of those channels are rendered (rendering one cost a filing
    as much as one of its statements)."""
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        case = services.case_file(
            procedure=procedure,
            applicant={**APPLICANT, "notify_by": notify_by},
            channel="counter",
            by=staff["counter"],
            now=FRIDAY_9AM,
        )
    finally:
        template_rendered.disconnect(record)
    assert sorted(Notification.objects.filter(case=case).values_list("channel", flat=True)) == (
        channels
    )
    template_of = {"email": "accept.txt", "sms": "accept.sms.txt"}
    assert sorted(rendered) == sorted(f"notifications/applicant/{template_of[c]}" for c in channels)


def test_a_message_is_a_template_per_action(file_case):
    """An action with a template is heard about; an action without one is silent."""
    case = file_case(FRIDAY_9AM)
    event = CaseEvent.objects.create(
        case=case, action="request-payment", to_status="awaiting_payment", data={"amount": 200000}
    )
    email, sms = outbox.notify_applicant(case=case, event=event)
    assert "200.000 ₫" in email.body and "/payments/pay/" in email.body  # amount, pay link
    assert "/payments/pay/" in sms.body
    event = CaseEvent.objects.create(case=case, action="no-such-message", to_status="received")
    assert outbox.notify_applicant(case=case, event=event) == []


# --- delivery ------------------------------------------------------------------------


def asked(add) -> int:
    """The outbox's asks among the cache's `add` calls (the portal sync asks for its own)."""
    return sum(call.args[0] == outbox.DISPATCH_ASKED_KEY for call in add.call_args_list)


def test_steps_in_a_burst_ask_for_one_dispatch_which_runs_after_the_last_of_them(
    file_case, django_capture_on_commit_callbacks
):
    with (
        mock.patch("notifications.tasks.dispatch_outbox.apply_async") as dispatch,
        mock.patch.object(cache, "add", wraps=cache.add) as ask,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            file_case(FRIDAY_9AM)
        with django_capture_on_commit_callbacks(execute=True):
            file_case(FRIDAY_9AM)
        assert dispatch.call_count == 1  # the second case's rows go with the first's task
        # It runs once the gathering is over: the second step committed before that.
        assert dispatch.call_args.kwargs["countdown"] > outbox.DISPATCH_GATHER_SECONDS
        assert asked(ask) == 1  # the process that asked knows it without the cache

        # Another process asked: this one's steps gather under its task.
        later = monotonic() + outbox.DISPATCH_GATHER_SECONDS
        with mock.patch("notifications.services.monotonic", return_value=later):
            with django_capture_on_commit_callbacks(execute=True):
                file_case(FRIDAY_9AM)
            assert (dispatch.call_count, asked(ask)) == (1, 2)

            cache.delete(outbox.DISPATCH_ASKED_KEY)  # the gathering is over
            with django_capture_on_commit_callbacks(execute=True):
                file_case(FRIDAY_9AM)
        assert dispatch.call_count == 2
    assert Notification.objects.filter(sent_at=None).count() == 8
    assert outbox.outbox_dispatch().sent == 8  # what each of those tasks does


def test_a_step_that_writes_no_message_asks_for_no_dispatch(
    staff, procedure, django_capture_on_commit_callbacks
):
    silent = {**APPLICANT, "email": "", "phone": ""}
    with mock.patch("notifications.tasks.dispatch_outbox.apply_async") as dispatch:
        with django_capture_on_commit_callbacks(execute=True):
            services.case_file(
                procedure=procedure, applicant=silent, channel="counter", by=staff["counter"]
            )
    assert dispatch.call_count == 0


def test_a_failed_send_is_not_marked_sent_and_is_retried_with_backoff(file_case, gateway, settings):
    """Regression: the row was marked sent before sending, so a failure lost the message."""
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    gateway.status = 503
    sms = row(file_case(FRIDAY_9AM), "sms")

    with time_machine.travel(FRIDAY_9AM, tick=False):
        assert outbox.outbox_dispatch(ids=[sms.pk]).retried == 1
    sms.refresh_from_db()
    assert (sms.sent_at, sms.attempts) == (None, 1)
    assert sms.next_attempt_at == FRIDAY_9AM + timedelta(seconds=60)
    assert "503" in sms.last_error

    with time_machine.travel(FRIDAY_9AM + timedelta(seconds=61), tick=False):
        assert outbox.outbox_dispatch(ids=[sms.pk]).retried == 1  # the second wait doubles
    sms.refresh_from_db()
    assert sms.next_attempt_at == FRIDAY_9AM + timedelta(seconds=61 + 120)

    gateway.status = 200
    with time_machine.travel(FRIDAY_9AM + timedelta(seconds=200), tick=False):
        assert outbox.outbox_dispatch(ids=[sms.pk]).sent == 1
    assert Notification.objects.get(pk=sms.pk).sent_at is not None


def test_the_sms_gateway_timing_out_is_retried_with_the_same_idempotency_key(file_case, gateway):
    sms = row(file_case(FRIDAY_9AM), "sms")
    gateway.delay = 2  # longer than the 0.5 s timeout
    with time_machine.travel(FRIDAY_9AM, tick=False):
        assert outbox.outbox_dispatch(ids=[sms.pk]).retried == 1
    sms.refresh_from_db()
    assert sms.sent_at is None and "timed out" in sms.last_error

    gateway.delay = 0
    with time_machine.travel(FRIDAY_9AM + timedelta(minutes=2), tick=False):
        assert outbox.outbox_dispatch(ids=[sms.pk]).sent == 1
    keys = {headers["Idempotency-Key"] for headers, _ in gateway.requests}
    assert keys == {f"onestop-notification-{sms.pk}"}
    assert gateway.requests[-1][1]["to"] == APPLICANT["phone"]


def test_a_number_the_gateway_refuses_is_parked_at_once(file_case, gateway):
    gateway.status = 400
    sms = row(file_case(FRIDAY_9AM), "sms")
    assert outbox.outbox_dispatch(ids=[sms.pk]).parked == 1
    assert Notification.objects.get(pk=sms.pk).parked_at is not None


def test_a_bouncing_address_is_recorded_and_not_retried_forever(file_case, settings, rf):
    smtp = BouncingSmtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    email = row(file_case(FRIDAY_9AM), "email")
    with serving(smtp.server):
        assert outbox.outbox_dispatch(ids=[email.pk]).parked == 1
        email.refresh_from_db()
        assert email.parked_at is not None and email.sent_at is None
        assert email.last_error.startswith("Bounced") and APPLICANT["email"] in email.last_error
        assert email.secret == ""  # given up: the PIN is not kept
        with time_machine.travel(timezone.now() + timedelta(days=30)):
            assert outbox.outbox_dispatch(ids=[email.pk]).claimed == 0
        assert len(smtp.refused) == 1

    # The administrator fixes the address and resends from the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    request = rf.post("/")
    request.user = type("Admin", (), {"is_authenticated": True})()
    model_admin = NotificationAdmin(Notification, admin.site)
    model_admin.message_user = lambda *args, **kwargs: None
    model_admin.resend(request, Notification.objects.filter(pk=email.pk))
    assert outbox.outbox_dispatch(ids=[email.pk]).sent == 1


def test_a_row_failing_every_time_is_parked_after_the_last_attempt(file_case, gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    gateway.status = 500
    sms = row(file_case(FRIDAY_9AM), "sms")
    moment = FRIDAY_9AM
    outcomes = []
    for _ in range(4):
        moment += timedelta(hours=2)
        with time_machine.travel(moment, tick=False):
            result = outbox.outbox_dispatch(ids=[sms.pk])
        outcomes.append((result.retried, result.parked))
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    assert len(gateway.requests) == 3


def test_a_worker_killed_mid_send_leaves_the_row_to_be_sent_after_its_lease(
    file_case, mailoutbox, settings
):
    settings.OUTBOX_LEASE_SECONDS = 120
    email = row(file_case(FRIDAY_9AM), "email")
    # A worker claims the row, then dies before sending: no sent_at, only a lease.
    [claimed] = outbox.outbox_claim(now=FRIDAY_9AM, limit=10, ids=[email.pk])
    assert claimed.claimed_until == FRIDAY_9AM + timedelta(seconds=120)

    with time_machine.travel(FRIDAY_9AM + timedelta(seconds=60), tick=False):
        assert outbox.outbox_dispatch(ids=[email.pk]).claimed == 0  # leased to the dead one
    with time_machine.travel(FRIDAY_9AM + timedelta(seconds=121), tick=False):
        assert outbox.outbox_dispatch(ids=[email.pk]).sent == 1
    assert [m.subject for m in mailoutbox] == [email.subject]


def test_a_batch_stops_when_slow_sends_have_used_up_its_lease(file_case, gateway, settings):
    settings.OUTBOX_LEASE_SECONDS = 1
    settings.SMS_GATEWAY_TIMEOUT = 5
    gateway.delay = 1.2  # one send outlasts the lease
    first, second = (row(file_case(FRIDAY_9AM), "sms") for _ in range(2))

    assert outbox.outbox_dispatch(ids=[first.pk, second.pk]).sent == 1
    assert Notification.objects.get(pk=second.pk).sent_at is None
    assert outbox.outbox_dispatch(ids=[second.pk]).sent == 1


def test_two_dispatchers_at_once_send_each_row_once(transactional_db, file_case, mailoutbox):
    for _ in range(20):
        file_case(FRIDAY_9AM)
    results = []

    def run():
        try:
            while (result := outbox.outbox_dispatch(limit=3)).claimed:
                results.append(result.sent)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(results) == 40
    assert len(mailoutbox) == 20
    assert not Notification.objects.filter(sent_at=None).exists()


def test_the_dispatch_task_drains_batches_at_once_sending_each_row_once(
    transactional_db, file_case, mailoutbox, monkeypatch
):
    for _ in range(20):
        file_case(FRIDAY_9AM)
    monkeypatch.setattr(outbox, "DISPATCH_BATCH", 3)
    dispatch, batches_by = outbox.outbox_dispatch, []

    def dispatch_noting_the_thread(**kwargs):
        batches_by.append(threading.current_thread().name)
        return dispatch(**kwargs)

    monkeypatch.setattr(outbox, "outbox_dispatch", dispatch_noting_the_thread)

    assert outbox.outbox_drain(seconds=60) == 40  # a receipt by SMS and by e-mail each
    assert len(mailoutbox) == 20
    assert not Notification.objects.filter(sent_at=None).exists()
    # The second batch's thread took its share (a batch's database work and another's
    # sending overlap).
    assert {name.split("_")[0] for name in batches_by} == {"MainThread", "outbox-batch"}

    # A drain with less than a batch to send opens no second connection for it.
    batches_by.clear()
    file_case(FRIDAY_9AM)
    assert outbox.outbox_drain(seconds=60) == 2
    assert batches_by == ["MainThread"]


def test_each_attempt_is_recorded_with_its_own_reply_in_one_statement(file_case, gateway):
    case = file_case(FRIDAY_9AM)
    attempts = [
        DeliveryAttempt.objects.create(notification=row(case, "sms"), channel="sms",
                                       recipient="84912345678", key=f"k{i}")
        for i in range(3)
    ]  # fmt: skip
    for i, attempt in enumerate(attempts):
        attempt.outcome, attempt.reply = "delivered", f"reply {i}"
        attempt.finished_at = None if i == 1 else FRIDAY_9AM + timedelta(seconds=i)
    with CaptureQueriesContext(connection) as queries:
        update_each(attempts, ["outcome", "reply", "finished_at"])
    assert len(queries) == 1
    assert [
        (a.outcome, a.reply, a.finished_at) for a in DeliveryAttempt.objects.order_by("key")
    ] == [
        ("delivered", "reply 0", FRIDAY_9AM),
        ("delivered", "reply 1", None),
        ("delivered", "reply 2", FRIDAY_9AM + timedelta(seconds=2)),
    ]
    # A value too long for its column is refused, as by `save()`, never cut short.
    attempts[0].provider_id = "x" * 81
    with pytest.raises(DataError), transaction.atomic():
        update_each(attempts[:1], ["provider_id"])
