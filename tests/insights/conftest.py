"""One small generated estate for the summaries' tests: two accounts billed 2026-09-01 ..
2026-10-15 (seed 11), its usage and inventory, the waste and anomaly jobs run as of its last
day, and a whole-bill monthly budget that alerts a local webhook receiver. Loaded once per
package; the insights job is run by the tests (it rewrites its rows in place)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from finops.config import Settings
from tests.conftest import create_database

START = date(2026, 9, 1)
END = date(2026, 10, 16)  # exclusive
AS_OF = date(2026, 10, 15)  # a Thursday: the week so far is Monday 12th .. Thursday 15th


@dataclass
class Receiver:
    bodies: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture(scope="package")
def webhook() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="package")
def insights_settings(
    pg_server: object, admin_url: str, finops_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    from finops.analytics.anomalies.job import run_anomaly_detection
    from finops.db.engine import get_engine
    from finops.db.migrate import upgrade
    from finops.generator import GenerateOptions, generate
    from finops.ingest.billing import ingest_billing
    from finops.jobs.inventory import run_inventory_ingest
    from finops.jobs.usage import run_usage_ingest
    from finops.jobs.waste import run_waste

    out = tmp_path_factory.mktemp("insights-estate")
    generate(
        GenerateOptions(
            out_dir=out,
            accounts=2,
            start=START,
            end=END,
            seed=11,
            utilization_days=3,
            restatement=False,
        )
    )
    name = f"t_ins_{uuid.uuid4().hex[:10]}"
    create_database(admin_url, name)
    settings = Settings(
        home=finops_home,
        database_url=pg_server.url(name),  # type: ignore[attr-defined]
        environment="test",
        notify_webhook_allow=["127.0.0.1"],
        notify_retries=0,
        notify_smtp_port=9,  # discard: nothing listens, the email fails at once
    )
    upgrade(get_engine(settings))
    ingest_billing(str(out / "cur2"), settings=settings)
    run_usage_ingest(str(out / "cloudwatch"), settings=settings)
    run_inventory_ingest(str(out / "config"), settings=settings)
    run_waste(run_date=AS_OF, settings=settings)
    run_anomaly_detection(run_date=AS_OF, report_days=30, settings=settings)
    return settings


@pytest.fixture(scope="package")
def budget(insights_settings: Settings, webhook: Receiver) -> str:
    """A whole-bill monthly budget low enough that its 50% actual threshold has crossed."""
    from finops.analytics.budgets.model import Budget, Threshold, save_budget
    from finops.db.engine import get_engine

    b = Budget(
        name="whole-bill",
        scope={},
        period="monthly",
        amount=Decimal("100"),
        thresholds=(Threshold("actual", Decimal(50)),),
        # the email goes to a port nothing listens on: it fails, and the log keeps its body
        channels={"webhook": [webhook.url], "email": ["owner@example.com"]},
    )
    with get_engine(insights_settings).begin() as conn:
        save_budget(conn, b, webhook_allow=["127.0.0.1"])
    return b.name
