"""A fake Vault (tests/secrets/fake_vault.py) seeded with the platform's secret layout
(vault/README.md) and one identity per component, each limited to its own paths."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from finops import secrets as finops_secrets
from tests.secrets.fake_vault import FakeClock, Identity, VaultState, fake_vault

POLICIES = Path(__file__).resolve().parents[2] / "vault" / "policies"


def readable(policy: str) -> tuple[str, ...]:
    """The KV v2 path prefixes a committed policy lets its holder read (``secret/data/x/*``)."""
    text = (POLICIES / f"{policy}.hcl").read_text()
    return tuple(re.findall(r'^path "secret/data/([^"*]+)\*"', text, flags=re.MULTILINE))


API = Identity(policies=readable("finops-api"), ttl=120, max_ttl=200)
JOBS = Identity(policies=readable("finops-jobs"))
AIRFLOW = Identity(policies=readable("finops-airflow"))

SECRETS = {
    "finops/shared/db": {"url": "postgresql://finops:db-pass@db.internal:5432/finops"},
    "finops/api/session": {"key": "session-key-0123456789abcdef"},
    "finops/api/oidc": {"client_secret": "oidc-secret"},
    "finops/shared/smtp": {"username": "mailer", "password": "smtp-pass"},
    "finops/jobs/aws": {"role_arn": "arn:aws:iam::123456789012:role/finops-billing"},
    "finops/airflow/connections/finops_aws": {
        "conn_type": "aws",
        "login": "AKIAFAKE",
        "password": "fake-secret",
        "extra": {"region_name": "eu-west-1", "endpoint_url": "http://127.0.0.1:4566"},
    },
    "finops/airflow/variables/billing_period_lag_days": {"value": "3"},
}


@dataclass
class Vault:
    url: str
    state: VaultState
    clock: FakeClock
    api_token: str


@pytest.fixture
def vault() -> Iterator[Vault]:
    clock = FakeClock()
    state = VaultState(clock=clock, data={k: dict(v) for k, v in SECRETS.items()})
    state.approles["api-role-id"] = ("api-secret-id", API)
    state.approles["airflow-role-id"] = ("airflow-secret-id", AIRFLOW)
    state.kubernetes_roles["finops-jobs"] = ("jobs-service-account-jwt", JOBS)
    token = state.issue(API, token="hvs.api-token")
    with fake_vault(state) as url:
        yield Vault(url=url, state=state, clock=clock, api_token=token)
    finops_secrets._providers.clear()
