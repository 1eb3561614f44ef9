"""onestop.bounded: a function run in a child process under a CPU, memory and wall budget."""

import gc
import multiprocessing.util
import time

import pytest

from onestop.bounded import Unfinished, run_bounded

MiB = 1024 * 1024
ROOMY = {"cpu_seconds": 2, "memory_bytes": 64 * MiB, "wall_seconds": 5}


def spin():
    while True:
        pass


def hoard():
    kept = []
    while True:
        kept.append(bytearray(MiB))


def test_the_child_answers_with_what_the_function_returned():
    assert run_bounded(divmod, 7, 2, **ROOMY) == (3, 1)


def test_a_child_that_computes_past_its_cpu_budget_is_stopped():
    with pytest.raises(Unfinished, match="^out of CPU time$"):
        run_bounded(spin, **{**ROOMY, "cpu_seconds": 0.05})


def test_a_child_that_allocates_past_its_memory_budget_is_stopped():
    with pytest.raises(Unfinished, match="^out of memory$"):
        run_bounded(hoard, **ROOMY)


def test_a_child_that_neither_computes_nor_answers_is_killed_at_the_wall_budget():
    with pytest.raises(Unfinished, match="^stopped after 0.2 s of wall time$"):
        run_bounded(time.sleep, 60, **{**ROOMY, "wall_seconds": 0.2})


def test_what_the_function_raised_is_reported():
    with pytest.raises(Unfinished, match="^raised ValueError.*'not a number'"):
        run_bounded(int, "not a number", **ROOMY)


class Connection:
    """Stands for a broker connection that Celery and kombu close after a fork."""


def test_the_child_runs_no_after_fork_hooks_of_the_parents_connections():
    """Regression: with multiprocessing's fork, a child forked after a Celery call ran
    kombu's hooks that close the parent's broker connections, and hung there."""
    connection = Connection()
    multiprocessing.util.register_after_fork(connection, lambda _: time.sleep(60))

    assert run_bounded(divmod, 7, 2, **{**ROOMY, "wall_seconds": 2}) == (3, 1)


def test_a_collection_in_the_child_leaves_the_parents_heap_alone():
    # A long-lived worker's objects: a collection in the child that walked them (and copied
    # every page it wrote their GC headers to) spent a verification's whole CPU budget.
    heap = [[i] for i in range(3_000_000)]
    assert run_bounded(gc.collect, cpu_seconds=0.5, memory_bytes=64 * MiB, wall_seconds=5) == 0
    assert len(heap) == 3_000_000
