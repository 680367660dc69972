"""A budget's webhook URL may be a Vault reference: it is saved as the reference, read from
Vault (the fake KV v2 server of tests/secrets/fake_vault.py; no Vault binary installs here)
when a notification goes out, and the notification log keeps the reference, never the URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import text

from finops.db.engine import get_engine
from finops.notify import NotifySettings, deliver_webhook
from finops.notify.targets import TargetRefusedError, check_webhook_url
from finops.secrets import VaultConfig, VaultProvider
from tests.secrets.conftest import Vault


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    bodies: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", bodies
    server.shutdown()
    server.server_close()


def test_a_webhook_reference_is_read_from_vault_when_sending(
    vault: Vault, fresh_settings: Any, receiver: tuple[str, list[dict[str, Any]]]
) -> None:
    url, bodies = receiver
    vault.state.data["finops/shared/webhooks"] = {"team-a": url}
    reference = "vault:finops/shared/webhooks#team-a"
    check_webhook_url(reference)  # saved as it is
    with pytest.raises(TargetRefusedError, match="vault:<path>#<key>"):
        check_webhook_url("vault:finops/shared/webhooks")
    notify = NotifySettings(
        webhook_allow=("127.0.0.1",),
        retries=0,
        secrets=VaultProvider(VaultConfig(url=vault.url, token=vault.api_token)),
    )
    with get_engine(fresh_settings).begin() as conn:
        sent = deliver_webhook(
            conn, url=reference, dedup_key="k1", title="Budget", lines=["80%"], settings=notify
        )
        denied = deliver_webhook(
            conn,
            url="vault:finops/jobs/hooks#team-b",
            dedup_key="k1",
            title="Budget",
            lines=["80%"],
            settings=notify,
        )
        logged = conn.execute(
            text("SELECT target, status FROM finops.notification_log ORDER BY target")
        ).all()
    assert sent.status == "sent"
    assert [body["text"] for body in bodies] == ["Budget\n80%"]
    assert denied.status == "failed"
    assert denied.error is not None
    assert "permission denied" in denied.error and "secret/data/finops/jobs/hooks" in denied.error
    assert [tuple(row) for row in logged] == [
        ("vault:finops/jobs/hooks#team-b", "failed"),
        (reference, "sent"),
    ]
