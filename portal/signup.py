"""A local citizen account: files online and sees the cases filed with it."""

from django.contrib.auth import login
from django.shortcuts import redirect, render

from onestop.http import too_many_requests
from onestop.ratelimit import SIGNUP, client_over_rate

from .forms import SignupForm


def signup(request):
    """A citizen account (no agency, no role): files online and sees its cases."""
    if request.user.is_authenticated:
        return redirect("desk")
    if request.method == "POST":
        wait = client_over_rate(request, *SIGNUP)  # accounts per client, as online filings
        if wait is not None:
            return too_many_requests(request, wait)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="cases.user_context.CachedModelBackend")
        return redirect("my-cases")
    return render(request, "portal/signup.html", {"form": form}, status=400 if form.errors else 200)
