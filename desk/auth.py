"""Logging in and out (session auth, CSRF), and the desk each role lands on."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .nav import desk_url


class LoginView(auth_views.LoginView):
    """Django's login (its `authenticate()` carries the failed-login limits); then `desk`."""

    template_name = "desk/auth/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only: a link or an image cannot log anyone out."""


@login_required
def desk(request):
    return redirect(desk_url(request.user))
