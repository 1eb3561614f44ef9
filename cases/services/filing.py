"""Filing a case (nộp hồ sơ): at the counter (received at once) or online (submitted)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import seams
from ..exceptions import ActionForbidden, NotOffered
from ..models import (
    Case,
    CaseDocument,
    CaseEvent,
    Channel,
    NotifyBy,
    OnlineLevel,
    Procedure,
    Role,
    Status,
    User,
)
from ..workflow import FILING
from .codes import issue_case_code
from .engine import after_step, appointment_change, event_of, plan
from .pins import new_pin, pin_hash, random_base32
from .scans import store_scan


@transaction.atomic
def case_file(
    *,
    procedure: Procedure,
    applicant: dict,
    channel: str,
    documents: list[dict] = (),
    by: User | None = None,
    now: datetime | None = None,
) -> Case:
    """File a case (nộp hồ sơ).

    Counter staff file `counter` or `post` cases, which are received at once (code,
    appointment, receipt PIN). Anyone else files `online`, a procedure offered online (else
    NotOffered); the case waits as `submitted` until the counter accepts it. The plain PIN
    is set on the returned object as `pin`, the only time it exists outside the receipt.
    """
    now = now or timezone.now()
    staff = by is not None and by.is_authenticated and by.is_staff_member
    if staff and Role.COUNTER_STAFF not in by.roles:
        raise ActionForbidden(_("Only counter staff file cases for applicants."))
    allowed_channels = {Channel.COUNTER, Channel.POST} if staff else {Channel.ONLINE}
    if channel not in allowed_channels:
        raise ValidationError(
            {"channel": _("Use one of: %s.") % ", ".join(sorted(allowed_channels))}
        )
    if not procedure.is_active:
        raise ValidationError({"procedure": _("This procedure is no longer offered.")})
    if not staff and procedure.online_level == OnlineLevel.NONE:
        raise NotOffered(_("This procedure is not offered online: file it at the counter."))
    # Filed by the applicant in person: signed in with their proven national identity
    # (TaiKhoanDuocXacThucVoiVNeID), their ID number the applicant's.
    verified = bool(
        not staff
        and by is not None
        and by.is_authenticated
        and by.proven_id_number
        and by.proven_id_number == applicant["id_number"]
    )
    if procedure.requires_verified_identity and not staff and not verified:
        raise ActionForbidden(
            _(
                "This procedure is filed online only by the applicant in person: sign in with "
                "your national electronic identity (VNeID), and file under your own ID number."
            )
        )

    pin = new_pin()
    reference = "HS" + random_base32(10)
    actor = by if by is not None and by.is_authenticated else None
    case = Case(
        reference=reference,
        pin_hash=pin_hash(reference=reference, pin=pin),
        procedure=procedure,
        receiving_agency=by.agency if staff else procedure.agency,
        deciding_agency=procedure.agency,
        applicant_user=actor if not staff else None,
        applicant_full_name=applicant["full_name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant.get("phone", ""),
        applicant_email=applicant.get("email", ""),
        applicant_address=applicant.get("address", ""),
        applicant_notify_by=applicant.get("notify_by") or NotifyBy.ALL,
        applicant_verified=verified,
        applicant_channels=list(applicant.get("channels") or []),
        applicant_language=applicant.get("language") or "",
        channel=channel,
        submitted_at=now,
    )
    case.pin = pin  # before accepting: the receipt message carries it (see notifications)
    events = [
        CaseEvent(
            case=case,
            actor=actor,
            at=now,
            action=FILING,
            to_status=Status.SUBMITTED,
            data={"channel": channel, "documents": len(documents)},
        )
    ]
    if staff:
        # The code counter's row stays locked until commit, so its number is taken last:
        # with the case's id reserved, its documents and history go first (PostgreSQL
        # checks foreign keys at commit), then the number and the case, inserted already
        # received. Without ids ahead (SQLite, where writers queue anyway) the row goes
        # first and takes the accepted fields at the end.
        case.pk = _reserve_case_id()
        if case.pk is None:
            case.save(force_insert=True)
        # The accept step of `case_act`, checked and planned the same way, written with the
        # INSERT instead of as an UPDATE of the row just inserted.
        move, step, fields, reason = plan(case=case, action="accept", by=by, now=now)
        accepted = event_of(case=case, move=move, step=step, by=by, now=now, reason=reason)
        events.append(accepted)
        for name, value in fields.items():
            setattr(case, name, value)
    else:
        case.save(force_insert=True)
    documents_to_create = []
    for doc in documents:
        document = CaseDocument(
            case=case,
            name=doc["name"],
            digitised=doc.get("digitised", False),
            reused=doc.get("reused", False),
            added_at=now,
        )
        if doc.get("file"):  # a scan uploaded with an online submission
            store_scan(document, doc["file"])
        documents_to_create.append(document)
    CaseDocument.objects.bulk_create(documents_to_create)
    CaseEvent.objects.bulk_create(events)
    filing = seams.Filing(events=events, documents=documents_to_create)
    if not staff:
        seams.step_done(
            seams.StepDone(case=case, event=events[0], changed={}, now=now, filing=filing)
        )
        return case
    if step.new_appointment:
        appointment_change(case=case, event=accepted, step=step, old_at=None)
    fields["code"] = case.code = issue_case_code(agency=step.code_at, moment=now)
    case.save(force_insert=case._state.adding)
    # The features after the number, as in every step that takes one (see
    # reports.aggregates.stamp_bump).
    return after_step(case=case, step=step, event=accepted, changed=fields, now=now, filing=filing)


def _reserve_case_id() -> int | None:
    """The next case id from its sequence; None where ids are not reserved ahead (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cursor.fetchone()[0]
