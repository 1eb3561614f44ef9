"""`?format=csv` and `?format=xlsx`: the same rows as the JSON, as a file."""

import csv
import io
import json

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

    def cell(value):
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False, default=str)
        return value if value is None or isinstance(value, int | float) else str(value)

    return columns, [inert_row([cell(row.get(key)) for key in columns]) for row in data]


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
