"""Writes of the documents app: result drafts, the PAdES signature, downloads, receipts.

A case changes state only through `cases.services.case_act`; these services wrap it so that
the file work and the step commit or roll back together (nothing half-written).
"""

import hashlib
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.access import is_receiving_counter
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Case, CaseEvent, Status
from cases.selectors import receiving_clerk_name

from . import forms_pdf, results_pdf, signing
from .models import ResultDocument, ResultTemplate
from .selectors import latest_draft, signed_result

PDF_MAGIC = b"%PDF-"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_url(document_id) -> str:
    return forms_pdf.public_url(reverse("verify-document", args=[document_id]))


# --- results -------------------------------------------------------------------------------


def read_result_pdf(file) -> bytes:
    """The bytes of an uploaded result, which must be a PDF that pyHanko can read and no
    larger than RESULT_MAX_BYTES: ValidationError otherwise."""
    if file.size > settings.RESULT_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %d MB.") % (settings.RESULT_MAX_BYTES >> 20)}
        )
    data = file.read()
    if PDF_MAGIC not in data[:1024]:  # the header may follow a little junk (PDF 32000, 7.5.2)
        raise ValidationError({"file": _("The result must be a PDF file.")})
    try:
        signing.readable_pdf(data)
    except ValueError as exc:
        raise ValidationError({"file": str(exc)}) from None
    return data


@transaction.atomic
def case_submit_result(
    *, case: Case, by, result: str = "generated", file=None, now: datetime | None = None
) -> Case:
    """Submit the draft result (trình kết quả): an uploaded PDF, a PDF generated from the
    procedure's template, or (`result="paper"`) a paper result approved by signature."""
    now = now or timezone.now()
    if result == "paper" and file is None:
        return case_services.case_act(
            case=case, action="submit-result", by=by, now=now, result="paper"
        )
    document_id = uuid.uuid4()
    origin = ResultDocument.Origin.UPLOADED if file is not None else ResultDocument.Origin.GENERATED
    if file is not None:
        data = read_result_pdf(file)
    # The step first: it checks who may do it and when, before any PDF is drawn or stored.
    case = case_services.case_act(
        case=case,
        action="submit-result",
        by=by,
        now=now,
        result=origin,
        document=str(document_id),
    )
    if file is None:
        template = ResultTemplate.objects.filter(procedure_id=case.procedure_id).first()
        data = results_pdf.generated_result(case, template, now=now)
    draft = ResultDocument(
        id=document_id,
        case=case,
        origin=origin,
        draft_sha256=sha256(data),
        submitted_by=by,
        submitted_at=now,
    )
    draft.draft.save(f"{document_id}.pdf", ContentFile(data), save=False)
    draft.save(force_insert=True)
    return case


def case_sign(*, case: Case, by, now: datetime | None = None) -> Case:
    """Sign (ký số): PAdES-sign the electronic draft with the deciding agency's certificate,
    with a QR code to its verification page; a paper result is approved as before.

    Signing may call a remote signing service (up to its timeout): it runs with no lock and
    no transaction held. Who may sign and when is checked first; the signed copy is then
    stored, and the step and the document written in one short transaction against the
    case as it is by then (another step may have been taken meanwhile). If that fails, the
    stored copy is removed: nothing is half-written.
    """
    now = now or timezone.now()
    draft = latest_draft(case)
    if draft is None:  # a paper result (or the step is not allowed: case_act says why)
        return case_services.case_act(case=case, action="sign", by=by, now=now)
    signature = {"signature": "pades", "document": str(draft.pk)}
    case_services.action_check(case=case, action="sign", by=by, now=now, signature=signature)
    with draft.draft.open("rb") as stored:
        unsigned = stored.read()
    if sha256(unsigned) != draft.draft_sha256:
        raise InvalidTransition(_("The stored draft does not match its checksum; submit it again."))
    signed = signing.sign_pdf(
        unsigned,
        agency=case.deciding_agency,
        field_suffix=str(draft.pk),
        verify_url=verify_url(draft.pk),
        reason=f"Kết quả giải quyết hồ sơ {case.code}",
        now=now,
    )
    storage = draft.signed.storage
    name = storage.save(
        draft.signed.field.generate_filename(draft, f"{draft.pk}-signed.pdf"),
        ContentFile(signed.data),
    )
    try:
        return _signed(case=case, draft=draft, by=by, now=now, name=name, signed=signed)
    except BaseException:
        storage.delete(name)
        raise


