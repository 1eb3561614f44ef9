"""Scanned documents (số hóa): recognised by their content, stored under a generated name
with their SHA-256, so any later change to a file shows."""

import hashlib
import uuid

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import seams
from ..access import acts_on_side
from ..exceptions import ActionForbidden, InvalidTransition
from ..models import Case, CaseDocument, Role, User
from ..workflow import EITHER

# What a scan may be, recognised by its content (never by the name or declared type), and
# the extension it is stored under.
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
MEDIA_TYPES = {extension: media_type for media_type, extension in SCAN_TYPES.items()}


def scan_media_type(document: CaseDocument) -> str | None:
    """What a stored scan is (its name's extension was chosen from its content); None for a
    document with no scan."""
    if not document.file:
        return None
    return MEDIA_TYPES.get(document.file.name.rpartition(".")[2])


def scan_extension(file) -> str | None:
    """The extension a scan is stored under, from its content; None if it is not a scan."""
    file.seek(0)
    kind = filetype.guess(file.read(512))
    file.seek(0)
    return SCAN_TYPES.get(kind.mime) if kind else None


def store_scan(document: CaseDocument, file) -> None:
    """Save the scan under a generated name, its type sniffed from the content (never the
    client's word), and keep its SHA-256, so any change to it shows."""
    extension = scan_extension(file)
    if extension is None:
        raise ValidationError({"file": _("Upload a PDF, JPEG or PNG file.")})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document.sha256 = digest.hexdigest()
    document.file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)


@transaction.atomic
def case_document_add(
    *, case: Case, name: str, file, by: User, reused: bool = False
) -> CaseDocument:
    """Attach a scanned document to an open case, with its SHA-256 for integrity.

    Not a step of the lifecycle (no event), but the features that keep something derived
    from the case's papers (the reports' facts) hear of it through the seam.
    """
    if not case.is_open:
        raise InvalidTransition(_("Documents can only be added to an open case."))
    if not acts_on_side(by, case, EITHER) or not by.roles & {Role.COUNTER_STAFF, Role.OFFICER}:
        raise ActionForbidden(_("You may not add documents to this case."))
    document = CaseDocument(case=case, name=name, digitised=True, reused=reused)
    store_scan(document, file)
    document.save()
    now = timezone.now()
    seams.step_done(seams.StepDone(case=case, event=None, changed={}, now=now))
    return document
