"""Secrets: one provider interface, read through :class:`finops.config.Settings`.

A secret setting (the database URL, the AWS role settings, the SMTP password, the OIDC client
secret, the session key, the database role passwords; budgets' webhook URLs) holds either its
value or a *reference* ``vault:<path>#<key>``: the key ``<key>`` of the KV v2 secret ``<path>``
under the mount ``FINOPS_VAULT_MOUNT`` (``vault:finops/api/db#url`` reads
``GET /v1/secret/data/finops/api/db`` and takes ``data.data.url``). The layout of the paths is
documented in ``vault/README.md`` and docs/operations.md "Secrets".

``FINOPS_SECRETS_PROVIDER=env`` (the default) takes every value as it is and refuses a reference;
``vault`` resolves the references through HashiCorp Vault with ``hvac``: token, AppRole or
Kubernetes auth, the token renewed before it expires (and a new login when it can be renewed no
more), values cached for ``FINOPS_VAULT_CACHE_TTL_S``. A missing path, a missing key and a path the
token's policies deny are each a :class:`SecretsError` naming the path.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import hvac
import requests
from hvac.exceptions import Forbidden, InvalidPath, Unauthorized, VaultError

from finops.errors import ConfigurationError

REFERENCE_PREFIX = "vault:"
ProviderName = Literal["env", "vault"]
AuthMethod = Literal["token", "approle", "kubernetes"]


class SecretsError(ConfigurationError):
    """A secret could not be read: names the reference, the Vault path and the reason."""


@dataclass(frozen=True)
class SecretReference:
    """``vault:<path>#<key>``: one key of one KV v2 secret, the path relative to the mount."""

    path: str
    key: str

    @classmethod
    def parse(cls, text: str, *, setting: str) -> SecretReference:
        body = text.removeprefix(REFERENCE_PREFIX)
        path, _, key = body.partition("#")
        path = path.strip("/")
        if not text.startswith(REFERENCE_PREFIX) or not path or not key or "#" in key:
            raise SecretsError(
                f"{setting}: {text!r} is not a secret reference of the form vault:<path>#<key>"
            )
        return cls(path=path, key=key)

    def __str__(self) -> str:
        return f"{REFERENCE_PREFIX}{self.path}#{self.key}"


def is_reference(value: str) -> bool:
    return value.startswith(REFERENCE_PREFIX)


@dataclass(frozen=True)
class VaultConfig:
    """How to reach and log in to Vault (the ``FINOPS_VAULT_*`` settings)."""

    url: str
    auth_method: AuthMethod = "token"
    token: str | None = None
    role_id: str | None = None
    secret_id: str | None = None
    kubernetes_role: str | None = None
    kubernetes_jwt_path: Path = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
    auth_mount: str | None = None
    mount: str = "secret"
    namespace: str | None = None
    cache_ttl_s: float = 300.0
    renew_margin_s: float = 60.0
    timeout_s: float = 10.0
    verify: bool | str = True


class SecretsProvider(Protocol):
    name: ProviderName

    def read(self, reference: SecretReference) -> str: ...


class EnvironmentProvider:
    """Values come from the environment as they are; a reference there is a mistake."""

    name: ProviderName = "env"

    def read(self, reference: SecretReference) -> str:
        raise SecretsError(
            f"{reference} is a Vault reference but FINOPS_SECRETS_PROVIDER is 'env' "
            "(set FINOPS_SECRETS_PROVIDER=vault and FINOPS_VAULT_ADDR)"
        )


@dataclass
class _Token:
    renewable: bool
    expires_at: float | None  # clock time; None: never expires


