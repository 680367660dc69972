"""The secrets provider's settings and the resolution of secret references in the settings.

:class:`SecretSettings` is the base of :class:`finops.config.Settings`: ``FINOPS_SECRETS_PROVIDER``
and ``FINOPS_VAULT_*``. :func:`resolve_secrets` (called by ``config.get_settings()``) replaces every
``vault:<path>#<key>`` reference held by a setting of :data:`SECRET_SETTINGS` with the value the
provider reads (finops.secrets); docs/operations.md "Secrets".
"""

from __future__ import annotations

from pathlib import Path
from typing import Self, TypeVar

from pydantic import Field, PrivateAttr, SecretStr, model_validator
from pydantic_settings import BaseSettings

from finops.secrets import (
    AuthMethod,
    ProviderName,
    VaultConfig,
    is_reference,
    resolve_references,
    secrets_provider,
)


class SecretSettings(BaseSettings):
    """Where secret settings come from (the prefix is the subclass's, ``FINOPS_``)."""

    secrets_provider: ProviderName = Field(default="env", description="env | vault")
    vault_addr: str | None = Field(default=None, description="Vault's URL (https://vault:8200)")
    vault_auth_method: AuthMethod = Field(default="token", description="token|approle|kubernetes")
    vault_token: SecretStr | None = None
    vault_role_id: str | None = Field(default=None, description="AppRole role id")
    vault_secret_id: SecretStr | None = Field(default=None, description="AppRole secret id")
    vault_kubernetes_role: str | None = Field(default=None, description="Vault role of the pod")
    vault_kubernetes_jwt_path: Path = Path("/var/run/secrets/kubernetes.io/serviceaccount/token")
    vault_auth_mount: str | None = Field(default=None, description="unset: approle|kubernetes")
    vault_mount: str = Field(default="secret", description="the KV v2 secrets engine's mount")
    vault_namespace: str | None = None
    vault_cache_ttl_s: float = Field(default=300.0, ge=0, description="how long a read is kept")
    vault_renew_margin_s: float = Field(default=60.0, ge=0, description="renew a token this early")
    vault_ca_cert: Path | None = Field(default=None, description="CA bundle of Vault's TLS")
    _secret_references: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _vault_needs_an_address(self) -> Self:
        if self.secrets_provider == "vault" and not self.vault_addr:
            raise ValueError("FINOPS_VAULT_ADDR must be set with FINOPS_SECRETS_PROVIDER=vault")
        return self

    @property
    def secret_references(self) -> dict[str, str]:
        """The settings whose value was read from Vault: name -> the reference they held."""
        return dict(self._secret_references)

    def vault_config(self) -> VaultConfig | None:
        if self.vault_addr is None:
            return None
        return VaultConfig(
            url=self.vault_addr,
            auth_method=self.vault_auth_method,
            token=_plain(self.vault_token),
            role_id=self.vault_role_id,
            secret_id=_plain(self.vault_secret_id),
            kubernetes_role=self.vault_kubernetes_role,
            kubernetes_jwt_path=self.vault_kubernetes_jwt_path,
            auth_mount=self.vault_auth_mount,
            mount=self.vault_mount,
            namespace=self.vault_namespace,
            cache_ttl_s=self.vault_cache_ttl_s,
            renew_margin_s=self.vault_renew_margin_s,
            verify=str(self.vault_ca_cert) if self.vault_ca_cert else True,
        )


S = TypeVar("S", bound=SecretSettings)

SECRET_SETTINGS = (
    "database_url",
    "airflow_database_url",
    "aws_role_arn",
    "aws_external_id",
    "notify_smtp_username",
    "notify_smtp_password",
    "oidc_client_secret",
    "session_secret",
    "db_app_password",
    "db_console_password",
    "db_api_password",
)
"""The settings that may hold a ``vault:<path>#<key>`` reference."""


def _plain(value: str | SecretStr | None) -> str | None:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def resolve_secrets(settings: S) -> S:
    """The settings with every secret reference replaced by its value from the provider
    (``FINOPS_SECRETS_PROVIDER``); settings holding no reference come back unchanged."""
    references = {
        name: raw
        for name in SECRET_SETTINGS
        if (raw := _plain(getattr(settings, name))) is not None and is_reference(raw)
    }
    if not references:
        return settings
    provider = secrets_provider(settings.secrets_provider, settings.vault_config())
    prefix = str(settings.model_config.get("env_prefix", ""))
    values = resolve_references(
        {prefix + name.upper(): text for name, text in references.items()}, provider=provider
    )
    update: dict[str, object] = {}
    for name in references:
        value = values[prefix + name.upper()]
        update[name] = SecretStr(value) if isinstance(getattr(settings, name), SecretStr) else value
    resolved = settings.model_copy(update=update)
    resolved._secret_references = references
    return resolved
