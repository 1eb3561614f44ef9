"""Messages citizens read: Zalo first, SMS under the province's brand name, then e-mail, each
through the one outbox, against simulators that answer as the providers do (on a socket)."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import checks
from django.db import connection

from cases import services
from notifications import services as outbox
from notifications import zalo
from notifications.admin import ProviderTemplateForm
from notifications.channels.sms import viettel_envelope
from notifications.models import (
    DeliveryAttempt,
    Notification,
    ProviderTemplate,
    Suppression,
    ZaloToken,
)
from notifications.selectors import attempts_for
from notifications.simulators import Simulators, serve

from .conftest import APPLICANT, FRIDAY_9AM, vn
from .test_worker import wait_for, worker  # noqa: F401 (the worker fixture)

pytestmark = pytest.mark.django_db

NO_ZALO = "84912345000"  # the simulators: no Zalo account (-118), SMS delivered
REFUSES_SMS = "84912345003"  # delivered on Zalo, the SMS carriers refuse it

RECEIPT_PARAMS = [
    {"name": "ma_ho_so", "source": "code", "max_length": 30, "cut": False},
    {"name": "thu_tuc", "source": "procedure", "max_length": 30, "cut": True},
    {"name": "ngay_hen", "source": "appointment", "max_length": 20, "cut": False},
    {"name": "ma_tra_cuu", "source": "pin", "max_length": 10, "cut": False},
]


@pytest.fixture
def sims(settings):
    """The Zalo and carrier simulators on a socket, and the channels pointed at them."""
    simulators = Simulators()
    with serve(simulators) as url:
        settings.ZALO_APP_ID = "onestop-test"
        settings.ZALO_API_URL, settings.ZALO_OAUTH_URL = url + "zalo/", url + "zalo/oauth/"
        settings.ZALO_REFRESH_TOKEN = "simulator"
        settings.ZALO_TIMEOUT = settings.SMS_TIMEOUT = 0.5
        settings.VIETTEL_SMS_URL, settings.VNPT_SMS_URL = url + "viettel/", url + "vnpt/"
        settings.SMS_BACKEND = "notifications.channels.sms.ViettelSms"
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        yield simulators


@pytest.fixture
def receipt_on_zalo(db):
    for language, template_id in (("vi", "301001"), ("en", "301002")):
        ProviderTemplate.objects.create(
            provider="zns", action="accept", language=language, template_id=template_id,
            params=RECEIPT_PARAMS,
        )  # fmt: skip


@pytest.fixture
def file_for(staff, procedure):
    """File at the counter for an applicant reached by these channels, in this language."""

    def file(at=FRIDAY_9AM, *, phone=APPLICANT["phone"], channels=("zalo", "sms", "email"),
             language="", name=None):  # fmt: skip
        applicant = {**APPLICANT, "phone": phone, "channels": list(channels), "language": language}
        return services.case_file(
            procedure=procedure if name is None else _renamed(procedure, name),
            applicant=applicant, channel="counter", by=staff["counter"], now=at,
        )  # fmt: skip

    return file


def _renamed(procedure, name):
    procedure.name = name
    procedure.save(update_fields=["name"])
    return procedure


def message_of(case) -> Notification:
    return Notification.objects.get(case=case, kind="accept")


def outcomes(case) -> list[tuple[str, str, str]]:
    return [(a.channel, a.recipient, a.outcome) for a in attempts_for(case)]


# --- the channels in order ---------------------------------------------------------------


def test_a_zalo_first_applicant_gets_the_receipt_on_zalo(sims, receipt_on_zalo, file_for):
    case = file_for()
    message = message_of(case)
    assert (message.channel, message.recipient) == ("zalo", "84912345678")

    assert outbox.outbox_dispatch(ids=[message.pk]).sent == 1

    [received] = sims.zalo.received
    assert received.template_id == "301001"  # the Vietnamese template
    assert received.data == {
        "ma_ho_so": case.code,
        "thu_tuc": "Cấp Phiếu lý lịch tư pháp cho…",  # cut to its 30 characters
        "ngay_hen": "09:00 02/12/2026",
        "ma_tra_cuu": case.pin,
    }
    assert received.key == f"onestop-notification-{message.pk}"  # tracking id
    [attempt] = attempts_for(case)
    assert (attempt.channel, attempt.outcome, attempt.provider_id) == (
        "zalo", "delivered", received.msg_id,
    )  # fmt: skip
    message.refresh_from_db()
    assert message.sent_at is not None and message.secret == ""


def test_no_zalo_account_falls_back_to_sms_once_and_later_messages_skip_zalo(
    sims, receipt_on_zalo, file_for, staff
):
    case = file_for(phone="0912 345 000")
    result = outbox.outbox_dispatch(ids=[message_of(case).pk])

    assert (result.sent, result.fell_back) == (1, 1)
    assert outcomes(case) == [
        ("zalo", NO_ZALO, "person_failed"),
        ("sms", NO_ZALO, "delivered"),
    ]
    [sms] = sims.viettel.received
    assert sms.text.startswith(f"Ho so {case.code} da duoc tiep nhan.")  # no diacritics
    assert Suppression.objects.filter(channel="zalo", address=NO_ZALO).exists()

    # The next message to this person goes by SMS without asking Zalo again.
    services.case_act(
        case=case, action="request-supplement", by=staff["counter"], now=FRIDAY_9AM,
        items=["Ảnh 4x6"], reason="Thiếu ảnh",
    )  # fmt: skip
    supplement = Notification.objects.get(case=case, kind="request-supplement")
    assert outbox.outbox_dispatch(ids=[supplement.pk]).sent == 1
    assert len(sims.zalo.received) == 1 and len(sims.viettel.received) == 2
    assert message_of(case).channel == "sms"


def test_a_person_no_channel_reaches_is_parked_with_each_attempt_recorded(
    sims, receipt_on_zalo, file_for
):
    """Zalo refuses the number, so does the carrier, and there is no e-mail."""
    case = file_for(phone="0912345001", channels=("zalo", "sms"))
    result = outbox.outbox_dispatch(ids=[message_of(case).pk])

    assert (result.sent, result.parked) == (0, 1)
    assert [o[2] for o in outcomes(case)] == ["person_failed", "person_failed"]
    assert "Check_Receiver" in message_of(case).last_error


def test_messages_to_a_provider_go_on_one_kept_alive_connection(sims, receipt_on_zalo, file_for):
    for _ in range(3):
        case = file_for()
        assert outbox.outbox_dispatch(ids=[message_of(case).pk]).sent == 1
    assert len(sims.zalo.received) == 3
    # The token's renewal (from this thread) on one, the three messages (from the
    # outbox's event loop) on another: not one a message.
    assert sims.connections == 2


def test_a_provider_that_never_completes_the_tls_handshake_is_retried_not_held(
    sims, receipt_on_zalo, file_for, settings
):
    # Nothing reached Zalo: no reason to wait for a delivery report, as after a timeout.
    settings.ZALO_API_URL = settings.ZALO_API_URL.replace("http://", "https://")
    case = file_for(channels=("zalo",))
    outbox.outbox_dispatch(ids=[message_of(case).pk])
    [(channel, _, outcome)] = outcomes(case)
    assert (channel, outcome) == ("zalo", "retry")
    assert sims.zalo.received == []


def test_an_english_speaking_citizen_gets_english_on_every_channel(sims, receipt_on_zalo, file_for):
    case = file_for(language="en")
    outbox.outbox_dispatch(ids=[message_of(case).pk])
    assert sims.zalo.received[0].template_id == "301002"

    fallback = file_for(phone="0912345000", language="en")
    outbox.outbox_dispatch(ids=[message_of(fallback).pk])
    assert sims.viettel.received[0].text.startswith(f"Case {fallback.code} received.")


def test_an_action_without_a_zalo_template_goes_by_the_next_channel(sims, file_for):
    case = file_for()  # no ProviderTemplate for accept
    outbox.outbox_dispatch(ids=[message_of(case).pk])
    assert sims.zalo.received == []
    assert outcomes(case) == [("sms", "84912345678", "delivered")]


def test_vnpt_gets_the_registered_template_with_numbered_parameters(sims, file_for, settings):
    settings.SMS_BACKEND = "notifications.channels.sms.VnptSms"
    ProviderTemplate.objects.create(
        provider="vnpt", action="accept", language="vi", template_id="7001",
        params=[{"name": "1", "source": "code"}, {"name": "2", "source": "appointment_date"}],
    )  # fmt: skip
    sims.vnpt.templates = {"7001": 2}
    case = file_for(channels=("sms",))
    assert outbox.outbox_dispatch(ids=[message_of(case).pk]).sent == 1
    [received] = sims.vnpt.received
    assert (received.phone, received.template_id) == ("84912345678", "7001")
    assert received.data == {"1": case.code, "2": "02/12/2026"}


@pytest.mark.parametrize(
    "code, outcome",
    [
        (-100, "retry"),
        (-108, "person_failed"),
        (-114, "person_failed"),
        (-118, "person_failed"),
        (-109, "channel_failed"),
        (-111, "channel_failed"),
        (-112, "channel_failed"),
        (-115, "channel_failed"),
        (-999, "channel_failed"),
    ],
)
def test_each_zns_error_code_is_classified(sims, receipt_on_zalo, file_for, code, outcome):
    case = file_for(channels=("zalo", "email"))
    sims.zalo.script = [code]
    outbox.outbox_dispatch(ids=[message_of(case).pk])
    assert outcomes(case)[0][2] == outcome
    # Only the person's failures mark the address; the others are about us or Zalo.
    assert Suppression.objects.filter(channel="zalo").exists() == (outcome == "person_failed")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_a_phone_in_any_common_form_is_kept_as_84(client_for, staff, procedure, typed):
    answer = client_for(staff["counter"]).post(
        "/api/v1/cases/",
        {"procedure": procedure.code, "applicant": {**APPLICANT, "phone": typed},
         "channel": "counter"},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    case = Notification.objects.get(kind="accept", channel="sms").case
    assert case.applicant_phone == "84912345678"


@pytest.mark.parametrize("typed", ["0112345678", "091234567", "12345", "+1 650 253 0000"])
def test_an_impossible_phone_is_refused_at_filing(client_for, staff, procedure, typed):
    answer = client_for(staff["counter"]).post(
        "/api/v1/cases/",
        {"procedure": procedure.code, "applicant": {**APPLICANT, "phone": typed},
         "channel": "counter"},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 400
    assert "+84 912 345 678" in answer.json()["applicant"]["phone"][0]  # how to write one
    assert not Notification.objects.exists()


def test_channels_and_language_are_chosen_at_filing(client_for, staff, procedure):
    answer = client_for(staff["counter"]).post(
        "/api/v1/cases/",
        {"procedure": procedure.code, "channel": "counter",
         "applicant": {**APPLICANT, "channels": ["zalo", "email", "zalo"], "language": "en"}},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    message = Notification.objects.get(kind="accept")
    assert (message.channels, message.language, message.channel) == (
        ["zalo", "email"], "en", "zalo",
    )  # fmt: skip


def test_a_parameter_over_its_length_is_refused_at_start_up_unless_it_may_be_cut(db):
    ProviderTemplate.objects.create(
        provider="zns", action="reject", language="vi", template_id="301009",
        params=[{"name": "ly_do", "source": "reason", "max_length": 30, "cut": False}],
    )  # fmt: skip
    errors = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
    assert [e.id for e in errors] == ["notifications.E003"]
    assert "ly_do" in errors[0].msg and "30" in errors[0].msg  # in the active language

    form = ProviderTemplateForm(
        data={"provider": "zns", "action": "stop", "language": "vi", "template_id": "1",
              "params": '[{"name": "ly_do", "source": "reason", "max_length": 30}]'}
    )  # fmt: skip
    assert not form.is_valid() and "ly_do" in str(form.errors["params"])
    form = ProviderTemplateForm(
        data={"provider": "zns", "action": "stop", "language": "vi", "template_id": "1",
              "params": '[{"name": "ly_do", "source": "reason", "max_length": 30, "cut": true}]'}
    )  # fmt: skip
    assert form.is_valid(), form.errors


def test_every_message_renders_at_start_up_in_both_languages():
    assert [e for e in checks.run_checks() if e.id.startswith("notifications.")] == []


# --- faults ------------------------------------------------------------------------------


def test_the_provider_down_for_an_hour_loses_nothing_and_sends_in_order_after(
    sims, receipt_on_zalo, file_for, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 8
    cases = [file_for(FRIDAY_9AM + timedelta(minutes=i)) for i in range(5)]
    sims.zalo.down = True
    moment = FRIDAY_9AM + timedelta(minutes=5)
    while moment < FRIDAY_9AM + timedelta(hours=1, minutes=5):  # a dispatch every minute
        with time_machine.travel(moment, tick=False):
            outbox.outbox_dispatch()
        moment += timedelta(minutes=1)
    # All five failed at once; then one message probed Zalo at each step of the backoff
    # (after 2, 4, 8, 16 and 32 minutes), the others waiting without a call.
    assert Notification.objects.filter(sent_at=None, parked_at=None).count() == 5
    tries = DeliveryAttempt.objects.filter(channel="zalo", outcome="retry").order_by("id")
    assert [t.notification.case for t in tries] == cases + [cases[0]] * 5

    sims.zalo.down = False
    with time_machine.travel(FRIDAY_9AM + timedelta(hours=2), tick=False):
        result = outbox.outbox_dispatch()
    assert result.sent == 5
    assert [r.data["ma_ho_so"] for r in sims.zalo.received] == [c.code for c in cases]
    assert not Notification.objects.filter(sent_at=None).exists()


def test_a_retry_after_our_own_timeout_never_sends_the_message_twice(
    sims, receipt_on_zalo, file_for, settings, client
):
    settings.MESSAGING_UNKNOWN_WAIT_SECONDS = 600
    case = file_for(channels=("zalo", "sms"))
    message = message_of(case)
    sims.zalo.delay = 1.0  # Zalo sends it, but answers after our 0.5 s
    with time_machine.travel(FRIDAY_9AM + timedelta(minutes=1)):
        outbox.outbox_dispatch(ids=[message.pk])
    assert outcomes(case) == [("zalo", "84912345678", "unknown")]
    sims.zalo.delay = 0

    # Later tries neither ask Zalo again nor fall back to SMS (the person may have it).
    for minutes in (11, 30):
        with time_machine.travel(FRIDAY_9AM + timedelta(minutes=minutes), tick=False):
            outbox.outbox_dispatch()
    assert len(sims.zalo.received) == 1 and sims.viettel.received == []
    message.refresh_from_db()
    assert message.parked_at is not None and "outcome unknown" in message.last_error

    # Zalo's delivery report says the phone has it: sent after all.
    body, headers = sims.zalo.delivery_report(
        sims.zalo.received[0], app_id="onestop-test", oa_secret=settings.ZALO_WEBHOOK_SECRET
    )
    answer = client.post(
        "/api/v1/messaging/zalo/events/", body, content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert answer.status_code == 200
    message.refresh_from_db()
    assert message.sent_at is not None and message.parked_at is None
    assert outcomes(case) == [("zalo", "84912345678", "delivered")]


def test_a_delivery_report_with_a_wrong_signature_is_refused(sims, client, settings):
    settings.ZALO_APP_ID = "onestop-test"
    body = b'{"app_id": "onestop-test", "timestamp": "1", "event_name": "user_received_message"}'
    answer = client.post(
        "/api/v1/messaging/zalo/events/", body, content_type="application/json",
        headers={"X-ZEvent-Signature": "mac=forged"},
    )  # fmt: skip
    assert answer.status_code == 403


def test_an_expired_token_is_renewed_and_the_message_sent(sims, receipt_on_zalo, file_for):
    case = file_for()
    sims.zalo.script = [-124]  # Zalo no longer takes our access token
    outbox.outbox_dispatch(ids=[message_of(case).pk])
    assert outcomes(case) == [("zalo", "84912345678", "retry")]

    assert outbox.outbox_dispatch(ids=[message_of(case).pk]).sent == 1
    assert sims.zalo.renewals == 2  # the first token, then the one after -124


@pytest.mark.django_db(transaction=True)
def test_two_workers_renewing_the_token_at_once_renew_it_once(sims):
    sims.zalo.oauth_delay = 0.3  # Zalo's OAuth is slow: both ask before either has an answer
    tokens = []

    def renewing():
        try:
            tokens.append(zalo.access_token())
        finally:
            connection.close()

    threads = [threading.Thread(target=renewing) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sims.zalo.renewals == 1
    assert len(set(tokens)) == 1 and sims.zalo.token_valid(tokens[0])
    # The refresh token stored is the new one: the next renewal works.
    ZaloToken.objects.update(expires_at=None)
    assert zalo.renew() and sims.zalo.renewals == 2


def test_the_daily_quota_holds_the_rest_until_tomorrow_in_order(
    sims, receipt_on_zalo, file_for, settings
):
    settings.MESSAGING_DAILY_QUOTA = {"zalo": 2}
    cases = [file_for() for _ in range(3)]
    with time_machine.travel(FRIDAY_9AM, tick=False):
        result = outbox.outbox_dispatch()
    assert (result.sent, result.waiting) == (2, 1)
    waiting = Notification.objects.get(sent_at=None)
    assert waiting.case == cases[2] and waiting.next_attempt_at == vn(2026, 11, 28, 0, 0)

    with time_machine.travel(vn(2026, 11, 28, 0, 1), tick=False):
        assert outbox.outbox_dispatch().sent == 1
    assert [r.data["ma_ho_so"] for r in sims.zalo.received] == [c.code for c in cases]


def test_a_care_message_waits_for_the_morning_but_a_receipt_goes_at_night(
    sims, receipt_on_zalo, file_for, staff
):
    ProviderTemplate.objects.create(
        provider="zns", action="apologise", language="vi", template_id="301004",
        params=[{"name": "ma_ho_so", "source": "code", "max_length": 30}],
    )  # fmt: skip
    night = vn(2026, 11, 27, 23, 0)
    case = file_for(night)
    apology = Notification.objects.create(
        case=case, kind="apologise", channel="zalo", recipient="84912345678",
        channels=["zalo"], language="vi", params=message_of(case).params,
        next_attempt_at=night,
    )  # fmt: skip
    with time_machine.travel(night, tick=False):
        result = outbox.outbox_dispatch()
    assert (result.sent, result.waiting) == (1, 1)
    apology.refresh_from_db()
    assert apology.next_attempt_at == vn(2026, 11, 28, 6, 0)
    with time_machine.travel(vn(2026, 11, 28, 6, 0), tick=False):
        assert outbox.outbox_dispatch().sent == 1


def test_a_bounce_suppresses_the_address_and_later_messages_fall_back(
    sims, file_for, settings, client, mailoutbox
):
    settings.BOUNCE_WEBHOOK_TOKEN = "relay-secret"
    first = file_for(channels=("email", "sms"))
    outbox.outbox_dispatch()
    assert len(mailoutbox) == 1

    answer = client.post(
        "/api/v1/messaging/bounces/",
        {"recipient": APPLICANT["email"], "reason": "550 5.1.1 No such user"},
        content_type="application/json", headers={"X-Onestop-Token": "relay-secret"},
    )  # fmt: skip
    assert answer.status_code == 200
    assert attempts_for(first)[0].bounced_at is not None

    later = file_for(channels=("email", "sms"))
    outbox.outbox_dispatch()
    assert len(mailoutbox) == 1  # not mailed again
    assert outcomes(later) == [("sms", "84912345678", "delivered")]


def test_the_bounce_webhook_wants_its_token(client, settings):
    settings.BOUNCE_WEBHOOK_TOKEN = "relay-secret"
    answer = client.post(
        "/api/v1/messaging/bounces/", {"recipient": "a@b.vn"}, content_type="application/json",
        headers={"X-Onestop-Token": "guess"},
    )  # fmt: skip
    assert answer.status_code == 403 and not Suppression.objects.exists()


# --- a real worker, the embedded simulators, the admin's page -------------------------------


@pytest.fixture
def sims_for_the_worker(sims, settings, monkeypatch):
    """The worker process reaches the same simulators, as its environment says."""
    for name in ("ZALO_APP_ID", "ZALO_API_URL", "ZALO_OAUTH_URL", "ZALO_REFRESH_TOKEN",
                 "VIETTEL_SMS_URL", "SMS_BACKEND"):  # fmt: skip
        monkeypatch.setenv(name, str(getattr(settings, name)))
    monkeypatch.setenv("ZALO_TIMEOUT", "5")
    return sims


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_on_zalo_and_falls_back_to_sms_for_a_phone_without_zalo(
    receipt_on_zalo,
    sims_for_the_worker,
    worker,  # noqa: F811 (the fixture imported above)
    file_for,
):
    sims = sims_for_the_worker
    on_zalo, no_zalo = file_for(), file_for(phone="0912345000")
    rows = Notification.objects.filter(case__in=[on_zalo, no_zalo])

    sent = wait_for(lambda: not rows.filter(sent_at=None).exists())
    assert sent, (worker.parent / "worker.log").read_text()
    assert outcomes(on_zalo) == [("zalo", "84912345678", "delivered")]
    assert outcomes(no_zalo) == [
        ("zalo", NO_ZALO, "person_failed"),
        ("sms", NO_ZALO, "delivered"),
    ]
    assert sorted(r.phone for r in sims.zalo.received) == [NO_ZALO, "84912345678"]
    assert [r.phone for r in sims.viettel.received] == [NO_ZALO]
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_in_the_embedded_mode_the_receipt_reaches_the_simulated_zalo(
    receipt_on_zalo, file_for, settings
):
    """The run command's demo: the providers are this process's simulators (`simulator:`
    addresses), reached from the outbox's event loop, and they keep what they receive."""
    from notifications.models import SimulatedMessage

    settings.ZALO_APP_ID, settings.ZALO_REFRESH_TOKEN = "onestop-demo", "simulator"
    settings.ZALO_API_URL, settings.ZALO_OAUTH_URL = "simulator:zalo/", "simulator:zalo/oauth/"
    settings.VIETTEL_SMS_URL = "simulator:viettel/"
    settings.SMS_BACKEND = "notifications.channels.sms.ViettelSms"
    on_zalo, no_zalo = file_for(), file_for(phone="0912345000")

    outbox.outbox_dispatch(ids=[message_of(on_zalo).pk, message_of(no_zalo).pk])

    assert outcomes(on_zalo) == [("zalo", "84912345678", "delivered")]
    assert outcomes(no_zalo) == [("zalo", NO_ZALO, "person_failed"), ("sms", NO_ZALO, "delivered")]
    kept = SimulatedMessage.objects.order_by("id").values_list("provider", "phone", "answer")
    assert sorted(kept) == sorted([
        ("zalo", "84912345678", "0"), ("zalo", NO_ZALO, "-118"),
        ("viettel", NO_ZALO, "Insert MT_QUEUE"),
    ])  # fmt: skip
    # A second later the simulated Zalo reports it on the phone, as its webhook would.
    delivered = DeliveryAttempt.objects.filter(channel="zalo", outcome="delivered")
    assert wait_for(lambda: delivered.exclude(delivered_at=None).exists(), seconds=10)


