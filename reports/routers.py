"""Where reports read: the PostgreSQL replica when DATABASE_REPLICA_URL is set.

Report selectors ask `reports_db()` and read with `.using(...)`, so only they go to the
replica: the counter's reads stay on the primary, where its own writes are. The router
sends every write on the primary, even of an object read from the replica, and migrates
only the primary (the replica is a physical copy of it).
"""

from django.conf import settings

PRIMARY, REPLICA = "default", "replica"


def reports_db() -> str:
    """The database alias reports and drill-downs read from."""
    return REPLICA if REPLICA in settings.DATABASES else PRIMARY


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        return None  # the primary, unless a report selector asked for the replica

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
