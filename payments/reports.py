"""The daily reconciliation report (báo cáo đối soát): the day asked for, and as CSV."""

import csv
import io
from datetime import date

from django.http import HttpResponse
from django.utils import timezone

from cases.working_time import VN_TZ
from onestop.exports import inert_row

from . import selectors


def report_day(text: str) -> date:
    """The day of `?date=YYYY-MM-DD`; today (Vietnam time) when absent or not a date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return timezone.localtime(timezone.now(), VN_TZ).date()


def reconciliation_csv(day: date, agency_ids=None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["date", *selectors.REPORT_COLUMNS])
    writer.writeheader()
    for row in selectors.reconciliation_report(day, agency_ids):
        writer.writerow(inert_row({"date": day.isoformat(), **row}))
    return out.getvalue()


def reconciliation_csv_response(day: date, agency_ids=None) -> HttpResponse:
    response = HttpResponse(reconciliation_csv(day, agency_ids), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="doi-soat-{day}.csv"'
    return response
