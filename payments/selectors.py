"""Reads: what a case owes, the requests to reconcile, the daily report."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.models import Case, CollectionMode, FeeItem, Status
from cases.models.case import FINAL_STATES
from cases.working_time import VN_TZ
from onestop.precompiled import Precompiled

from . import links
from .models import FeeExemption, GatewayCallback, PaymentRequest, PaymentState


@dataclass(frozen=True)
class Due:
    """The fee items a case still owes, and their total in VND."""

    items: list[FeeItem] = field(default_factory=list)
    collection: str = CollectionMode.NONE

    @property
    def amount(self) -> int:
        return sum(item.amount for item in self.items)

    @property
    def lines(self) -> list[dict]:
        """The items as a payment request keeps them and the API shows them."""
        return [
            {"code": item.code, "name": item.name, "kind": item.kind, "amount": item.amount}
            for item in self.items
        ]


# Read on every look at a fee-bearing case (its page, the public lookup, the pay page):
# compiled once per connection (see onestop.precompiled).
_paid_lines = Precompiled(
    lambda case_id: PaymentRequest.objects.filter(case_id=case_id, state=PaymentState.PAID).values(
        "items"
    ),
    case_id=int,
)
_unexempted_items = Precompiled(
    lambda case_id, procedure_id: (
        FeeItem.objects.filter(procedure_id=procedure_id)
        .exclude(Exists(FeeExemption.objects.filter(case_id=case_id, fee_item_id=OuterRef("pk"))))
        .order_by("code")
    ),
    case_id=int,
    procedure_id=int,
)


def case_of_pay_link(token: str) -> Case | None:
    """The case a citizen's signed pay link names (`links.pay_path`), while it is valid."""
    case_id = links.case_id_from(token)
    if case_id is None:
        return None
    return Case.objects.select_related("procedure").filter(pk=case_id).first()


def fees_due(case: Case) -> Due:
    """The procedure's fee items, minus exempted ones and those a paid request covered."""
    collection = case.procedure.collection
    if collection == CollectionMode.NONE:
        return Due()
    covered = {line["code"] for paid in _paid_lines.all(case_id=case.pk) for line in paid["items"]}
    unexempted = _unexempted_items.all(case_id=case.pk, procedure_id=case.procedure_id)
    items = [item for item in unexempted if item.code not in covered]
    return Due(items=items, collection=collection)


def fees_payable(case: Case) -> Due:
    """What the applicant can pay now: nothing before acceptance or once the case is closed."""
    if case.status == Status.SUBMITTED or case.status in FINAL_STATES:
        return Due()
    return fees_due(case)


def open_online_request(case: Case) -> PaymentRequest | None:
    """An online request for the case under way: pending at the gateway, or being
    registered with it (unpaid, its INIT not answered yet)."""
    under_way = Q(state=PaymentState.PENDING) | Q(state=PaymentState.UNPAID, gateway__gt="")
    return case.payment_requests.filter(under_way).order_by("-id").first()


def receipted_requests(case: Case) -> list[PaymentRequest]:
    """The case's requests that were paid (refunded ones keep their receipt)."""
    return list(
        case.payment_requests.filter(receipt__isnull=False)
        .select_related("receipt__agency")
        .order_by("created_at", "id")
    )


def paid_request_or_404(case: Case, reference: str) -> PaymentRequest:
    """A request of the case that has its receipt (paid, or refunded since), for printing."""
    return get_object_or_404(
        case.payment_requests.select_related(
            "receipt__agency", "created_by", "case__procedure", "case__receiving_agency__parent"
        ),
        reference=reference,
        receipt__isnull=False,
    )


def requests_to_query(*, older_than: timedelta, limit: int = 200, now=None) -> list[int]:
    """Online requests pending longer than `older_than`, oldest first."""
    now = now or timezone.now()
    return list(
        PaymentRequest.objects.filter(
            state=PaymentState.PENDING, gateway__gt="", created_at__lt=now - older_than
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def unprocessed_callback_ids(*, older_than: timedelta, limit: int = 500, now=None) -> list[int]:
    """Inbox rows no task has applied (broker down, worker killed), oldest first."""
    now = now or timezone.now()
    return list(
        GatewayCallback.objects.filter(processed_at=None, received_at__lt=now - older_than)
        .order_by("received_at")
        .values_list("pk", flat=True)[:limit]
    )


REPORT_COLUMNS = [
    "agency",
    "agency_name",
    "requests",
    "paid",
    "paid_amount",
    "online_paid",
    "cash_paid",
    "transfer_paid",
    "pending",
    "needs_review",
    "refunded",
    "refunded_amount",
]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, datetime.min.time(), VN_TZ)
    return start, start + timedelta(days=1)


def reconciliation_report(day: date, agency_ids=None) -> list[dict]:
    """Đối soát: per receiving agency, the requests of one day (Vietnam time) and their fate.

    Requests created that day; `paid` and `refunded` count those paid or refunded that day.
    `agency_ids`: only these receiving agencies (None: all).
    """
    start, end = _day_bounds(day)
    created = Q(created_at__gte=start, created_at__lt=end)
    paid = Q(paid_at__gte=start, paid_at__lt=end) & Q(
        state__in=[PaymentState.PAID, PaymentState.REFUNDED]
    )
    requests = PaymentRequest.objects.filter(created | paid)
    if agency_ids is not None:
        requests = requests.filter(case__receiving_agency_id__in=agency_ids)
    rows = (
        requests.values("case__receiving_agency__code", "case__receiving_agency__name")
        .annotate(
            requests=Count("id", filter=created),
            paid=Count("id", filter=paid),
            paid_amount=Sum("amount", filter=paid, default=0),
            online_paid=Count("id", filter=paid & Q(method="online")),
            cash_paid=Count("id", filter=paid & Q(method="cash")),
            transfer_paid=Count("id", filter=paid & Q(method="transfer")),
            pending=Count("id", filter=created & Q(state=PaymentState.PENDING)),
            needs_review=Count("id", filter=Q(needs_review=True)),
            refunded=Count("id", filter=paid & Q(state=PaymentState.REFUNDED)),
            refunded_amount=Sum("amount", filter=paid & Q(state=PaymentState.REFUNDED), default=0),
        )
        .order_by("case__receiving_agency__code")
    )
    return [
        {
            "agency": row.pop("case__receiving_agency__code"),
            "agency_name": row.pop("case__receiving_agency__name"),
            **row,
        }
        for row in rows
    ]
