"""A form posted twice at once does its work once, whatever the cache (Redis in production,
the file cache of the embedded mode, whose one process serves requests in threads)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from onestop import once


@pytest.fixture(params=["redis", "file"])
def cache_kind(request, settings, tmp_path):
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    return request.param  # Redis: the test's own key prefix (conftest), never flushed


def test_eight_posts_of_one_form_at_once_do_the_work_once(cache_kind):
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
        return once.run_once(scope="intake", token=token, work=work)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))

    assert len(done) == 1 and answers == ["HS1"] * 8


def test_a_post_whose_work_failed_may_be_posted_again(cache_kind):
    token = once.new_token()

    def failing():
        raise ValueError("the form was wrong")

    with pytest.raises(ValueError):
        once.run_once(scope="intake", token=token, work=failing)
    assert once.run_once(scope="intake", token=token, work=lambda: "HS2") == "HS2"
