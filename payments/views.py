"""Pages: the citizen pays a fee, sees how the payment went; the PayGov simulator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.access import may_read_reports
from cases.exceptions import InvalidTransition
from cases.public_lookup import session_case
from cases.selectors import user_agency_ids
from onestop.http import pdf_response

from . import receipt_pdf, reports, selectors, services, simulator
from .models import PaymentRequest, PaymentState


@require_http_methods(["GET", "HEAD"])
def public_receipt(request, reference):
    """The receipt of a paid request of the case this browser proved the PIN of."""
    case = session_case(request)
    if case is None:
        raise Http404
    payment = selectors.paid_request_or_404(case, reference)
    return pdf_response(receipt_pdf.receipt_pdf(payment), receipt_pdf.filename(payment))


@require_http_methods(["GET", "POST"])
def pay(request, token):
    """Nộp phí trực tuyến: what the case owes, and a button to the payment gateway."""
    case = selectors.case_of_pay_link(token)
    if case is None:
        raise Http404
    due, status = selectors.fees_payable(case), 200
    if request.method == "POST" and due.amount:
        try:
            payment = services.payment_request_create(
                case=case, method="online", return_base=request.build_absolute_uri("/")
            )
        except services.GatewayUnavailable:
            messages.error(request, _("The payment gateway is not answering; try again later."))
            status = 503
        except InvalidTransition as exc:
            messages.error(request, str(exc))
            status = 409
        else:
            return redirect(payment.payment_url)
    return render(request, "payments/pay.html", {"case": case, "due": due}, status=status)


def payment_return(request, reference):
    """Where the gateway sends the citizen back: the request's state, refreshed until final."""
    payment = get_object_or_404(
        PaymentRequest.objects.select_related("case__procedure", "receipt__agency"),
        reference=reference,
    )
    waiting = payment.state == PaymentState.PENDING
    return render(request, "payments/return.html", {"payment": payment, "waiting": waiting})


@require_http_methods(["GET", "POST"])
def paygov_simulator(request, token):
    """The simulated PayGov payment page (only without a real gateway)."""
    if not simulator.enabled():
        raise Http404
    try:
        data = simulator.payment(token)
    except signing.BadSignature:
        raise Http404 from None
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome in simulator.OUTCOMES:
            sent = simulator.callbacks(
                data,
                outcome,
                duplicate="duplicate" in request.POST,
                wrong_amount="wrong_amount" in request.POST,
                forged="forged" in request.POST,
            )
            simulator.deliver(sent, late="late" in request.POST)
            return redirect(data["return_url"])
    return render(request, "payments/simulator.html", {"payment": data})


@login_required
def payments_day(request):
    """Đối soát: the fees of one day per receiving agency, for those who read reports, within
    their agencies; `?format=csv` downloads it (the admin has the province-wide one)."""
    if not may_read_reports(request.user):
        raise PermissionDenied
    user = request.user
    agency_ids = None if user.agency_id is None and user.is_superuser else user_agency_ids(user)
    day = reports.report_day(request.GET.get("date", ""))
    if request.GET.get("format") == "csv":
        return reports.reconciliation_csv_response(day, agency_ids)
    rows = selectors.reconciliation_report(day, agency_ids)
    return render(request, "payments/day.html", {"day": day, "rows": rows})
