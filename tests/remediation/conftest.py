"""Fixtures: a moto server on loopback, the clients the actions use (``AwsSessions``: adaptive
retries, the endpoint from the settings) with every AWS operation recorded through botocore's
``before-call`` events, and factories that create each action's resource in moto."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from finops.ingest.aws import AwsSessions, AwsSettings
from tests.factories.moto import start_moto_server, stop_moto_server
from tests.factories.usage import MotoAws

ACCOUNT = "123456789012"  # moto's own account: the base session, no AssumeRole
REGION = "us-east-1"


@dataclass
class RecordingClients:
    """``AwsSessions`` whose clients record each operation as its IAM action
    (``<signing name>:<operation>``, e.g. ``elasticloadbalancing:DeleteLoadBalancer``)."""

    sessions: AwsSessions
    calls: list[str] = field(default_factory=list)

    def client(self, service: str, *, account_id: str | None, region: str) -> Any:
        client = self.sessions.client(service, account_id=account_id, region=region)
        client.meta.events.register("before-call", self._record)
        return client

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(f"{model.service_model.signing_name}:{model.name}")

    def recorded(self) -> set[str]:
        return set(self.calls)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server, endpoint = start_moto_server()
    yield endpoint
    stop_moto_server(server, endpoint)


@pytest.fixture(scope="module")
def aws(moto_endpoint: str) -> Iterator[MotoAws]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            mp.delenv(name, raising=False)
        mp.setenv("AWS_CONFIG_FILE", "/nonexistent")
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        yield MotoAws(moto_endpoint)


@pytest.fixture
def clients(aws: MotoAws) -> RecordingClients:
    settings = AwsSettings(endpoint_url=aws.endpoint, accounts=(ACCOUNT,), regions=(REGION,))
    return RecordingClients(AwsSessions(settings=settings))
