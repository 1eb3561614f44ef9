"""The simulator's OpenID Connect provider: Authlib's authorization server with the code
grant, PKCE and the OpenID Connect extension; codes and tokens in the cache (they live
minutes), one client: ours (`NATIONAL_ID_CLIENT_ID` / `_SECRET`), redirected only to our
callback. A code used twice is refused and the tokens issued with it revoked (RFC 6749
§4.1.2).
"""

import secrets
import time
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import grants as oidc_grants
from authlib.oidc.core.models import AuthorizationCodeMixin
from authlib.oidc.core.util import create_half_hash
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from joserfc import jwt

from . import keys
from .persons import Person, person

CODE_SECONDS = 300
TOKEN_SECONDS = 3600

# What the simulator's page can make it do wrong, to show (and test) that we refuse it.
FAULTS = {
    "wrong_nonce": "ID token with another nonce",
    "foreign_key": "ID token signed with a key that is not published",
    "expired": "ID token expired an hour ago",
    "wrong_audience": "ID token for another client",
    "wrong_issuer": "ID token from another issuer",
    "userinfo_sub": "userinfo about another person (another sub)",
}


def issuer_of(url: str) -> str:
    """The simulator's issuer on the host `url` was asked at."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{reverse('idp-sim:root').rstrip('/')}"


def _redirect_paths() -> set[str]:
    return {reverse("nationalid-callback")}


class Client(ClientMixin):
    """Our one client (the site that runs the simulator), a confidential client."""

    def __init__(self):
        self.client_id = settings.NATIONAL_ID_CLIENT_ID
        self.client_secret = settings.NATIONAL_ID_CLIENT_SECRET

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return "openid" if "openid" in (scope or "").split() else ""

    def check_redirect_uri(self, redirect_uri):
        parts = urlsplit(redirect_uri or "")
        return parts.scheme in ("http", "https") and parts.path in _redirect_paths()

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(client_secret or "", self.client_secret)

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    tech_id: str
    nonce: str
    acr: str
    auth_time: int
    code_challenge: str
    code_challenge_method: str
    fault: str = ""
    used: bool = False
    access_token: str = ""  # what it was exchanged for, revoked if it comes back

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return self.acr


def _code_key(code: str) -> str:
    return f"idp-sim:code:{code}"


def _token_key(access_token: str) -> str:
    return f"idp-sim:token:{access_token}"


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        person_, fault = request.user
        payload = request.payload
        item = Code(
            code=code,
            client_id=request.client.get_client_id(),
            redirect_uri=payload.redirect_uri,
            scope=request.scope,
            tech_id=person_.tech_id,
            nonce=payload.data.get("nonce", ""),
            acr=person_.loa,
            auth_time=int(time.time()),
            code_challenge=payload.data.get("code_challenge", ""),
            code_challenge_method=payload.data.get("code_challenge_method", ""),
            fault=fault,
        )
        cache.set(_code_key(code), asdict(item), CODE_SECONDS)
        if item.nonce:
            cache.set(f"idp-sim:nonce:{item.client_id}:{item.nonce}", 1, CODE_SECONDS)

    def query_authorization_code(self, code, client):
        data = cache.get(_code_key(code))
        if data is None or data["client_id"] != client.get_client_id():
            return None
        item = Code(**data)
        if item.used:  # a second use: refused, and what the first one got is revoked
            cache.delete(_token_key(item.access_token))
            return None
        return item

    def delete_authorization_code(self, authorization_code):
        # Kept, marked used, until it would have expired: a second use is recognised.
        authorization_code.used = True
        cache.set(_code_key(authorization_code.code), asdict(authorization_code), CODE_SECONDS)

    def authenticate_user(self, authorization_code):
        return person(authorization_code.tech_id)

    def save_token(self, token):
        code = self.request.authorization_code
        code.access_token = token["access_token"]
        cache.set(
            _token_key(token["access_token"]),
            {"tech_id": code.tech_id, "fault": code.fault, "scope": token.get("scope", "")},
            TOKEN_SECONDS,
        )


class OpenIDCode(oidc_grants.OpenIDCode):
    """The ID token: about the person chosen, signed with the simulator's key, unless the
    page asked for one of the `FAULTS`."""

    def exists_nonce(self, nonce, request):
        return bool(cache.get(f"idp-sim:nonce:{request.payload.client_id}:{nonce}"))

    def generate_user_info(self, user: Person, scope):
        return {"sub": user.sub}

    def encode_id_token(self, token, request):
        code: Code = request.authorization_code
        person_: Person = request.user
        now = int(time.time())
        claims = {
            "iss": issuer_of(request.uri),
            "sub": person_.sub,
            "aud": [request.client.get_client_id()],
            "iat": now,
            "exp": now + TOKEN_SECONDS,
            "auth_time": code.auth_time,
            "acr": code.acr,
            "at_hash": create_half_hash(token["access_token"], "RS256").decode(),
        }
        if code.nonce:
            claims["nonce"] = code.nonce
        key = keys.signing_key()
        fault = code.fault
        if fault == "wrong_nonce":
            claims["nonce"] = secrets.token_urlsafe(16)
        elif fault == "expired":
            claims.update(iat=now - 2 * TOKEN_SECONDS, exp=now - TOKEN_SECONDS)
        elif fault == "wrong_audience":
            claims["aud"] = ["another-service"]
        elif fault == "wrong_issuer":
            claims["iss"] = "https://issuer.invalid"
        elif fault == "foreign_key":  # a forger's key under the real key's name
            kid = key.kid
            key = keys.new_key()
            return jwt.encode({"alg": "RS256", "kid": kid}, claims, key)
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


class Server(AuthorizationServer):
    def __init__(self):
        super().__init__(client_model=None, token_model=None)
        self.register_grant(CodeGrant, [OpenIDCode(require_nonce=True), CodeChallenge()])

    def query_client(self, client_id):
        client = Client()
        return client if client_id == client.client_id else None

    def save_token(self, token, request):
        raise NotImplementedError("the code grant saves its own tokens")


def token_claims(access_token: str) -> dict | None:
    """The userinfo for a valid access token, None otherwise."""
    data = cache.get(_token_key(access_token))
    if data is None:
        return None
    claims = person(data["tech_id"]).claims()
    if data["fault"] == "userinfo_sub":
        claims["sub"] = claims["sub"] + "-someone-else"
    return claims


server = Server()