def test_the_messages_sent_page_shows_each_as_the_phone_does(client, settings):
    """The embedded mode's simulators keep what they receive; the admin shows it on phones."""
    from django.contrib.auth import get_user_model

    from notifications.channels.http import post
    from notifications.models import SimulatedMessage
    from notifications.simulators import embedded

    token = embedded().zalo.token_pair()["access_token"]
    body = {"phone": "84912345678", "template_id": "301001", "tracking_id": "",
            "template_data": {"ma_ho_so": "000.00.20.H38-261127-0007"}}  # fmt: skip
    post("simulator:zalo/message/template", json.dumps(body).encode(),
         "application/json", 1, headers={"access_token": token})  # fmt: skip
    post("simulator:viettel/", viettel_envelope({
        "User": settings.VIETTEL_SMS_USER, "Password": settings.VIETTEL_SMS_PASSWORD,
        "ReceiverID": "84912345000", "Content": "Ho so da duoc tiep nhan", "ContentType": "0",
    }), "text/xml", 1)  # fmt: skip
    assert [(m.provider, m.phone, m.answer) for m in SimulatedMessage.objects.order_by("id")] == [
        ("zalo", "84912345678", "0"), ("viettel", "84912345000", "Insert MT_QUEUE"),
    ]  # fmt: skip

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(admin)
    page = client.get("/admin/notifications/simulatedmessage/").content.decode()
    assert page.count('class="phone ') == 2
    assert "301001" in page and "000.00.20.H38-261127-0007" in page
    assert "Ho so da duoc tiep nhan" in page
