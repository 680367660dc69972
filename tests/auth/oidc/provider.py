"""A small OpenID provider for the single sign-on tests, built from Authlib's server components:
``AuthorizationServer`` with the authorization-code grant, the PKCE extension
(``CodeChallenge``) and the OpenID Connect code flow (``OpenIDCode``), a discovery document
(``OpenIDProviderMetadata``) and a JWKS endpoint; it signs RS256 ID tokens with a key it
generates. No identity provider binary (Keycloak, Dex…) can be installed here, so the tests
start this one on a free loopback port (``http.server`` in a thread).

The authorization endpoint consents at once for ``provider.user`` (no login page). Each test may
change what the next ID token says: ``audience``, ``expires_in`` (negative: already expired),
``nonce`` (a different one), ``user.groups``, ``signing_key`` (a key the JWKS does not list),
or ``deny`` (the user refuses consent).
``client.public`` makes the client public (no secret, PKCE only). ``provider.token_requests``
keeps every token request's form (and its basic authorization header), ``provider.token_errors``
every refusal of the token endpoint."""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc.jwk import RSAKey

CLIENT_ID = "finops-dashboard"
CLIENT_SECRET = "test-client-secret-0123456789"


@dataclass
class IdpUser:
    sub: str
    preferred_username: str
    name: str
    email: str
    groups: list[str] = field(default_factory=list)


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    public: bool = False  # a public client authenticates with "none" (PKCE only)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile", "email", "groups"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == ("none" if self.public else "client_secret_basic")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: IdpUser
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class Request(OAuth2Request):  # type: ignore[misc]
    """An OAuth 2 request from ``http.server``'s parsed query or form."""

    def __init__(self, method: str, uri: str, headers: Any, data: dict[str, str]) -> None:
        super().__init__(method=method, uri=uri, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def args(self) -> dict[str, str]:
        return self._data if self.method == "GET" else {}

    @property
    def form(self) -> dict[str, str]:
        return self._data if self.method == "POST" else {}


class OidcProvider(AuthorizationServer):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(scopes_supported=["openid", "profile", "email", "groups"])
        self.issuer = ""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-key-1", "use": "sig"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET, [])
        self.codes: dict[str, AuthorizationCode] = {}
        self.token_requests: list[dict[str, str]] = []
        self.token_errors: list[dict[str, Any]] = []
        self.reset()
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda *a, **k: secrets.token_urlsafe(32))
        )
        self.register_grant(
            AuthorizationCodeGrant, [CodeChallenge(required=True), ProviderOpenIDCode(self)]
        )

    def reset(self) -> None:
        """Honest ID tokens for the default user (the state each test starts from)."""
        self.user = IdpUser("subject-1", "ada", "Ada Lovelace", "ada@example.com", ["analysts"])
        self.audience: str | list[str] | None = None  # None: the client
        self.expires_in = 300
        self.nonce: str | None = None  # None: the one the login sent
        self.signing_key: RSAKey | None = None  # None: self.key
        self.deny = False  # True: the user refuses consent (error=access_denied)
        self.client.public = False
        self.token_requests.clear()
        self.token_errors.clear()

    # the AuthorizationServer's framework hooks
    def query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict[str, Any], request: Request) -> None:
        pass  # the ID token is all the tests look at

    def create_oauth2_request(self, request: Request) -> Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        pass

    def metadata(self) -> dict[str, Any]:
        document = OpenIDProviderMetadata(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            jwks_uri=f"{self.issuer}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            scopes_supported=self.scopes_supported,
            token_endpoint_auth_methods_supported=["client_secret_basic"],
            code_challenge_methods_supported=["S256"],
            grant_types_supported=["authorization_code"],
        )
        document.validate()
        return dict(document)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "none"]

    def save_authorization_code(self, code: str, request: Request) -> None:
        data = request.payload.data
        self.server.codes[code] = AuthorizationCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=data.get("redirect_uri", ""),
            scope=request.scope,
            user=request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=int(time.time()),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = self.server.codes.get(code)
        return found if found is not None and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> IdpUser:
        return authorization_code.user


class ProviderOpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: OidcProvider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: Request) -> bool:
        return any(c.nonce == nonce for c in self.provider.codes.values())

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.provider.signing_key or self.provider.key

    def get_encode_header(self, client: Client) -> dict[str, str]:
        key = self.resolve_client_private_key(client)
        return {"alg": "RS256", "kid": str(key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        audience = self.provider.audience or [client.get_client_id()]
        return {
            "iss": self.provider.issuer,
            "aud": audience,
            "iat": now,
            "exp": now + self.provider.expires_in,
        }

    def get_authorization_code_claims(self, authorization_code: AuthorizationCode) -> Any:
        claims = super().get_authorization_code_claims(authorization_code)
        if self.provider.nonce is not None:
            claims["nonce"] = self.provider.nonce
        return claims

    def generate_user_info(self, user: IdpUser, scope: str) -> UserInfo:
        info = UserInfo(
            sub=user.sub, name=user.name, preferred_username=user.preferred_username
        ).filter(scope)
        info.update(UserInfo(email=user.email).filter(scope))
        info["groups"] = list(user.groups)
        return info


class Handler(BaseHTTPRequestHandler):
    provider: OidcProvider

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, headers: list[tuple[str, str]]) -> None:
        payload = json.dumps(body).encode() if isinstance(body, dict) else str(body).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-type" for name, _ in headers):
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        provider = self.provider
        url = urlsplit(self.path)
        if url.path == "/.well-known/openid-configuration":
            self._answer(200, provider.metadata(), [])
        elif url.path == "/jwks":
            self._answer(200, {"keys": [provider.key.as_dict(private=False)]}, [])
        elif url.path == "/authorize":
            query = dict(parse_qsl(url.query))
            request = Request("GET", provider.issuer + self.path, self.headers, query)
            grant = provider.get_consent_grant(request, end_user=provider.user)
            consent = None if provider.deny else provider.user
            self._answer(*provider.create_authorization_response(request, consent, grant))
        else:
            self._answer(404, {"error": "not_found"}, [])

    def do_POST(self) -> None:
        provider = self.provider
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        if urlsplit(self.path).path != "/token":
            self._answer(404, {"error": "not_found"}, [])
            return
        basic = self.headers.get("Authorization", "")
        provider.token_requests.append({**form, "(basic auth)": basic})
        request = Request("POST", provider.issuer + self.path, self.headers, form)
        status, body, headers = provider.create_token_response(request)
        if status != 200:
            provider.token_errors.append(body)
        self._answer(status, body, headers)


class RunningProvider:
    """The provider serving on ``http://127.0.0.1:<port>`` until ``close``."""

    def __init__(self, *, redirect_uri: str) -> None:
        self.provider = OidcProvider()
        handler = type("BoundHandler", (Handler,), {"provider": self.provider})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.provider.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.provider.client.redirect_uris = [redirect_uri]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def issuer(self) -> str:
        return self.provider.issuer

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
