"""Writing generated rows fast: per table, in chunks, with PostgreSQL's COPY on a connection
of its own (a thread writes one chunk while the next is drawn); elsewhere (the embedded
SQLite) with bulk inserts. Used by `generate`."""

import json
import queue
import threading
from datetime import datetime, timedelta

import psycopg
from django.db import connection
from django.utils.duration import duration_microseconds

from cases.models import AppointmentChange, Case, CaseDocument, CaseEvent
from payments.models import FeeExemption, PaymentRequest, Receipt
from reports.models import CaseFact, FactRollup, Rating

CASE_COLUMNS = (
    "id code reference pin_hash procedure_id receiving_agency_id deciding_agency_id "
    "applicant_full_name applicant_id_number applicant_phone applicant_email applicant_address "
    "channel return_channel status version assigned_to_id submitted_at received_at "
    "appointment_at resolved_at returned_at closed_at next_alert_at alert_level "
    "applicant_notify_by"
).split()
EVENT_COLUMNS = "id case_id actor_id at action from_status to_status reason form data".split()
CHANGE_COLUMNS = "id case_id event_id old_at new_at reason".split()
DOCUMENT_COLUMNS = "id case_id name digitised reused file sha256 added_at".split()
FACT_COLUMNS = ["case_id"] + [
    f
    for f in (
        "procedure_id deciding_agency_id officer_id level online_level channel status "
        "return_channel received_at due_at resolved_at returned_at finished_at ended_at on_time "
        "supplements transfers apologised signed_digitally digitised fee_bearing fee_exempt "
        "paid_online processing_days written_result started_at reused processing_time "
        "processing_unit paused_since waited waited_calendar reorganised_at"
    ).split()
]
RATING_COLUMNS = "case_id value comment created_at".split()
PAYMENT_COLUMNS = (
    "id case_id reference method gateway amount currency items state payment_url "
    "transaction_id bank_code transfer_reference needs_review review_note created_by_id "
    "created_at paid_at"
).split()
RECEIPT_COLUMNS = "id payment_id agency_id year number issued_at".split()
EXEMPTION_COLUMNS = "id case_id fee_item_id reason granted_by_id granted_at".split()


def _copy_text(value) -> str:
    """One value in COPY's text format (the generator's own strings hold no tab or newline)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{duration_microseconds(value)} microseconds"
    return str(value).replace("\\", "\\\\")


def _sqlite_value(value):
    # SQLite keeps a duration as its microseconds (Django's DurationField there).
    return duration_microseconds(value) if isinstance(value, timedelta) else value


class Writer:
    """Rows of one chunk, per table. On PostgreSQL a thread writes the chunks with COPY on a
    connection of its own, in one transaction, while the next chunk is drawn; elsewhere
    (the embedded SQLite) they are inserted at once."""

    TABLES = {
        Case: CASE_COLUMNS,
        CaseEvent: EVENT_COLUMNS,
        AppointmentChange: CHANGE_COLUMNS,
        CaseDocument: DOCUMENT_COLUMNS,
        CaseFact: FACT_COLUMNS,
        Rating: RATING_COLUMNS,
        PaymentRequest: PAYMENT_COLUMNS,
        Receipt: RECEIPT_COLUMNS,
        FeeExemption: EXEMPTION_COLUMNS,
    }
    # The tables whose ids the generator draws: their sequences go on from the last one.
    NUMBERED = (
        Case,
        CaseEvent,
        AppointmentChange,
        CaseDocument,
        PaymentRequest,
        Receipt,
        FeeExemption,
    )

    def __init__(self):
        self.rows = {model: [] for model in self.TABLES}
        self.ids = {}
        for model in self.NUMBERED:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.ids[model] = last
        self.copying = connection.vendor == "postgresql"
        self.thread = None
        self.failure = None
        self.chunks = queue.Queue(maxsize=2)

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def flush(self):
        if self.copying:
            if self.thread is None:
                self.thread = threading.Thread(target=self._copy_all, daemon=True)
                self.thread.start()
            if self.failure:
                raise self.failure
            self.chunks.put(
                {
                    model._meta.db_table: (
                        self.TABLES[model],
                        "".join(["\t".join(map(_copy_text, row)) + "\n" for row in rows]),
                    )
                    for model, rows in self.rows.items()
                    if rows
                }
            )
        else:
            with connection.cursor() as cursor:
                for model, rows in self.rows.items():
                    columns = self.TABLES[model]
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
                        f"VALUES ({marks})",
                        [[_sqlite_value(value) for value in row] for row in rows],
                    )
        for rows in self.rows.values():
            rows.clear()

    def _copy_all(self):
        """The COPY thread: every chunk in one transaction, committed at the end."""
        conn = connection.get_new_connection(connection.get_connection_params())
        try:
            with conn.transaction():
                _skip_row_checks(conn)
                while (chunk := self.chunks.get()) is not None:
                    for table, (columns, text) in chunk.items():
                        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                        with conn.cursor().copy(sql) as copy:
                            copy.write(text)
        except Exception as exc:  # reported by the next flush() or by finish()
            self.failure = exc
            while self.chunks.get() is not None:  # let the generating thread finish
                pass
        finally:
            conn.close()

    def finish(self):
        if self.thread is None:
            return
        self.chunks.put(None)
        self.thread.join()
        if self.failure:
            raise self.failure
        with connection.cursor() as cursor:
            for model in self.NUMBERED:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                    [self.ids[model]],
                )
            for model in self.TABLES:
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    @classmethod
    def vacuum(cls):
        """After the commit (VACUUM runs outside a transaction): the reports' covering
        indexes are read alone only where the visibility map says the rows are visible."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            for model in [*cls.TABLES, FactRollup]:
                cursor.execute(f"VACUUM {model._meta.db_table}")


def _skip_row_checks(conn):
    """For this transaction, skip the foreign-key triggers (as pg_restore does): the rows are
    consistent by construction, and checking 10 million of them one by one costs minutes.
    Needs a superuser; otherwise the checks simply run."""
    try:
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
    except psycopg.Error:
        pass


_JSON: dict = {}


def json_text(data: dict) -> str:
    """json.dumps, remembered: most steps carry one of a few small payloads."""
    key = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in data.items())
    text = _JSON.get(key)
    if text is None:
        text = _JSON[key] = json.dumps(data, ensure_ascii=False)
    return text