@dataclass
class VaultProvider:
    """KV v2 reads through one ``hvac`` client, a token kept alive and a TTL cache of paths."""

    config: VaultConfig
    clock: Callable[[], float] = time.monotonic
    name: ProviderName = "vault"
    _client: hvac.Client | None = field(default=None, init=False, repr=False)
    _token: _Token | None = field(default=None, init=False, repr=False)
    _cache: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def read(self, reference: SecretReference) -> str:
        data = self.read_path(reference.path)
        if reference.key not in data:
            raise SecretsError(
                f"{reference}: the Vault secret {self._where(reference.path)} has no key "
                f"{reference.key!r} (keys: {', '.join(sorted(data)) or 'none'})"
            )
        return str(data[reference.key])

    def read_path(self, path: str) -> dict[str, Any]:
        """The data of the KV v2 secret at ``path`` (from the cache while it is fresh)."""
        with self._lock:
            cached = self._cache.get(path)
            if cached is not None and cached[0] > self.clock():
                return cached[1]
            data = self._fetch(path)
            self._cache[path] = (self.clock() + self.config.cache_ttl_s, data)
            return data

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _where(self, path: str) -> str:
        return f"{self.config.mount}/data/{path} at {self.config.url}"

    def _fetch(self, path: str) -> dict[str, Any]:
        client = self._authenticated()
        try:
            return self._read(client, path)
        except (Forbidden, Unauthorized):
            # Vault answers 403 for a dead token and for a denied path alike: ask about the token
            if self._token_alive(client):
                raise SecretsError(
                    f"permission denied reading the Vault secret {self._where(path)}: "
                    "the token's policies do not allow it"
                ) from None
        self._client = None
        return self._read(self._authenticated(), path)

    def _read(self, client: hvac.Client, path: str) -> dict[str, Any]:
        try:
            response = client.secrets.kv.v2.read_secret_version(
                path=path, mount_point=self.config.mount, raise_on_deleted_version=True
            )
        except InvalidPath:
            raise SecretsError(f"no Vault secret at {self._where(path)}") from None
        except (Forbidden, Unauthorized):
            raise
        except (VaultError, requests.RequestException) as exc:
            raise SecretsError(
                f"reading the Vault secret {self._where(path)} failed: {exc}"
            ) from exc
        return dict(response["data"]["data"])

    def _token_alive(self, client: hvac.Client) -> bool:
        try:
            client.auth.token.lookup_self()
        except (Forbidden, Unauthorized):
            return False
        return True

    def _authenticated(self) -> hvac.Client:
        """The client with a live token: renewed when it expires within the margin, a new login
        when it cannot be renewed (or has expired)."""
        now = self.clock()
        if self._client is not None and self._token is not None:
            expires = self._token.expires_at
            if expires is None or expires - now > self.config.renew_margin_s:
                return self._client
            if self._token.renewable and expires > now and self._renew(self._client):
                return self._client
            self._client = None
        if self._client is None:
            self._client = self._login()
        return self._client

    def _renew(self, client: hvac.Client) -> bool:
        try:
            auth = client.auth.token.renew_self()["auth"]
        except (VaultError, requests.RequestException):
            return False
        self._token = self._token_from(int(auth["lease_duration"]), bool(auth["renewable"]))
        return self._token.expires_at is None or (
            self._token.expires_at - self.clock() > self.config.renew_margin_s
        )

    def _token_from(self, ttl_s: int, renewable: bool) -> _Token:
        return _Token(renewable=renewable, expires_at=self.clock() + ttl_s if ttl_s > 0 else None)

    def _login(self) -> hvac.Client:
        config = self.config
        client = hvac.Client(
            url=config.url,
            namespace=config.namespace,
            timeout=config.timeout_s,
            verify=config.verify,
        )
        try:
            if config.auth_method == "token":
                return self._token_login(client)
            if config.auth_method == "approle":
                auth = client.auth.approle.login(
                    role_id=_required(config.role_id, "FINOPS_VAULT_ROLE_ID"),
                    secret_id=config.secret_id,
                    mount_point=config.auth_mount or "approle",
                )["auth"]
            else:
                jwt = _read_jwt(config.kubernetes_jwt_path)
                auth = client.auth.kubernetes.login(
                    role=_required(config.kubernetes_role, "FINOPS_VAULT_KUBERNETES_ROLE"),
                    jwt=jwt,
                    mount_point=config.auth_mount or "kubernetes",
                )["auth"]
        except (VaultError, requests.RequestException) as exc:
            raise SecretsError(
                f"Vault {config.auth_method} login at {config.url} failed: {exc}"
            ) from exc
        self._token = self._token_from(int(auth["lease_duration"]), bool(auth["renewable"]))
        return client

    def _token_login(self, client: hvac.Client) -> hvac.Client:
        client.token = _required(self.config.token, "FINOPS_VAULT_TOKEN")
        try:
            data = client.auth.token.lookup_self()["data"]
        except (Forbidden, Unauthorized):
            raise SecretsError(
                f"the Vault token (FINOPS_VAULT_TOKEN) is expired or revoked at {self.config.url}"
            ) from None
        self._token = self._token_from(int(data.get("ttl") or 0), bool(data.get("renewable")))
        return client


def _required(value: str | None, setting: str) -> str:
    if not value:
        raise SecretsError(f"{setting} must be set for this Vault auth method")
    return value


def _read_jwt(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError as exc:
        raise SecretsError(
            f"the Kubernetes service account token {path} (FINOPS_VAULT_KUBERNETES_JWT_PATH) "
            f"cannot be read: {exc.strerror}"
        ) from None


_providers: dict[VaultConfig, VaultProvider] = {}
_providers_lock = threading.Lock()


def secrets_provider(name: ProviderName, vault: VaultConfig | None) -> SecretsProvider:
    """The provider for these settings; one Vault provider (client, token, cache) per config."""
    if name == "env":
        return EnvironmentProvider()
    if vault is None:
        raise SecretsError("FINOPS_SECRETS_PROVIDER=vault needs FINOPS_VAULT_ADDR")
    with _providers_lock:
        return _providers.setdefault(vault, VaultProvider(vault))


def resolve_references(values: Mapping[str, str], *, provider: SecretsProvider) -> dict[str, str]:
    """The values of the settings named in ``values`` (setting name -> reference text)."""
    resolved: dict[str, str] = {}
    for setting, text in values.items():
        reference = SecretReference.parse(text, setting=setting)
        try:
            resolved[setting] = provider.read(reference)
        except SecretsError as exc:
            raise SecretsError(f"{setting}: {exc}") from None
    return resolved
