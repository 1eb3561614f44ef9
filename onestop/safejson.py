"""JSON from outside, with a bound on nesting.

`json.loads` recurses once per level: a body nested a few thousand deep raises RecursionError,
which nothing expects (a 500 on every JSON endpoint, issue 19), and one nested a few hundred
deep parses but breaks whatever walks it later. No body we accept goes past a handful of
levels, so anything deeper than MAX_DEPTH is refused as malformed (ValueError; a 400 through
`JSONParser`). DRF parses with `JSONParser` (DEFAULT_PARSER_CLASSES); views that read JSON
by hand call `loads`.
"""

import codecs
import json

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

MAX_DEPTH = 32


class TooDeep(ValueError):
    pass


def loads(data: str | bytes, *, max_depth: int = MAX_DEPTH, **options):
    """`json.loads`, raising ValueError (TooDeep) for arrays and objects nested deeper than
    `max_depth`."""
    try:
        value = json.loads(data, **options)
    except RecursionError:
        raise TooDeep(f"nested deeper than {max_depth} levels") from None
    if _deeper_than(value, max_depth):
        raise TooDeep(f"nested deeper than {max_depth} levels")
    return value


def _deeper_than(value, limit: int) -> bool:
    # Without recursion: the point is not to need the stack.
    pending = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the nesting bound: a deep body is a 400 (ParseError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        constant = drf_json.strict_constant if self.strict else None
        try:
            return loads(codecs.getreader(encoding)(stream).read(), parse_constant=constant)
        except ValueError as error:
            raise ParseError(f"JSON parse error - {error}") from None
