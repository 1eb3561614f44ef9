"""The PDFs of a case page: form 01 (with the PIN kept from filing, or reprinted with a new
PIN), the forms 02–05 its timeline issued, the result's draft and its signed copy; and the
scans filed with the case, shown in the page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from cases import selectors
from cases.access import is_applicant
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Role
from cases.services import scan_media_type
from documents import services as document_services
from documents.forms_pdf import FORMS
from documents.models import ResultDocument
from onestop.http import pdf_response

from .common import pin_for, remember_pin, staff_required

NOTICE_FORMS = ("02", "03", "04", "05")  # form 01 carries the PIN: see receipt_pdf


def _case(request, code):
    case = selectors.case_get_for_user(user=request.user, code_or_reference=code)
    if case is None:
        raise Http404
    return case


def _name(case, what: str) -> str:
    return f"{(case.code or case.reference).replace('.', '')}-{what}.pdf"


def _file(field, case, what: str) -> FileResponse:
    """A stored PDF as it is (a signed one must keep every byte its signature covers)."""
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=_name(case, what),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required()
@xframe_options_sameorigin  # shown in the case page itself
def case_scan(request, code, document_id):
    """A scanned document of the case, inline (a PDF or an image, as stored): for staff who
    may see the case, so the counter checks an online submission before accepting it."""
    case = _case(request, code)
    document = case.documents.filter(pk=document_id).first()
    media_type = scan_media_type(document) if document is not None else None
    if media_type is None:
        raise Http404
    response = FileResponse(document.file.open("rb"), content_type=media_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_required(Role.COUNTER_STAFF)
def receipt_pdf(request, code):
    """Form 01 as a PDF with the PIN this browser issued at filing (nothing is written)."""
    case = _case(request, code)
    pin = pin_for(request, case)
    if not pin:
        messages.error(request, _("This case's PIN is no longer kept here: reprint the receipt."))
        return redirect("receipt-reprint", code=code)
    try:
        data = document_services.receipt_print(case=case, by=request.user, pin=pin)
    except ValidationError:  # the PIN was changed since, by a reprint
        messages.error(request, _("The PIN kept here was replaced by a reprint: reprint again."))
        return redirect("receipt-reprint", code=code)
    except (ActionForbidden, InvalidTransition) as error:
        messages.error(request, str(error))
        return redirect("case", code=code)
    return pdf_response(data, _name(case, "01-tiep-nhan"))


@staff_required(Role.COUNTER_STAFF)
def receipt_reprint(request, code):
    """In lại giấy tiếp nhận: asks first (GET); the POST issues a new PIN, the old one stops
    working, and the receipt shows the new PIN."""
    case = _case(request, code)
    if case.code is None:
        raise Http404  # not received: no receipt to reprint
    if request.method == "POST":
        try:
            pin = document_services.receipt_reissue(case=case, by=request.user)
        except (ActionForbidden, InvalidTransition) as error:
            messages.error(request, str(error))
            return redirect("case", code=code)
        remember_pin(request, case, pin=pin)
        messages.success(
            request, _("New PIN %(pin)s issued; the old PIN no longer works.") % {"pin": pin}
        )
        return redirect("receipt", code=case.code)
    return render(request, "desk/reprint.html", {"case": case})


@require_GET
@login_required
def event_form(request, code, event_id):
    """The form (02–05) one step of the timeline issued, for staff and the applicant."""
    case = _case(request, code)
    event = get_object_or_404(
        case.events.select_related("actor"), pk=event_id, form__in=NOTICE_FORMS
    )
    form = FORMS[event.form]
    data = document_services.form_pdf(case=case, form=form, event=event)
    return pdf_response(data, _name(case, f"{form.code}-{form.slug}"))


@require_GET
@staff_required()
def result_draft(request, code, document_id):
    """A draft result as submitted, for the staff who check and sign it."""
    case = _case(request, code)
    document = get_object_or_404(ResultDocument, case=case, pk=document_id)
    return _file(document.draft, case, "du-thao")


@require_GET
@login_required
def result_signed(request, code):
    """The signed result; the applicant's first download returns the case online."""
    case = _case(request, code)
    applicant = is_applicant(request.user, case)
    if not (applicant or request.user.is_staff_member):
        raise PermissionDenied
    try:
        document = document_services.result_download(case=case, applicant=applicant)
    except InvalidTransition as error:
        messages.error(request, str(error))
        return redirect("case" if request.user.is_staff_member else "my-case", code=code)
    return _file(document.signed, case, "ket-qua")
