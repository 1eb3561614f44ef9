"""`field__any_of=ids`: membership in a set of ids as ONE query parameter; and
`name__folded`, a text without its diacritics (`onestop.folding`).

`field__in=ids` compiles one placeholder and one prepared value per id, on every query: with
a province's hundred agencies that was most of the compile time of a staff user's case
queries (the visibility filter is in all of them). PostgreSQL takes the ids as one array;
SQLite (the embedded mode) as one JSON list.
"""

import json

from django.db.models import CharField, ForeignKey, IntegerField, Lookup, TextField

from onestop.folding import Folded

CharField.register_lookup(Folded)
TextField.register_lookup(Folded)


@ForeignKey.register_lookup
@IntegerField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [sorted(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        values = [json.dumps(ids) for ids in rhs_params]
        return f"{lhs} IN (SELECT value FROM json_each({rhs}))", [*lhs_params, *values]
