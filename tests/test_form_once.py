"""A form posted twice at once does its work once, with Redis up or down: the claims are
rows in the database."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from onestop import once

pytestmark = pytest.mark.django_db(transaction=True)  # the posts run in threads of their own


@pytest.fixture(params=["redis up", "redis down"])
def redis_state(request, settings):
    if request.param == "redis down":
        settings.REDIS_URL = "redis://127.0.0.1:1/0"
        settings.CACHES = {
            "default": {"BACKEND": "onestop.cache.RedisCache", "LOCATION": settings.REDIS_URL}
        }
    return request.param


def test_eight_posts_of_one_form_at_once_do_the_work_once(redis_state):
    """Regression: with Redis down the guard raised and the intake, online filing and cash
    fee pages answered 500."""
    token = once.new_token()
    done = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work():
        time.sleep(0.2)  # long enough for every other post to arrive meanwhile
        with lock:
            done.append(1)
        return f"HS{len(done)}"

    def post(_):
        start.wait()
        try:
            return once.run_once(scope="intake", token=token, work=work)
        finally:
            connection.close()  # each thread's own

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))

    assert len(done) == 1 and answers == ["HS1"] * 8


def test_a_post_whose_work_failed_may_be_posted_again(redis_state):
    token = once.new_token()

    def failing():
        raise ValueError("the form was wrong")

    with pytest.raises(ValueError):
        once.run_once(scope="intake", token=token, work=failing)
    assert once.run_once(scope="intake", token=token, work=lambda: "HS2") == "HS2"


def test_a_repeat_after_the_first_post_finished_gets_its_answer():
    token = once.new_token()
    assert once.run_once(scope="intake", token=token, work=lambda: "HS1") == "HS1"
    assert once.run_once(scope="intake", token=token, work=lambda: "HS2") == "HS1"
    assert once.run_once(scope="fees", token=token, work=lambda: "HS3") == "HS3"  # its own scope
