"""Searching names without diacritics (onestop.folding): PostgreSQL's unaccent and pg_trgm,
the immutable `onestop_fold(text)`, and a trigram index on each name searched so that
`onestop_fold(name) LIKE '%…%'` does not read the whole table. SQLite (the embedded mode)
gets the function from Python on each connection and has no such index."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# As onestop.folding.FOLD_FUNCTION_SQL was when this ran (a migration keeps its own copy).
# IMMUTABLE so that an index can hold it; `unaccent` is called with its dictionary named.
FUNCTION = "onestop_fold"
FOLD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""

# (index, table, column)
INDEXES = [
    ("cases_procedure_code_folded", "cases_procedure", "code"),
    ("cases_procedure_name_folded", "cases_procedure", "name"),
    ("cases_case_applicant_name_folded", "cases_case", "applicant_full_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FOLD_FUNCTION_SQL)
    for index, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} "
            f"USING gin ({FUNCTION}({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_agency_reorganisation")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
