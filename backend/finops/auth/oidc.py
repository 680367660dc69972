"""OpenID Connect single sign-on: the Authorization Code flow with PKCE (S256), its requests
built with Authlib's OAuth 2 client functions and sent with httpx, the ID token checked with
joserfc.

``begin_login`` discovers the provider (its discovery document and keys are cached), keeps a
fresh ``state``, ``nonce`` and PKCE verifier with the path to return to in a short-lived signed
cookie (HttpOnly, SameSite=Lax, path ``/api/v1/auth/oidc``) and answers the provider's
authorization URL. At the callback, ``read_pending`` checks the returned ``state`` against that
cookie and ``exchange_code`` trades the code (with the verifier and, for a confidential client,
the client secret) for an ID token, whose signature (the provider's keys, asymmetric algorithms
only), issuer, audience (and ``azp`` when there are several), expiry and issue time (with
``LEEWAY_SECONDS``) and nonce ``validate_id_token`` checks. ``finops.auth.oidc_login`` turns
the claims into a FinOps user. Every refusal is an ``SsoError`` naming what was wrong."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import httpx
from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from finops.auth.secret import keyed_hash
from finops.config import ENV_PREFIX, Settings
from finops.errors import AuthenticationError, InvalidParameterError, NotFoundError

LOGIN_PATH = "/api/v1/auth/oidc/login"
CALLBACK_PATH = "/api/v1/auth/oidc/callback"
STATE_COOKIE = "finops_oidc"
STATE_COOKIE_PATH = "/api/v1/auth/oidc"
STATE_TTL_SECONDS = 600
"""How long a started login may take at the provider."""
LEEWAY_SECONDS = 60
"""Clock difference tolerated between the provider and this server (expiry, issue time)."""
DISCOVERY_TTL_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10.0
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
"""ID token signatures accepted: asymmetric only (never ``none`` nor a shared-secret HMAC)."""


class SsoError(AuthenticationError):
    """A single sign-on login refused (401; ``SsoDenied``: 403; ``SsoUnavailable``: 502).
    ``reason`` is the short code the audit row keeps (``wrong_audience``, ``expired``…)."""

    status = 401

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class SsoDenied(SsoError):
    """The provider vouched for the user, but FinOps refuses them (no role, disabled)."""

    status = 403


class SsoUnavailable(SsoError):
    """The provider could not be reached or answered nonsense."""

    status = 502


def oidc_provider_info(settings: Settings) -> dict[str, str] | None:
    """What ``/api/v1/auth/providers`` says of single sign-on: None when it is not configured."""
    if settings.oidc_issuer is None:
        return None
    return {"name": settings.oidc_name, "login_url": LOGIN_PATH}


# discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    fetched_at: float


_lock = threading.Lock()
_metadata: dict[str, ProviderMetadata] = {}
_keys: dict[str, KeySet] = {}


def _get_json(url: str, *, what: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT_SECONDS, follow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoUnavailable(
            f"single sign-on is unavailable: the identity provider's {what} at {url} could "
            f"not be read ({exc})",
            reason="provider_unavailable",
        ) from exc
    if not isinstance(document, dict):
        raise SsoUnavailable(
            f"the identity provider's {what} at {url} is not a JSON object",
            reason="provider_unavailable",
        )
    return document


def discover(settings: Settings) -> ProviderMetadata:
    """The provider's endpoints from ``<issuer>/.well-known/openid-configuration`` (cached for
    ``DISCOVERY_TTL_SECONDS``); its ``issuer`` must be the configured one exactly."""
    issuer = configured_issuer(settings)
    with _lock:
        cached = _metadata.get(issuer)
    if cached is not None and time.monotonic() - cached.fetched_at < DISCOVERY_TTL_SECONDS:
        return cached
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    document = _get_json(url, what="discovery document")
    if document.get("issuer") != issuer:
        raise SsoUnavailable(
            f"the discovery document at {url} names the issuer {document.get('issuer')!r}, "
            f"not {ENV_PREFIX}OIDC_ISSUER {issuer!r} (they must be equal, trailing slash too)",
            reason="provider_unavailable",
        )
    endpoints = {}
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(key)
        if not isinstance(value, str) or not value:
            raise SsoUnavailable(
                f"the discovery document at {url} has no {key}", reason="provider_unavailable"
            )
        endpoints[key] = value
    metadata = ProviderMetadata(issuer=issuer, fetched_at=time.monotonic(), **endpoints)
    with _lock:
        _metadata[issuer] = metadata
    return metadata


def _signing_keys(metadata: ProviderMetadata, *, refresh: bool) -> KeySet:
    with _lock:
        cached = _keys.get(metadata.jwks_uri)
    if cached is not None and not refresh:
        return cached
    document = _get_json(metadata.jwks_uri, what="key set (jwks_uri)")
    try:
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise SsoUnavailable(
            f"the key set at {metadata.jwks_uri} cannot be read ({exc})",
            reason="provider_unavailable",
        ) from exc
    with _lock:
        _keys[metadata.jwks_uri] = keys
    return keys


def forget_providers() -> None:
    """Drop the cached discovery documents and keys (the next login fetches them again)."""
    with _lock:
        _metadata.clear()
        _keys.clear()


def configured_issuer(settings: Settings) -> str:
    """The configured issuer; ``NotFoundError`` (404) when single sign-on is not configured."""
    if settings.oidc_issuer is None or settings.oidc_client_id is None:
        raise NotFoundError("single sign-on is not configured")
    return settings.oidc_issuer


# the login that is under way ---------------------------------------------------------------


@dataclass(frozen=True)
class PendingLogin:
    """What the state cookie keeps between the redirect to the provider and the callback."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str
    expires_at: int


