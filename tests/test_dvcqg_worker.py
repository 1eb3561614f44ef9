"""The portal sync with its real machinery: a Celery worker on Redis, dispatchers on threads
and side by side, the simulator over HTTP."""

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from dvcqg import client as portal_client
from dvcqg import dispatch, simulator
from dvcqg.models import Message, PortalCase, Service, SimulatorRecord
from onestop.celery import app as celery_app

from .conftest import FRIDAY_9AM, act
from .fake_servers import closed_port
from .test_worker import ROOT, wait_for


def in_order(case) -> bool:
    """The portal received the case's messages once each, in the order of its steps."""
    sent = [m.payload for m in Message.objects.filter(case=case).order_by("id")]
    got = [r.data for r in SimulatorRecord.objects.filter(ma_ho_so=case.code, accepted=True)]
    return sent == got


@pytest.fixture
def shared_cache(settings):
    """The worker's cache: no per-test prefix, so both see the simulator's controls."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": ""}}
    simulator.set_control(**simulator.DEFAULT_CONTROL)
    yield
    simulator.set_control(**simulator.DEFAULT_CONTROL)


@pytest.fixture
def worker(tmp_path, shared_cache):
    """A worker on this test database; the portal is the simulator in its process; retries
    come after a second."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "DVCQG_URL": "",
        "DVCQG_RETRY_BASE_SECONDS": "1",
        "DVCQG_RETRY_MAX_SECONDS": "2",
    }
    celery_app.control.purge()
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool", "solo",
         "--hostname", f"dvcqg-{os.getpid()}@%h", "-l", "info"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    if not wait_for(lambda: celery_app.control.ping(timeout=0.5)):
        process.kill()
        pytest.fail("the worker did not start:\n" + log.read_text())
    yield log
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_portal_down_while_the_counter_files_loses_nothing_and_keeps_order(
    worker, file_case, staff
):
    simulator.set_control(down=True)
    cases = []
    for n in range(4):
        case = file_case(FRIDAY_9AM + timedelta(minutes=n))
        act(
            case,
            "assign",
            staff["counter"],
            FRIDAY_9AM + timedelta(hours=1),
            officer=staff["officer"],
        )
        cases.append(case)
    tried = Message.objects.filter(case__in=cases, attempts__gt=0)
    assert wait_for(lambda: tried.count() == 4), worker.read_text()  # each case's first
    assert not Message.objects.exclude(sent_at=None).exists()

    simulator.set_control(down=False)
    # Once the retries' time has come, beat's sweep (sent by name, as beat sends it).
    retry_at = max(PortalCase.objects.filter(case__in=cases).values_list("wait_until", flat=True))
    time.sleep(max(0.0, (retry_at - timezone.now()).total_seconds()))
    celery_app.send_task(settings.CELERY_BEAT_SCHEDULE["dvcqg-dispatch"]["task"])

    pending = Message.objects.filter(case__in=cases, sent_at=None)
    assert wait_for(lambda: not pending.exists()), worker.read_text()
    assert all(in_order(case) for case in cases)
    connection.close()
    log = worker.read_text()
    assert "dvcqg.tasks.dispatch_messages" in log
    assert settings.DVCQG_PASSWORD not in log


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_on_threads_keep_every_case_in_order(settings, file_case, staff):
    """Regression guard for the lease: cases sent from many threads by two dispatchers at
    once, one of them failing now and then, reach the portal in their own order."""
    settings.DVCQG_URL, settings.DVCQG_CONCURRENCY, settings.DVCQG_TIMEOUT = "", 6, 2.0
    cases = [file_case(FRIDAY_9AM) for _ in range(12)]
    for step, case in enumerate(cases):
        act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
        act(case, "submit-result", staff["officer"], FRIDAY_9AM + timedelta(minutes=step))
    simulator.set_control(delay_ms=10, faults=["busy", "html"] * 3)
    settings.DVCQG_RETRY_BASE_SECONDS = 0  # failures due again at once

    runs = [threading.Thread(target=dispatch.dispatch, kwargs={"seconds": 20}) for _ in (1, 2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    assert not Message.objects.filter(sent_at=None).exists()
    assert all(in_order(case) for case in cases)
    assert not PortalCase.objects.exclude(claimed_until=None).exists()


def retry_now():
    """The backoff over."""
    PortalCase.objects.update(wait_until=None)
    Message.objects.update(next_attempt_at=timezone.now())


@pytest.fixture
def over_http(settings, live_server, shared_cache):
    settings.DVCQG_SIMULATOR = True
    settings.DVCQG_URL = f"{live_server.url}/dvcqg/simulator/api/"
    settings.DVCQG_AUTH_URL = f"{live_server.url}/dvcqg/simulator/auth/"
    settings.DVCQG_CONCURRENCY, settings.DVCQG_TIMEOUT = 1, 1.0
    yield live_server
    # Our kept-alive connection holds a server thread, and its database session, open.
    portal_client._http().close()


@pytest.mark.django_db(transaction=True)
def test_the_portal_over_http_a_slow_answer_and_a_closed_port_are_retried(
    over_http, settings, file_case
):
    slow = file_case(FRIDAY_9AM)
    # Signed in while the portal is quick (a session another test left in the shared
    # cache must not be what this test stands on): it is the message that waits too long.
    cache.delete(portal_client.SESSION_KEY)
    portal_client.session()
    simulator.set_control(delay_ms=1300)  # later than the client waits
    assert dispatch.dispatch().retried == 1
    assert "no answer within 1 s" in Message.objects.filter(case=slow).first().last_error
    # The portal took it all the same, after the client gave up.
    assert wait_for(lambda: SimulatorRecord.objects.exists(), seconds=10)

    settings.DVCQG_URL = f"http://127.0.0.1:{closed_port()}/api/"
    retry_now()
    assert dispatch.dispatch().retried == 1
    assert "unreachable: ConnectionError" in Message.objects.filter(case=slow).first().last_error

    settings.DVCQG_URL = f"{over_http.url}/dvcqg/simulator/api/"
    simulator.set_control(delay_ms=0)
    retry_now()
    assert dispatch.dispatch().sent == 3
    assert not Message.objects.filter(sent_at=None).exists()
    answers = SimulatorRecord.objects.filter(service=Service.CASE).order_by("id")
    assert [(r.updating, r.reply["error_code"]) for r in answers] == [
        (False, "0"),  # the late one
        (False, "-3"),  # already exists:
        (True, "0"),  # so sent as the update
    ]


def test_the_simulator_is_not_served_unless_switched_on(settings, client):
    settings.DVCQG_SIMULATOR = False
    answer = client.post("/dvcqg/simulator/api/", "{}", content_type="application/json")
    assert answer.status_code == 404
