"""Django 5.2 writes every insert of several rows as `INSERT … SELECT * FROM UNNEST(arrays)`,
which saves planning a long VALUES list. psycopg sends those arrays as text, escaping every
element with a regular expression: for the few rows a step writes, and for JSON columns at
any size, that costs more than it saves. Measured here (CPU of the process a bulk_create):
two portal messages with a 1.2 kB JSON record 0.64 ms by UNNEST, 0.29 ms by VALUES; 200 of
them 32 ms and 23 ms; two document rows 0.39 and 0.24 ms; 200 document rows 6.9 and 12.9 ms,
where UNNEST is worth its arrays.
"""

from django.db.backends.postgresql.compiler import *  # noqa: F403 (the other compilers)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as UnnestInsertCompiler
from django.db.models import JSONField
from django.db.models.sql.compiler import SQLInsertCompiler as ValuesInsertCompiler

UNNEST_FROM_ROWS = 20


class SQLInsertCompiler(UnnestInsertCompiler):
    def assemble_as_sql(self, fields, value_rows):
        if len(value_rows) < UNNEST_FROM_ROWS or any(isinstance(f, JSONField) for f in fields):
            return ValuesInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)
