"""Writing a different value to each of many rows in one statement.

Django's `bulk_update` builds a `CASE WHEN id = … THEN …` expression per row and field; for
a batch of 200 rows and four fields that is 800 resolved expressions, and it cost the
outbox more CPU than sending the messages did. On PostgreSQL `update_each` sends one
`UPDATE … FROM unnest(…)` instead, an array a column; elsewhere (the embedded SQLite), it
is `bulk_update`.
"""

from django.db import connections, models, router


def update_each(objs: list[models.Model], fields: list[str], *, using: str | None = None) -> None:
    """Save `fields` of each of `objs` (all of one model, already in the database)."""
    if not objs:
        return
    model = type(objs[0])
    db = using or router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        model.objects.using(db).bulk_update(objs, fields)
        return
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    # One array a column, whatever the number of rows: the statement's text stays the same
    # (psycopg parses it once), and each element is cast to its column's type without a
    # length: an explicit cast to varchar(n) would cut a long value silently, where the
    # assignment refuses it, as the ORM's does.
    arrays = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objs]
        for field in columns
    ]
    casts = [f"%s::{field.db_type(connection).split('(')[0]}[]" for field in columns]
    quote = connection.ops.quote_name
    names = [quote(field.column) for field in columns]
    assignments = ", ".join(f"{name} = v.{name}" for name in names[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
            f"FROM unnest({', '.join(casts)}) AS v({', '.join(names)}) "
            f"WHERE t.{names[0]} = v.{names[0]}",
            arrays,
        )
