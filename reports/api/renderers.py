"""`?format=csv` and `?format=xlsx`: the same rows as the JSON, as a file.

A paged list (the cases behind a figure, the ratings) is written whole, row by row
(`stream_csv`, `write_xlsx`), never as one page of it nor held in memory at once.
"""

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from rest_framework.renderers import BaseRenderer

from onestop.exports import inert_row


def _rows(data) -> tuple[list[str], list[list]]:
    """Columns in first-seen order; nested values as JSON text; errors as one row; no cell a
    spreadsheet would run as a formula."""
    if isinstance(data, dict):
        data = data.get("results", [data])
    columns: list[str] = []
    for row in data:
        columns += [key for key in row if key not in columns]
    return columns, [inert_row([_cell(row.get(key)) for key in columns]) for row in data]


def _cell(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value if value is None or isinstance(value, int | float) else str(value)


class _Line:
    """What `csv.writer` writes to: it hands each line back instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def stream_csv(columns: list[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """The rows as CSV, line by line (for a `StreamingHttpResponse`)."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(columns)).encode("utf-8")
    for row in rows:
        yield writer.writerow(inert_row([_cell(row.get(key)) for key in columns])).encode("utf-8")


def write_xlsx(columns: list[str], rows: Iterable[dict]):
    """The rows as a workbook in a temporary file (openpyxl's write-only mode keeps one
    row in memory), open at its start."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Onestop")
    sheet.append(columns)
    for row in rows:
        sheet.append(inert_row([_cell(row.get(key)) for key in columns]))
    out = tempfile.TemporaryFile()
    book.save(out)
    out.seek(0)
    return out


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        columns, rows = _rows(data)
        out = io.StringIO()
        out.write("\ufeff")  # so that spreadsheet programs read the Vietnamese as UTF-8
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        columns, rows = _rows(data)
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Onestop")
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
