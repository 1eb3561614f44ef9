"""Public pages: verify a signed result (by its QR code link, or by uploading the PDF)."""

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases.api.throttles import VerifyThrottle

from . import selectors, services


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"), help_text=_("The result file you received or downloaded.")
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.RESULT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return file


def _verify_wait(request) -> int | None:
    """Seconds this client must wait before another signature check: the API's limit."""
    throttle = VerifyThrottle()
    return None if throttle.allow_request(request, None) else throttle.wait()


def _throttled(request, wait: int):
    context = {
        "form": VerifyUploadForm(),
        "error": _("Too many signature checks; try again later."),
    }
    response = render(request, "documents/verify.html", context, status=429)
    response["Retry-After"] = str(wait)
    return response


def verify(request):
    """Kiểm tra văn bản ký số: upload a PDF and see whether it is authentic and intact."""
    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    verification = document = None
    if request.method == "POST":
        if (wait := _verify_wait(request)) is not None:
            return _throttled(request, wait)
        if form.is_valid():
            verification, document = services.verify_upload(data=form.cleaned_data["file"].read())
    return render(
        request,
        "documents/verify.html",
        {"form": form, "verification": verification, "document": document},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def verify_document(request, document_id):
    """Where the QR code on a signed result leads: the verdict on our stored copy."""
    document = selectors.signed_document(document_id)
    if document is None:
        raise Http404
    if (wait := _verify_wait(request)) is not None:
        return _throttled(request, wait)
    verification, document = services.verify_stored(document=document)
    return render(
        request,
        "documents/verify.html",
        {"form": VerifyUploadForm(), "verification": verification, "document": document},
    )
