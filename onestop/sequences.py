"""Gapless numbers from a counter row: case codes per agency and day, receipts per agency
and year. Knows no app: the caller names its counter model and key."""

from django.db import connection


def next_in_sequence(sequence, **key) -> int:
    """Take the next number of a counter row (`sequence` a model with the key's fields and
    an integer `last`).

    One upsert: the row lock it takes is held to the end of the transaction, so numbers
    are never issued twice; if the transaction rolls back, so does the number.
    """
    table = sequence._meta.db_table
    columns = [sequence._meta.get_field(name).column for name in key]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({", ".join(columns)}, last)
            VALUES ({", ".join(["%s"] * len(columns))}, 1)
            ON CONFLICT ({", ".join(columns)}) DO UPDATE SET last = {table}.last + 1
            RETURNING last
            """,
            list(key.values()),
        )
        return cursor.fetchone()[0]