def safe_next(next_path: str | None) -> str:
    """A path on this site to return to after the login (``/``: the Overview). Anything else,
    another host (``//host``, ``https://…``), a backslash or control characters, is refused."""
    if not next_path:
        return "/"
    parts = urlsplit(next_path)
    if (
        not next_path.startswith("/")
        or next_path.startswith("//")
        or "\\" in next_path
        or parts.scheme
        or parts.netloc
        or any(ord(c) < 32 or ord(c) == 127 for c in next_path)
        or len(next_path) > 2000
    ):
        raise InvalidParameterError(
            f"next {next_path[:100]!r} must be a path on this site, starting with one '/'"
        )
    return next_path


def _client_auth(settings: Settings) -> ClientAuth:
    """``client_secret_basic`` for a confidential client, ``none`` (PKCE only) for a public one."""
    secret = settings.oidc_client_secret
    if secret is None:
        return ClientAuth(settings.oidc_client_id, None, "none")
    return ClientAuth(settings.oidc_client_id, secret.get_secret_value(), "client_secret_basic")


def _sign(settings: Settings, payload: str) -> str:
    return keyed_hash(settings, "oidc-login", payload)


def begin_login(
    settings: Settings, *, redirect_uri: str, next_path: str | None, now: datetime
) -> tuple[str, str]:
    """The provider's authorization URL, and the signed value of the state cookie."""
    configured_issuer(settings)
    next_path = safe_next(next_path)
    metadata = discover(settings)
    pending = PendingLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(48),
        next_path=next_path,
        expires_at=int(now.timestamp()) + STATE_TTL_SECONDS,
    )
    url = prepare_grant_uri(
        metadata.authorization_endpoint,
        client_id=settings.oidc_client_id,
        response_type="code",
        redirect_uri=redirect_uri,
        scope=" ".join(settings.oidc_scopes),
        state=pending.state,
        nonce=pending.nonce,
        code_challenge=create_s256_code_challenge(pending.code_verifier),
        code_challenge_method="S256",
    )
    payload = base64.urlsafe_b64encode(json.dumps(asdict(pending)).encode()).decode()
    return str(url), f"{payload}.{_sign(settings, payload)}"


def read_pending(
    settings: Settings, *, cookie: str | None, state: str | None, now: datetime
) -> PendingLogin:
    """The login the cookie started, when it is intact, not expired and ``state`` matches."""
    restart = "; start the login again"
    if not cookie:
        raise SsoError("no single sign-on login is under way" + restart, reason="bad_state")
    payload, _, signature = cookie.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _sign(settings, payload)):
        raise SsoError("the single sign-on cookie is not valid" + restart, reason="bad_state")
    pending = PendingLogin(**json.loads(base64.urlsafe_b64decode(payload)))
    if now.timestamp() > pending.expires_at:
        raise SsoError("the single sign-on login took too long" + restart, reason="bad_state")
    if not state or not hmac.compare_digest(state.encode(), pending.state.encode()):
        raise SsoError(
            "the state the identity provider returned does not match this browser's login"
            + restart,
            reason="bad_state",
        )
    return pending


