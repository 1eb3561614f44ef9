"""The simulator's endpoints: discovery, the sign-in page, token, userinfo, JWKS, logout.

Its own session (the person last signed in, as a real provider remembers them) is a signed
cookie under `/idp-sim/`, apart from our site's session: only its logout ends it.
"""

from functools import wraps
from urllib.parse import urlsplit

from authlib.oauth2 import OAuth2Error
from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from . import keys
from .persons import PEOPLE, person
from .server import FAULTS, issuer_of, server, token_claims

SESSION_COOKIE = "idp_sim_person"
SESSION_SALT = "nationalid.simulator.session"


def _enabled(view):
    """404 unless the simulator is on."""

    @wraps(view)  # keeps csrf_exempt
    def wrapped(request, *args, **kwargs):
        if not settings.NATIONAL_ID_SIMULATOR:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@_enabled
@require_GET
def discovery(request):
    """/.well-known/openid-configuration"""
    issuer = issuer_of(request.build_absolute_uri())
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["LoA1", "LoA2"],
            "claims_supported": [
                "sub",
                "TechID",
                "LoaiTaiKhoan",
                "HoVaTen",
                "SoDinhDanh",
                "NgayThangNamSinh",
                "GioiTinh",
                "MaSoThue",
                "MaSoDoanhNghiep",
                "TenDoanhNghiep",
                "DiaChi",
                "SoDienThoai",
                "ThuDienTu",
                "loAs",
                "loginIdp",
            ],
        }
    )


@_enabled
@require_GET
def jwks(request):
    return JsonResponse(keys.public_jwks())


@_enabled
@require_http_methods(["GET", "POST"])
def authorize(request):
    """The sign-in page: choose who signs in (and, to test, what goes wrong)."""
    try:
        grant = server.get_consent_grant(request)
    except OAuth2Error as error:
        # A bad client or redirect URI: never redirected to it, shown here.
        context = {"error": error.error, "description": error.description}
        return render(request, "nationalid/simulator/error.html", context, status=400)
    if request.method == "POST":
        chosen = person(request.POST.get("person", ""))
        fault = request.POST.get("fault", "")
        if request.POST.get("cancel") or chosen is None or fault not in ("", *FAULTS):
            return server.create_authorization_response(request, grant_user=None, grant=grant)
        response = server.create_authorization_response(
            request, grant_user=(chosen, fault), grant=grant
        )
        response.set_signed_cookie(
            SESSION_COOKIE,
            chosen.tech_id,
            salt=SESSION_SALT,
            path=reverse("idp-sim:root"),
            httponly=True,
            samesite="Lax",
        )
        return response
    context = {
        "people": PEOPLE,
        "remembered": _remembered(request),
        "faults": FAULTS,
        "acr_values": request.GET.get("acr_values", ""),
        "client_id": grant.client.get_client_id(),
    }
    return render(request, "nationalid/simulator/authorize.html", context)


def _remembered(request):
    """The person this browser last signed in as here (the provider's own session)."""
    try:
        return person(request.get_signed_cookie(SESSION_COOKIE, salt=SESSION_SALT))
    except (KeyError, signing.BadSignature):
        return None


@_enabled
@csrf_exempt
@require_POST
def token(request):
    return server.create_token_response(request)


@_enabled
@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request):
    scheme, _space, access_token = request.headers.get("Authorization", "").partition(" ")
    claims = token_claims(access_token) if scheme.lower() == "bearer" and access_token else None
    if claims is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return JsonResponse(claims)


@_enabled
@require_GET
def logout(request):
    """End-session (RP-initiated logout): forget the person, back to the client's page."""
    target = request.GET.get("post_logout_redirect_uri", "")
    hint = request.GET.get("id_token_hint", "")
    try:
        # Ours (any of the published keys), for our client; an expired one is still a hint.
        claims = jwt.decode(hint, KeySet.import_key_set(keys.public_jwks())).claims
    except (JoseError, ValueError):
        return HttpResponseBadRequest("id_token_hint is not an ID token of this provider")
    if settings.NATIONAL_ID_CLIENT_ID not in claims.get("aud", []):
        return HttpResponseBadRequest("id_token_hint was not issued to this client")
    if urlsplit(target).path != reverse("nationalid-signed-out"):
        return HttpResponseBadRequest("post_logout_redirect_uri is not registered")
    if state := request.GET.get("state"):
        target = f"{target}{'&' if '?' in target else '?'}state={state}"
    response = redirect(target)
    response.delete_cookie(SESSION_COOKIE, path=reverse("idp-sim:root"))
    return response
