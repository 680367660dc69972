"""Secrets from Vault through ``hvac``: token, AppRole and Kubernetes auth, renewal, the TTL
cache, and the errors naming the path. Vault itself cannot be installed here: the tests run
against the Vault-compatible KV v2 server in tests/secrets/fake_vault.py, started per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from finops.config import Settings, get_settings, resolve_secrets
from finops.errors import ConfigurationError
from finops.secrets import SecretReference, SecretsError, VaultConfig, VaultProvider
from tests.secrets.conftest import SECRETS, Vault

DB = "finops/shared/db"


def vault_settings(vault: Vault, tmp_path: Path, **values: object) -> Settings:
    fields: dict[str, object] = {
        "home": tmp_path,
        "secrets_provider": "vault",
        "vault_addr": vault.url,
        "vault_token": vault.api_token,
    }
    return Settings(**(fields | values))  # type: ignore[arg-type]


def test_secret_settings_are_read_from_vault_with_a_token(vault: Vault, tmp_path: Path) -> None:
    settings = resolve_secrets(
        vault_settings(
            vault,
            tmp_path,
            database_url=f"vault:{DB}#url",
            session_secret="vault:finops/api/session#key",
            oidc_client_secret="vault:finops/api/oidc#client_secret",
            notify_smtp_username="vault:finops/shared/smtp#username",
            notify_smtp_password="vault:finops/shared/smtp#password",
        )
    )
    assert settings.database_url is not None
    assert settings.database_url.get_secret_value() == SECRETS[DB]["url"]
    assert settings.session_secret is not None
    assert settings.session_secret.get_secret_value() == "session-key-0123456789abcdef"
    assert settings.oidc_client_secret is not None
    assert settings.oidc_client_secret.get_secret_value() == "oidc-secret"
    assert settings.notify_smtp_username == "mailer"
    assert settings.notify_smtp_password is not None
    assert settings.notify_smtp_password.get_secret_value() == "smtp-pass"
    assert settings.secret_references["database_url"] == f"vault:{DB}#url"
    assert len(settings.secret_references) == 5
    # two keys of one secret: one read of its path
    assert vault.state.count("GET", "secret/data/finops/shared/smtp") == 1
    assert vault.state.count("GET", "auth/token/lookup-self") == 1


def test_get_settings_resolves_references_from_the_environment(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINOPS_SECRETS_PROVIDER", "vault")
    monkeypatch.setenv("FINOPS_VAULT_ADDR", vault.url)
    monkeypatch.setenv("FINOPS_VAULT_TOKEN", vault.api_token)
    monkeypatch.setenv("FINOPS_SESSION_SECRET", "vault:finops/api/session#key")
    get_settings.cache_clear()
    try:
        settings = get_settings()
        assert settings.session_secret is not None
        assert settings.session_secret.get_secret_value() == "session-key-0123456789abcdef"
    finally:
        get_settings.cache_clear()


def test_values_are_cached_for_the_ttl(vault: Vault) -> None:
    provider = VaultProvider(
        VaultConfig(url=vault.url, token=vault.api_token, cache_ttl_s=30), clock=vault.clock
    )
    reference = SecretReference.parse(f"vault:{DB}#url", setting="FINOPS_DATABASE_URL")
    assert provider.read(reference) == SECRETS[DB]["url"]
    vault.state.data[DB] = {"url": "postgresql://rotated"}
    vault.clock.advance(29)
    assert provider.read(reference) == SECRETS[DB]["url"]
    vault.clock.advance(2)
    assert provider.read(reference) == "postgresql://rotated"
    assert vault.state.count("GET", f"secret/data/{DB}") == 2


def test_an_approle_token_is_renewed_and_replaced_by_a_new_login_at_its_max_ttl(
    vault: Vault,
) -> None:
    """The API's AppRole token lives 120 s, at most 200 s; renewal starts 60 s before expiry."""
    config = VaultConfig(
        url=vault.url,
        auth_method="approle",
        role_id="api-role-id",
        secret_id="api-secret-id",
        cache_ttl_s=0,
        renew_margin_s=60,
    )
    provider = VaultProvider(config, clock=vault.clock)
    reference = SecretReference.parse("vault:finops/api/oidc#client_secret", setting="X")
    assert provider.read(reference) == "oidc-secret"  # t=0: login, expires at 120
    vault.clock.advance(70)  # 50 s left: renewed to 190
    assert provider.read(reference) == "oidc-secret"
    assert vault.state.count("POST", "auth/token/renew-self") == 1
    vault.clock.advance(70)  # t=140, 50 s left: renewal stops at the max TTL (200): new login
    assert provider.read(reference) == "oidc-secret"
    assert vault.state.count("POST", "auth/token/renew-self") == 2
    assert vault.state.count("POST", "auth/approle/login") == 2
    vault.clock.advance(100)  # t=240: the first token is dead, the second lives until 260
    assert provider.read(reference) == "oidc-secret"
    assert vault.state.count("POST", "auth/approle/login") == 2


