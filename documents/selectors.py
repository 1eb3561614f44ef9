"""Reads of the documents app."""

from .models import ResultDocument


def signed_result(case) -> ResultDocument | None:
    return ResultDocument.objects.filter(case=case).exclude(signed_sha256="").first()


def latest_draft(case) -> ResultDocument | None:
    """The draft the last `submit-result` named, if it was electronic and is not signed."""
    last = case.events.filter(action="submit-result").order_by("-at", "-id").first()
    document = last.data.get("document") if last else None
    if not document:
        return None
    return ResultDocument.objects.filter(pk=document, signed_sha256="").first()


def signed_document(document_id) -> ResultDocument | None:
    return (
        ResultDocument.objects.select_related("case", "case__deciding_agency")
        .exclude(signed_sha256="")
        .filter(pk=document_id)
        .first()
    )


def results_of(case) -> list[ResultDocument]:
    """Every result document of a case, oldest first, with who submitted and signed it."""
    return list(
        ResultDocument.objects.filter(case=case).select_related("submitted_by", "signed_by")
    )
