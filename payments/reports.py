"""The daily reconciliation report (báo cáo đối soát) as CSV."""

import csv
import io
from datetime import date

from . import selectors


def reconciliation_csv(day: date) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["date", *selectors.REPORT_COLUMNS])
    writer.writeheader()
    for row in selectors.reconciliation_report(day):
        writer.writerow({"date": day.isoformat(), **row})
    return out.getvalue()