def test_a_token_revoked_behind_the_clients_back_means_a_new_login(vault: Vault) -> None:
    config = VaultConfig(
        url=vault.url, auth_method="approle", role_id="api-role-id", secret_id="api-secret-id"
    )
    provider = VaultProvider(config, clock=vault.clock)
    provider.read(SecretReference(path="finops/api/session", key="key"))
    vault.state.tokens.clear()  # revoked (or expired early) at the server
    provider.clear_cache()
    assert provider.read(SecretReference(path="finops/api/session", key="key")).startswith(
        "session"
    )
    assert vault.state.count("POST", "auth/approle/login") == 2


def test_an_expired_static_token_is_an_error_naming_the_setting(vault: Vault) -> None:
    provider = VaultProvider(VaultConfig(url=vault.url, token=vault.api_token), clock=vault.clock)
    vault.clock.advance(121)  # the token's TTL is 120 s and nothing renewed it
    with pytest.raises(SecretsError, match=r"FINOPS_VAULT_TOKEN.*expired or revoked"):
        provider.read(SecretReference(path=DB, key="url"))


def test_kubernetes_auth_logs_in_with_the_service_account_token(
    vault: Vault, tmp_path: Path
) -> None:
    jwt = tmp_path / "token"
    jwt.write_text("jobs-service-account-jwt\n")
    config = VaultConfig(
        url=vault.url,
        auth_method="kubernetes",
        kubernetes_role="finops-jobs",
        kubernetes_jwt_path=jwt,
    )
    provider = VaultProvider(config, clock=vault.clock)
    arn = provider.read(SecretReference(path="finops/jobs/aws", key="role_arn"))
    assert arn == "arn:aws:iam::123456789012:role/finops-billing"
    assert vault.state.count("POST", "auth/kubernetes/login") == 1
    jwt.write_text("another-jwt")
    with pytest.raises(SecretsError, match=r"kubernetes login at .* failed"):
        VaultProvider(config, clock=vault.clock).read(SecretReference(path=DB, key="url"))


def test_a_denied_path_names_the_path_and_the_setting(vault: Vault, tmp_path: Path) -> None:
    """The API's policies do not cover finops/jobs/: Vault answers 403 as for a dead token; the
    provider asks about its token before blaming the path (and does not log in again)."""
    settings = vault_settings(vault, tmp_path, aws_role_arn="vault:finops/jobs/aws#role_arn")
    with pytest.raises(SecretsError) as caught:
        resolve_secrets(settings)
    message = str(caught.value)
    assert message.startswith("FINOPS_AWS_ROLE_ARN: permission denied")
    assert "secret/data/finops/jobs/aws" in message
    assert vault.state.count("GET", "auth/token/lookup-self") == 2


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("vault:finops/api/missing#url", "no Vault secret at secret/data/finops/api/missing"),
        ("vault:finops/shared/db#password", "secret/data/finops/shared/db .*has no key 'password'"),
        ("vault:finops/shared/db", "not a secret reference of the form vault:<path>#<key>"),
    ],
)
def test_a_missing_path_or_key_names_it(
    vault: Vault, tmp_path: Path, reference: str, expected: str
) -> None:
    with pytest.raises(SecretsError, match=f"^FINOPS_DATABASE_URL: .*{expected}"):
        resolve_secrets(vault_settings(vault, tmp_path, database_url=reference))


def test_a_reference_without_the_vault_provider_is_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, database_url=f"vault:{DB}#url")
    with pytest.raises(
        SecretsError, match=r"FINOPS_DATABASE_URL: .*FINOPS_SECRETS_PROVIDER is 'env'"
    ):
        resolve_secrets(settings)
    plain = Settings(home=tmp_path, database_url="postgresql://h/d")
    assert resolve_secrets(plain) is plain


def test_the_vault_provider_needs_an_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINOPS_SECRETS_PROVIDER", "vault")
    monkeypatch.delenv("FINOPS_VAULT_ADDR", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="FINOPS_VAULT_ADDR must be set"):
            get_settings()
    finally:
        get_settings.cache_clear()
