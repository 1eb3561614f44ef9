"""Satisfaction ratings sent to the portal monthly (DongBoDanhGia).

One summary per procedure for a calendar month (Vietnam time): how many rated, and the
shares of very satisfied, satisfied and not satisfied, with the comments. A month is sent
once: beat asks daily, and the month before is sent until the portal has acknowledged it.
"""

from collections import defaultdict
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Agency
from cases.working_time import VN_TZ
from reports import sources

from . import client
from .client import Outcome
from .models import RatingsReport

VALUES = ("very_satisfied", "satisfied", "not_satisfied")  # reports.RatingValue's values
MAX_COMMENTS = 20  # per procedure


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    start = datetime(month.year, month.month, 1, tzinfo=VN_TZ)
    following = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=VN_TZ)
    return start, following


def last_month(now: datetime) -> date:
    today = timezone.localtime(now, VN_TZ).date()
    return date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)


def summary(month: date) -> list[dict]:
    """The month's ratings, one item per procedure, as DongBoDanhGia takes them."""
    start, end = _month_bounds(month)
    # The ratings are the reports app's: read through its documented seam.
    rated = sources.ratings_given(start, end)
    by_procedure = defaultdict(lambda: {"counts": dict.fromkeys(VALUES, 0), "comments": []})
    for row in rated.order_by("procedure_code"):
        entry = by_procedure[(row["procedure_code"], row["procedure_name"])]
        entry["counts"][row["value"]] += 1
        if row["comment"] and len(entry["comments"]) < MAX_COMMENTS:
            entry["comments"].append(row["comment"])
    agency = Agency.objects.filter(code=settings.DVCQG_AGENCY_CODE).values("name").first()
    items = []
    for (code, name), entry in by_procedure.items():
        counts, total = entry["counts"], sum(entry["counts"].values())
        very, good = (round(100 * counts[v] / total) for v in VALUES[:2])
        items.append(
            {
                "NgayTongHop": f"{month.month}-{month.year}",
                "TongSoNguoiDanhGia": total,
                "PhanTramDanhGiaRatHaiLong": f"{very}%",
                "PhanTramDanhGiaHaiLong": f"{good}%",
                "PhanTramDanhGiaChuaHaiLong": f"{100 - very - good}%",
                "DanhSachNoiDungYKien": "; ".join(entry["comments"]),
                "MaThuTuc": code,
                "NoiDung": name,
                "Madonvi": settings.DVCQG_AGENCY_CODE,
                "TenDonVi": agency["name"] if agency else "",
            }
        )
    return items


def send(*, month: date | None = None, now: datetime | None = None) -> RatingsReport | None:
    """Send a month's summary (by default the month before) unless the portal has it.

    None when nobody rated a case that month.
    """
    now = now or timezone.now()
    month = month or last_month(now)
    with transaction.atomic():
        report = RatingsReport.objects.select_for_update().filter(month=month).first()
        if report is None:
            items = summary(month)
            if not items:
                return None
            report = RatingsReport.objects.create(month=month, payload=items)
    if report.sent_at:
        return report
    reply = client.call("DongBoDanhGia", data=report.payload)
    report.attempts += 1
    report.reply, report.last_error = reply.body or None, reply.detail
    if reply.outcome == Outcome.OK:
        report.sent_at, report.last_error = timezone.now(), ""
    report.save(update_fields=["attempts", "reply", "last_error", "sent_at"])
    return report
