"""The roll-up under real transactions: what a step appends is counted once, whether a fold
runs beside it, before it commits, or after; a step that rolls back counts nothing."""

import threading

import pytest
from django.db import connection, transaction

from reports import rollup
from reports.models import FactRollup, ResolvedDays

from .conftest import vn
from .report_province import Builder

pytestmark = pytest.mark.django_db(transaction=True)


def totals() -> dict:
    return {
        name: sum(FactRollup.objects.values_list(name, flat=True))
        for name in ("received", "finished", "open", "backlog")
    }


def test_a_fold_beside_an_uncommitted_step_loses_nothing(province, staff, procedure):
    b = Builder(province, staff, procedure)
    cases = [b.counter(vn(2026, 9, day, 9, 0)) for day in (7, 8, 9)]
    assert totals()["received"] == 3
    appended, folded_beside = threading.Event(), threading.Event()

    def step_held_open():
        # A step in another connection: its trigger's rows are written, not yet committed.
        try:
            with transaction.atomic():
                b.act(cases[0], "withdraw", staff["counter"], vn(2026, 9, 10, 9, 0), reason="r")
                appended.set()
                assert folded_beside.wait(10)
        finally:
            connection.close()

    worker = threading.Thread(target=step_held_open)
    worker.start()
    assert appended.wait(10)
    assert rollup.compact() > 0  # folds what is committed; the open step's rows are not seen
    folded_beside.set()
    worker.join()

    # The step's rows, committed after the fold, stand beside the folded ones.
    assert FactRollup.objects.filter(compacted=False).exists()
    assert rollup.differences() == []
    assert totals() == {"received": 3, "finished": 1, "open": 2, "backlog": 2}
    rollup.compact()
    assert not FactRollup.objects.filter(compacted=False).exists()
    assert rollup.differences() == []
    assert totals() == {"received": 3, "finished": 1, "open": 2, "backlog": 2}


def test_a_step_that_rolls_back_counts_nothing(province, staff, procedure):
    b = Builder(province, staff, procedure)
    case = b.counter(vn(2026, 9, 7, 9, 0))
    rollup.compact()
    before = (list(FactRollup.objects.values()), list(ResolvedDays.objects.values()))

    with pytest.raises(RuntimeError), transaction.atomic():
        b.act(case, "withdraw", staff["counter"], vn(2026, 9, 8, 9, 0), reason="r")
        assert FactRollup.objects.filter(compacted=False).exists()
        raise RuntimeError("the step's transaction fails after its facts were written")

    assert (list(FactRollup.objects.values()), list(ResolvedDays.objects.values())) == before
    assert rollup.differences() == []


def test_two_folds_at_once_count_each_row_once(province, staff, procedure):
    b = Builder(province, staff, procedure)
    for day in (7, 8, 9, 10):
        b.counter(vn(2026, 9, day, 9, 0))
    errors = []

    def fold():
        try:
            rollup.compact()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    folds = [threading.Thread(target=fold) for _ in range(4)]
    for thread in folds:
        thread.start()
    for thread in folds:
        thread.join()
    assert errors == []
    assert not FactRollup.objects.filter(compacted=False).exists()
    assert rollup.differences() == []
    assert totals()["received"] == 4
