"""Reports read from the replica when one is configured; writes never go there."""

from datetime import date

import pytest

from cases.models import Case
from reports.drilldown import kpi_case_ids, ratings_in
from reports.kpis import procedures_in
from reports.models import CaseFact, Rating
from reports.routers import PrimaryReplicaRouter, reports_db
from reports.scope import Scope


def test_without_a_replica_reports_read_the_primary(settings):
    assert "replica" not in settings.DATABASES
    assert reports_db() == "default"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_with_a_replica_reports_and_drill_downs_read_it(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    scope = Scope(date(2026, 1, 1), date(2026, 12, 31))
    assert reports_db() == "replica"
    assert scope.facts().db == "replica"
    assert procedures_in(scope).db == "replica"
    assert ratings_in(scope).db == "replica"
    assert kpi_case_ids(scope, "on_time", "numerator").db == "replica"
    # The counter's own reads are not routed there.
    assert Case.objects.all().db == "default"


@pytest.mark.parametrize("model", [Case, CaseFact, Rating])
def test_every_write_goes_to_the_primary(model):
    router = PrimaryReplicaRouter()
    read_from_replica = model()
    read_from_replica._state.db = "replica"
    assert router.db_for_write(model, instance=read_from_replica) == "default"
    assert router.db_for_read(model) is None  # the primary unless a report asks


def test_only_the_primary_is_migrated():
    router = PrimaryReplicaRouter()
    assert router.allow_migrate("default", "reports")
    assert not router.allow_migrate("replica", "reports")
    assert not router.allow_migrate("replica", "cases")


def test_replica_url_makes_a_mirror_in_the_tests(monkeypatch):
    """The settings give the replica TEST.MIRROR: the tests read it through the primary."""
    import importlib

    import onestop.settings as module

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@replica.internal:5432/onestop")
    try:
        fresh = importlib.reload(module)
        assert fresh.DATABASES["replica"]["HOST"] == "replica.internal"
        assert fresh.DATABASES["replica"]["TEST"] == {"MIRROR": "default"}
    finally:
        monkeypatch.delenv("DATABASE_REPLICA_URL")
        importlib.reload(module)


def test_the_replica_behind_pgbouncer_reads_with_client_side_cursors(monkeypatch):
    """DISABLE_SERVER_SIDE_CURSORS=true holds for the replica too: the exports' iterator() on
    it would otherwise hold a cursor (WITH HOLD) that the next transaction's server
    connection of a pooler in transaction mode does not have."""
    import importlib

    import onestop.settings as module

    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://reader@pgbouncer.internal:6432/onestop")
    monkeypatch.setenv("DISABLE_SERVER_SIDE_CURSORS", "true")
    try:
        assert importlib.reload(module).DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"]
    finally:
        monkeypatch.undo()  # the run's own DISABLE_SERVER_SIDE_CURSORS, if any, is back
        importlib.reload(module)
