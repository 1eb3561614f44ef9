"""Logging in and out (session auth, CSRF), the desk each role lands on, citizen sign-up."""

from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import SignupForm
from .nav import desk_url


class LoginView(auth_views.LoginView):
    """Django's login (its `authenticate()` carries the failed-login limits); then `desk`."""

    template_name = "cases/auth/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only: a link or an image cannot log anyone out."""


@login_required
def desk(request):
    return redirect(desk_url(request.user))


def signup(request):
    """A citizen account (no agency, no role): files online and sees its cases."""
    if request.user.is_authenticated:
        return redirect("desk")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="cases.user_context.CachedModelBackend")
        return redirect("my-cases")
    return render(
        request, "cases/auth/signup.html", {"form": form}, status=400 if form.errors else 200
    )