# the code exchange and the ID token ---------------------------------------------------------


def exchange_code(
    settings: Settings, *, code: str, pending: PendingLogin, redirect_uri: str, now: datetime
) -> dict[str, Any]:
    """Trade the code (and the PKCE verifier) for tokens; answers the ID token's claims."""
    metadata = discover(settings)
    body = prepare_token_request(
        "authorization_code",
        redirect_uri=redirect_uri,
        code=code,
        code_verifier=pending.code_verifier,
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    auth = _client_auth(settings)
    url, headers, body = auth.prepare("POST", metadata.token_endpoint, headers, body)
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=HTTP_TIMEOUT_SECONDS)
        token = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoUnavailable(
            f"the code exchange at {metadata.token_endpoint} failed ({exc})",
            reason="provider_unavailable",
        ) from exc
    if not isinstance(token, dict) or response.status_code != 200 or "error" in token:
        error = token.get("error") if isinstance(token, dict) else None
        description = token.get("error_description") if isinstance(token, dict) else None
        raise SsoError(
            f"the identity provider refused the code exchange ({response.status_code}): "
            f"{error}: {description}",
            reason="code_exchange",
        )
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise SsoError(
            "the identity provider answered no ID token (is 'openid' among "
            f"{ENV_PREFIX}OIDC_SCOPES?)",
            reason="no_id_token",
        )
    return validate_id_token(settings, metadata, id_token, nonce=pending.nonce, now=now)


def _decode(metadata: ProviderMetadata, id_token: str) -> dict[str, Any]:
    """The claims of ``id_token`` once its signature verifies with the provider's keys (fetched
    again once when the token names a key the cached set lacks: the provider rotated them)."""
    for refresh in (False, True):
        keys = _signing_keys(metadata, refresh=refresh)
        try:
            return dict(jwt.decode(id_token, keys, algorithms=list(SIGNING_ALGORITHMS)).claims)
        except InvalidKeyIdError as exc:
            if refresh:
                raise SsoError(
                    f"the ID token is signed with a key the provider does not publish ({exc})",
                    reason="bad_signature",
                ) from exc
        except JoseError as exc:
            raise SsoError(
                f"the ID token's signature does not verify with the provider's keys ({exc})",
                reason="bad_signature",
            ) from exc
        except ValueError as exc:
            raise SsoError(f"the ID token cannot be read ({exc})", reason="bad_token") from exc
    raise AssertionError("unreachable")


def _refuse(reason: str, message: str) -> SsoError:
    return SsoError(f"the ID token is refused: {message}", reason=reason)


def validate_id_token(
    settings: Settings, metadata: ProviderMetadata, id_token: str, *, nonce: str, now: datetime
) -> dict[str, Any]:
    """The claims of an ID token whose signature, issuer, audience, times and nonce hold."""
    claims = _decode(metadata, id_token)
    client_id = settings.oidc_client_id
    if claims.get("iss") != metadata.issuer:
        raise _refuse(
            "wrong_issuer", f"its issuer {claims.get('iss')!r} is not {metadata.issuer!r}"
        )
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise _refuse(
            "wrong_audience",
            f"its audience {audience!r} does not include this client {client_id!r}",
        )
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise _refuse(
            "wrong_audience",
            f"it names several audiences and its azp {claims.get('azp')!r} is not {client_id!r}",
        )
    seconds = now.timestamp()
    expires, issued = claims.get("exp"), claims.get("iat")
    if not _is_time(expires) or expires + LEEWAY_SECONDS < seconds:
        raise _refuse(
            "expired", f"it expired at {expires!r} (now {int(seconds)}, {LEEWAY_SECONDS} s leeway)"
        )
    if not _is_time(issued) or issued - LEEWAY_SECONDS > seconds:
        raise _refuse(
            "issued_in_future",
            f"its issue time {issued!r} is missing or after now ({int(seconds)})",
        )
    sent = claims.get("nonce")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), nonce.encode()):
        raise _refuse("nonce_mismatch", "its nonce is not the one this login sent")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise _refuse("no_subject", "it names no subject (sub)")
    return claims


def _is_time(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
