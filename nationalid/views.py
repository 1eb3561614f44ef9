"""Sign-in with the national identity: start, callback, link, logout; the account's page.

Thin: the protocol is `client`'s (Authlib), the accounts `services`'. Every refusal renders
one page saying why, in the person's language, with nobody signed in.
"""

import logging
import time

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import client, selectors, services
from .claims import ClaimsError, NationalClaims, parse_claims

logger = logging.getLogger(__name__)

BACKEND = "cases.user_context.CachedModelBackend"
NEXT = "nationalid.next"  # where to go once signed in
SIGNED_IN = "nationalid.signed_in"  # the ID token of this session's national sign-in
PENDING = "nationalid.pending"  # a verified identity waiting for the person to link it
PENDING_SECONDS = 600

REASONS = {
    "state": (
        400,
        _(
            "This answer from the national identity service does not belong to a sign-in "
            "started in this browser: it was altered, used twice, or is too old."
        ),
    ),
    "refused": (
        400,
        _(
            "The national identity service did not sign you in: the sign-in was cancelled, "
            "or its answer had already been used."
        ),
    ),
    "id_token": (
        400,
        _(
            "The answer from the national identity service failed its security checks "
            "(signature, issuer, audience, validity or nonce)."
        ),
    ),
    "userinfo": (
        400,
        _("The personal details received do not belong to the person who signed in."),
    ),
    "claims": (
        400,
        _(
            "Your national account gives no valid ID number (or tax code), or it is a kind of "
            "account this service does not serve."
        ),
    ),
    "unavailable": (
        503,
        _(
            "The national identity service is not answering right now. Please try again in a "
            "few minutes. Meanwhile you can look up a case with its code and PIN, or log in "
            "with a username and password."
        ),
    ),
    "disabled": (404, _("Sign-in with the national identity is not set up on this site.")),
    "expired": (400, _("This sign-in waited too long. Please sign in again.")),
}


def refused(request, reason: str, message=None, *, status=None):
    """The one page of a refused national sign-in: why, and what to do instead."""
    default_status, default_message = REASONS.get(reason, (403, ""))
    context = {"reason": reason, "message": message or default_message}
    return render(request, "nationalid/refused.html", context, status=status or default_status)


def _safe_next(request, url: str) -> str:
    ok = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and ok else ""


@require_GET
def start(request):
    """ "Đăng nhập bằng VNeID": off to the national identity provider."""
    if not client.enabled():
        return refused(request, "disabled")
    request.session[NEXT] = _safe_next(request, request.GET.get("next", ""))
    try:
        return client.authorization_redirect(
            request, redirect_uri=request.build_absolute_uri(reverse("nationalid-callback"))
        )
    except client.ProviderUnavailable:
        return refused(request, "unavailable")


@require_GET
def callback(request):
    """The provider's answer: checked, then the person is signed in (or asked to link)."""
    if not client.enabled():
        return refused(request, "disabled")
    try:
        userinfo, id_token = client.complete_sign_in(request)
        claims = parse_claims(userinfo)
        outcome = services.identity_sign_in(claims=claims, current_user=request.user)
    except client.ProviderUnavailable:
        return refused(request, "unavailable")
    except client.SignInFailed as failure:
        logger.warning("national sign-in refused (%s): %s", failure.reason, failure.detail)
        return refused(request, failure.reason)
    except ClaimsError as error:
        logger.warning("national sign-in refused (claims): %s", error)
        return refused(request, "claims")
    except services.SignInRefused as refusal:
        return refused(request, refusal.code, refusal.message)
    if outcome.offer_link:
        request.session[PENDING] = {
            "claims": claims.as_session(),
            "id_token": id_token,
            "until": time.time() + PENDING_SECONDS,
        }
        return redirect("nationalid-link")
    return _signed_in(request, outcome.user, id_token)


def _signed_in(request, user, id_token: str):
    next_url = request.session.get(NEXT) or resolve_url(settings.LOGIN_REDIRECT_URL)
    login(request, user, backend=BACKEND)  # a new session key: nothing carried over but data
    request.session[SIGNED_IN] = id_token
    request.session.pop(NEXT, None)
    return redirect(next_url)


def _pending(request):
    pending = request.session.get(PENDING)
    if not pending or pending["until"] < time.time():
        request.session.pop(PENDING, None)
        return None
    return pending


@require_http_methods(["GET", "POST"])
def link(request):
    """Link a local account to the national identity just proven in this browser.

    Signed in locally: confirm. Not signed in (an account holds the identity's e-mail): sign
    in with that account's password first, or make a new account from the identity.
    """
    pending = _pending(request)
    if pending is None:
        return refused(request, "expired")
    claims = NationalClaims.from_session(pending["claims"])
    local = request.user if request.user.is_authenticated else None
    choice = request.POST.get("choice") if request.method == "POST" else None
    if choice == "cancel":  # forget the identity, keep whatever local sign-in there is
        request.session.pop(PENDING, None)
        return redirect("home")
    if (choice == "link" and local is not None) or (choice == "new" and local is None):
        request.session.pop(PENDING, None)
        try:
            if local is not None:
                services.identity_link(user=local, claims=claims)
            user = local or services.identity_account_create(claims=claims)
        except services.SignInRefused as refusal:
            return refused(request, refusal.code, refusal.message)
        return _signed_in(request, user, pending["id_token"])
    context = {"claims": claims, "local": local, "login_next": reverse("nationalid-link")}
    status = 400 if request.method == "POST" else 200  # a choice this page did not offer
    return render(request, "nationalid/link.html", context, status=status)


@require_POST
def logout(request):
    """Log out here and, after a national sign-in, at the national identity provider too."""
    id_token = request.session.get(SIGNED_IN)
    auth_logout(request)
    if id_token and client.enabled():
        url = client.end_session_url(
            request,
            id_token=id_token,
            post_logout_redirect_uri=request.build_absolute_uri(reverse("nationalid-signed-out")),
        )
        if url:
            return redirect(url)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_GET
def signed_out(request):
    """Back from the national provider's logout."""
    return render(request, "nationalid/signed_out.html")


@login_required
@require_GET
def account(request):
    """The account's national identity: who it proves, and the cases under its number."""
    identity = selectors.identity_of(request.user)
    cases = selectors.cases_under_proven_number(request.user)
    context = {
        "identity": identity,
        "proven": bool(request.user.proven_id_number),
        "cases": cases[:50],
        "required_loa": settings.NATIONAL_ID_REQUIRED_LOA,
        "enabled": client.enabled(),
    }
    return render(request, "nationalid/account.html", context)
