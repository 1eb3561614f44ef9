"""Searching without diacritics: "ly lich tu phap" finds "Lý lịch tư pháp".

A name is compared folded: lower case, without its diacritics, "đ" read as "d". The
database folds with the SQL function `onestop_fold(text)`: on PostgreSQL `lower(unaccent(…))`
(created with its trigram indexes by a migration, `FOLD_FUNCTION_SQL`), on SQLite (the
embedded mode) `fold` below, registered on each new connection (`register_on_sqlite`). The
words searched for are folded here, in Python, once: `name__folded__contains=fold(word)`.
"""

import unicodedata

from django.db.models import CharField, Transform

FUNCTION = "onestop_fold"

# IMMUTABLE so that an index can hold it: `unaccent` itself is only STABLE (its dictionary
# could change), so it is called with its dictionary named, as the extension's docs advise.
FOLD_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
"""

# Letters that carry no combining mark to drop: the Vietnamese đ (a stroke, not an accent).
_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str | None) -> str | None:
    """The text in lower case without diacritics ("Đăng ký" → "dang ky")."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Folded(Transform):
    """`onestop_fold(column)`: a column as it is compared with folded words; as a lookup
    (`name__folded__contains=fold(word)`) once registered on the text fields."""

    lookup_name = "folded"
    function = FUNCTION
    output_field = CharField()


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite gets `onestop_fold` as a Python function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold, deterministic=True)
