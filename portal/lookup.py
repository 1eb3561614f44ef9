"""The public home page, where a citizen looks a case up by its code and receipt PIN."""

from django import forms
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from cases.public_lookup import (
    LookupThrottled,
    case_public_lookup,
    public_timeline,
    remember_session_case,
    session_case,
    supplement_items,
)
from cases.workflow import label_of
from documents.api.views import result_file_response
from documents.selectors import signed_result
from documents.services import result_download
from onestop.clients import client_ip


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Case code"), max_length=40, help_text=_("As printed on your receipt.")
    )
    pin = forms.CharField(label=_("PIN"), max_length=20, help_text=_("8 characters."))


@require_http_methods(["GET", "HEAD", "POST"])
def home(request):
    """Tra cứu hồ sơ: look a case up by its code and receipt PIN.

    The form posts (with CSRF), so the PIN stays out of URLs, access logs and history. The
    receipt's QR code links here with `?code=…#pin=…`, a fragment the page's script posts;
    links with `?code=&pin=` (older receipts) still work once: the page checks it, remembers
    the case in the session and redirects to the clean URL.
    """
    data = (
        request.POST if request.method == "POST" else request.GET if "pin" in request.GET else None
    )
    form = LookupForm(data, initial={"code": request.GET.get("code", "")})
    status = 200
    if form.is_valid():
        try:
            case = case_public_lookup(
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                client=client_ip(request),
            )
        except LookupThrottled as throttled:
            form.add_error(None, _("Too many failed lookups; try again later."))
            response = _page(request, form, None, status=429)
            response["Retry-After"] = str(throttled.wait)
            return response
        if case is not None:
            remember_session_case(request, case)
            if not request.user.is_authenticated:
                request.session.set_expiry(0)  # a shared computer forgets it with the browser
            return redirect("home")
        form.add_error(None, _("No case with this code and PIN."))
        status = 404
    elif data is not None:
        status = 400  # the errors stand next to their fields
    case = session_case(request) if data is None else None
    return _page(request, form, case, status=status)


def _page(request, form, case, *, status):
    timeline = public_timeline(case) if case else []
    for event in timeline:
        # A step that left the status as it was (a payment attempt, a reprint) says what it
        # was; otherwise the page shows the same status twice in a row.
        if event["from_status"] == event["to_status"]:
            event["label"] = label_of(event["action"])
    context = {
        "form": form,
        "case": case,
        "timeline": timeline,
        "supplement_items": supplement_items(case) if case else [],
        "result": signed_result(case) if case else None,
    }
    return render(request, "portal/home.html", context, status=status)


def home_result(request):
    """The signed result of the case this browser proved the PIN of (see `home`); the
    applicant's first download returns the case online."""
    case = session_case(request)
    if case is None:
        return redirect("home")
    return result_file_response(case, result_download(case=case, applicant=True))
