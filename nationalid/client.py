"""The national identity provider, seen through Authlib's OpenID Connect client.

Authlib does the protocol: the authorization code flow with PKCE (S256), `state` and
`nonce` kept in the session and checked once, the ID token's signature checked against the
provider's JWKS (fetched once per process and fetched again when a token names a key it
does not hold: a key rotation), its `iss`, `aud` and `exp`. This module says where the
provider is, asks for the level of assurance, and turns every way a sign-in can fail into
one of two exceptions the pages explain.

Where the provider is: `NATIONAL_ID_ISSUER` (its discovery document is read at
`{issuer}/.well-known/openid-configuration`), or, for a provider without one, the endpoints
themselves (`NATIONAL_ID_AUTHORIZE_URL` and the others). Neither set and the simulator on
(DEBUG): the simulator under this very site, `/idp-sim`.
"""

import logging

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.urls import reverse
from joserfc.errors import JoseError

logger = logging.getLogger(__name__)


class ProviderUnavailable(Exception):
    """The identity provider did not answer (down, too slow, or answering errors)."""


class SignInFailed(Exception):
    """The provider's answer cannot be trusted: nobody is signed in.

    `reason`: `state` (no sign-in of this browser waits for this answer: tampered, replayed
    or expired), `refused` (the provider refused: the person cancelled, or the code was
    already used), `id_token` (signature, issuer, audience, expiry or nonce wrong),
    `userinfo` (the userinfo is not about the ID token's subject).
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def enabled() -> bool:
    return bool(configured_issuer() or settings.NATIONAL_ID_SIMULATOR)


def configured_issuer() -> str:
    return (settings.NATIONAL_ID_ISSUER or "").rstrip("/")


def issuer_for(request) -> str:
    """The provider's issuer: configured, or the simulator of this site."""
    return configured_issuer() or request.build_absolute_uri(reverse("idp-sim:root")).rstrip("/")


# One client per provider configuration, for the life of the process: it keeps the
# discovery document and the JWKS it fetched.
_clients: dict[tuple, object] = {}


def client_for(issuer: str):
    endpoints = {
        "authorize_url": settings.NATIONAL_ID_AUTHORIZE_URL,
        "access_token_url": settings.NATIONAL_ID_TOKEN_URL,
        "userinfo_endpoint": settings.NATIONAL_ID_USERINFO_URL,
        "jwks_uri": settings.NATIONAL_ID_JWKS_URL,
        "end_session_endpoint": settings.NATIONAL_ID_END_SESSION_URL,
    }
    key = (
        issuer,
        settings.NATIONAL_ID_CLIENT_ID,
        settings.NATIONAL_ID_CLIENT_SECRET,
        settings.NATIONAL_ID_SCOPES,
        settings.NATIONAL_ID_TOKEN_AUTH_METHOD,
        settings.NATIONAL_ID_TIMEOUT,
        tuple(endpoints.items()),
    )
    client = _clients.get(key)
    if client is None:
        if endpoints["authorize_url"]:  # no discovery document: the endpoints as configured
            metadata = {"issuer": issuer, **endpoints}
        else:
            metadata = {"server_metadata_url": f"{issuer}/.well-known/openid-configuration"}
        client = _clients[key] = OAuth().register(
            "nationalid",
            client_id=settings.NATIONAL_ID_CLIENT_ID,
            client_secret=settings.NATIONAL_ID_CLIENT_SECRET,
            client_kwargs={
                "scope": settings.NATIONAL_ID_SCOPES,
                "code_challenge_method": "S256",
                "token_endpoint_auth_method": settings.NATIONAL_ID_TOKEN_AUTH_METHOD,
                "default_timeout": settings.NATIONAL_ID_TIMEOUT,
            },
            **metadata,
        )
    return client


def authorization_redirect(request, *, redirect_uri: str):
    """The redirect to the provider's sign-in page, asking for the level of assurance."""
    extra = {}
    if settings.NATIONAL_ID_ACR_VALUES:
        extra["acr_values"] = settings.NATIONAL_ID_ACR_VALUES
    try:
        return client_for(issuer_for(request)).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError) as exc:
        logger.warning("national identity provider unavailable: %s", exc)
        raise ProviderUnavailable(str(exc)) from exc


def complete_sign_in(request) -> tuple[dict, str]:
    """The provider's answer at our callback: (the userinfo claims, the raw ID token).

    Raises SignInFailed or ProviderUnavailable; the state is used up either way.
    """
    client = client_for(issuer_for(request))
    try:
        metadata = client.load_server_metadata()
        token = client.authorize_access_token(
            request,
            # Authlib checks `iss` only this way; `aud` must name us (not merely `azp`).
            claims_options={
                "iss": {"essential": True, "value": metadata.get("issuer", "")},
                "aud": {"essential": True, "value": settings.NATIONAL_ID_CLIENT_ID},
            },
        )
        if "userinfo" not in token:  # no ID token: nothing signed to check
            raise SignInFailed("id_token", "the token response carries no ID token")
        subject = token["userinfo"]["sub"]
        userinfo = dict(client.userinfo(token=token))
    except MismatchingStateError as exc:
        raise SignInFailed("state", str(exc)) from exc
    except OAuthError as exc:
        raise SignInFailed("refused", f"{exc.error}: {exc.description}") from exc
    except JoseError as exc:
        raise SignInFailed("id_token", repr(exc)) from exc
    except requests.HTTPError as exc:
        if exc.response is not None and exc.response.status_code < 500:
            raise SignInFailed("refused", str(exc)) from exc
        raise ProviderUnavailable(str(exc)) from exc
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    if userinfo.get("sub") != subject:
        raise SignInFailed("userinfo", "the userinfo's sub is not the ID token's")
    return userinfo, token["id_token"]


def end_session_url(request, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser so the provider ends its session too; None if it cannot."""
    client = client_for(issuer_for(request))
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(
            id_token_hint=id_token, post_logout_redirect_uri=post_logout_redirect_uri
        )["url"]
    except (requests.RequestException, ValueError) as exc:
        logger.warning("national identity provider unavailable at logout: %s", exc)
        return None
