"""Public pages: verify a signed result (by its QR code link, or by uploading the PDF)."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from cases.api.errors import TooLarge
from cases.api.throttles import VerifyThrottle

from . import selectors, services
from .uploads import limit_upload


class VerifyUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"), help_text=_("The result file you received or downloaded.")
    )


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


@csrf_exempt  # checked below, once the upload's limit is set: the check reads the body
def verify(request):
    """Kiểm tra văn bản ký số: upload a PDF and see whether it is authentic and intact."""
    if request.method != "POST":
        return render(request, "documents/verify.html", {"form": VerifyUploadForm()})
    try:
        limit_upload(request)
        return _verify_upload(request)
    except TooLarge as too_large:
        context = {"form": VerifyUploadForm(), "error": too_large.detail}
        return render(request, "documents/verify.html", context, status=413)


@csrf_protect
def _verify_upload(request):
    if (wait := _verify_wait(request)) is not None:
        return _throttled(request, wait)
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "documents/verify.html", {"form": form}, status=400)
    verification, document = services.verify_upload(data=form.cleaned_data["file"].read())
    context = {"form": form, "verification": verification, "document": document}
    return render(request, "documents/verify.html", context)


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
