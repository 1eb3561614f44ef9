"""Web pages. The first one: the public home page, where a citizen checks a case."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from documents.selectors import signed_result

from . import services


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Case code"), max_length=40, help_text=_("As printed on your receipt.")
    )
    pin = forms.CharField(label=_("PIN"), max_length=20, help_text=_("8 characters."))


def home(request):
    """Tra cứu hồ sơ: look a case up by its code and receipt PIN."""
    form = LookupForm(request.GET or None)
    case, status = None, 200
    if form.is_valid():
        try:
            case = services.case_public_lookup(
                code=form.cleaned_data["code"].strip(),
                pin=form.cleaned_data["pin"],
                # The API's notion of the client (honours NUM_PROXIES), so limits agree.
                client=BaseThrottle().get_ident(request),
            )
        except services.LookupThrottled:
            form.add_error(None, _("Too many failed lookups; try again later."))
            status = 429
        else:
            if case is None:
                form.add_error(None, _("No case with this code and PIN."))
                status = 404
    context = {
        "form": form,
        "case": case,
        "timeline": case.events.all() if case else [],
        "result": signed_result(case) if case else None,
    }
    return render(request, "cases/home.html", context, status=status)