@transaction.atomic
def _signed(*, case: Case, draft: ResultDocument, by, now, name: str, signed) -> Case:
    case.refresh_from_db()  # the case as it is now: another step may have been taken
    case = case_services.case_act(
        case=case,
        action="sign",
        by=by,
        now=now,
        signature={"signature": "pades", "document": str(draft.pk)},
    )
    # Written once: only a row without a signature takes one.
    written = ResultDocument.objects.filter(pk=draft.pk, signed_sha256="").update(
        signed=name,
        signed_sha256=sha256(signed.data),
        signed_by=by,
        signed_at=now,
        certificate_subject=signed.certificate,
    )
    if written != 1:
        raise InvalidTransition(_("This result is already signed."))
    return case


def result_download(
    *, case: Case, by=None, applicant: bool, now: datetime | None = None
) -> ResultDocument:
    """The signed result to hand to the caller; the applicant's first download returns the
    case online (one `return` event however many downloads, even concurrent ones)."""
    now = now or timezone.now()
    document = signed_result(case)
    if document is None:
        raise InvalidTransition(_("This case has no signed electronic result yet."))
    if applicant:
        ResultDocument.objects.filter(pk=document.pk, first_downloaded_at__isnull=True).update(
            first_downloaded_at=now
        )
        if case.status == Status.RESOLVED:
            try:
                case_services.case_act(
                    case=case, action="return", by=case_services.ONESTOP, now=now, channel="online"
                )
            except InvalidTransition:
                pass  # a concurrent download (or the counter) returned it first
    return document


# --- forms ---------------------------------------------------------------------------------


def _check_counter(case: Case, by) -> None:
    if not is_receiving_counter(by, case):
        raise ActionForbidden(_("Only the receiving counter prints the receipt."))
    if not case.code:
        raise InvalidTransition(_("The case has not been received: it has no receipt yet."))


def receipt_reissue(*, case: Case, by, now: datetime | None = None) -> str:
    """A new PIN for the case's receipt (the old one stops working): the `reprint-receipt`
    step of the case; the new PIN, which exists only now."""
    _check_counter(case, by)
    case = case_services.case_act(case=case, action="reprint-receipt", by=by, now=now)
    return case.pin


@transaction.atomic
def receipt_print(*, case: Case, by, pin: str = "", now: datetime | None = None) -> bytes:
    """Form 01 for counter staff. With the PIN issued at filing, the receipt as issued; without
    one, a reprint: a new PIN (the old one stops working), recorded as an event."""
    _check_counter(case, by)
    if pin:
        if not case_services.pin_matches(case, pin):
            raise ValidationError({"pin": _("This is not the case's current PIN.")})
        pin = case_services.normalise_pin(pin)
    else:
        pin = receipt_reissue(case=case, by=by, now=now)
    return forms_pdf.receipt(case, pin=pin, received_by=receiving_clerk_name(case))


def form_pdf(*, case: Case, form: forms_pdf.Form, event: CaseEvent | None = None) -> bytes:
    """Forms 02–05 as issued with `event` (one of the case's events that issued `form`), by
    default the latest event that issued it."""
    if form.code == "01":
        raise ValidationError({"form": _("Form 01 carries the PIN: print it as a receipt.")})
    if event is None:
        events = case.events.filter(form=form.code).select_related("actor")
        event = events.order_by("-at", "-id").first()
    if event is None:
        raise InvalidTransition(_("This form was not issued for this case."))
    officer = (event.actor.get_full_name() or event.actor.username) if event.actor else ""
    return forms_pdf.notice(case, event, form=form, officer=officer)


# --- verification --------------------------------------------------------------------------


def verify_upload(*, data: bytes, now: datetime | None = None):
    """Judge an uploaded PDF; it belongs to a case only if it is, byte for byte, a signed
    result we issued (a valid signature alone could be over another document)."""
    verification = signing.verify_pdf(data, now=now)
    document = (
        ResultDocument.objects.select_related("case").filter(signed_sha256=sha256(data)).first()
    )
    return verification, document


def verify_stored(*, document: ResultDocument, now: datetime | None = None):
    """Judge the stored signed copy of a result (its checksum first, then the signature)."""
    with document.signed.open("rb") as stored:
        data = stored.read()
    if sha256(data) != document.signed_sha256:
        return signing.Verification(signing.Verdict.MODIFIED), document
    return signing.verify_pdf(data, now=now), document
