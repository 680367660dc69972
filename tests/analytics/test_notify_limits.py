"""Notifications cannot be turned against the platform: retries are bounded per run, webhooks go
only to public addresses (checked again, with the name resolved, right before each delivery),
redirects are not followed, and a stored budget beyond the limits does not stall the job."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import text

from finops.analytics.budgets.job import run_budget_check
from finops.analytics.budgets.model import Budget, BudgetError, save_budget
from finops.config import Settings
from finops.db.engine import get_engine
from finops.errors import InvalidParameterError
from finops.notify.delivery import DeliveryRun, Message, NotifySettings, deliver, deliver_webhook
from tests.analytics.conftest import KnownEstate


class Hits:
    def __init__(self) -> None:
        self.paths: list[str] = []


@pytest.fixture
def failing_receiver() -> Iterator[tuple[str, Hits]]:
    """Answers 500 to every POST on /fail and a redirect to the metadata address on /moved."""
    hits = Hits()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hits.paths.append(self.path)
            self.rfile.read(int(self.headers["Content-Length"]))
            if self.path.startswith("/moved"):
                self.send_response(307)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            else:
                self.send_response(500)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


LOCAL = NotifySettings(retries=3, backoff_s=0.0, timeout_s=2, webhook_allow=("127.0.0.1",))


def test_retries_are_bounded_per_run(
    fresh_settings: Settings, failing_receiver: tuple[str, Hits]
) -> None:
    base, hits = failing_receiver
    settings = dataclasses.replace(LOCAL, retry_budget=2)
    run = DeliveryRun.start(settings)
    with get_engine(fresh_settings).begin() as conn:
        first = [
            deliver_webhook(
                conn,
                url=f"{base}/fail",
                dedup_key=f"k{i}",
                title="t",
                lines=[],
                settings=settings,
                run=run,
            )
            for i in range(5)
        ]
        other = deliver_webhook(
            conn,
            url=f"{base}/fail2",
            dedup_key="k9",
            title="t",
            lines=[],
            settings=settings,
            run=run,
        )
        logged = conn.execute(
            text("SELECT count(*), sum(attempts) FROM notification_log WHERE status = 'failed'")
        ).one()
    # the first delivery: one attempt and the run's two retries; the same target is not tried
    # again in this run; another target gets its first attempt only (no retries left)
    assert [d.attempts for d in first] == [3, 0, 0, 0, 0]
    assert all(d.status == "failed" for d in first) and "failed earlier" in str(first[1].error)
    assert other.attempts == 1
    assert hits.paths == ["/fail"] * 3 + ["/fail2"]
    assert tuple(logged) == (6, 4)


def test_webhooks_to_private_addresses_are_refused_at_delivery(
    fresh_settings: Settings, failing_receiver: tuple[str, Hits]
) -> None:
    base, hits = failing_receiver
    port = base.rsplit(":", 1)[1]
    strict = NotifySettings(retries=3, backoff_s=0.0, timeout_s=2)  # no allow-list
    host = socket.gethostname()
    resolved = {info[4][0] for info in socket.getaddrinfo(host, None)}
    assert not any(ipaddress.ip_address(a).is_global for a in resolved)  # this machine's name
    with get_engine(fresh_settings).begin() as conn:
        for url in (f"{base}/fail", f"http://localhost:{port}/fail", f"http://{host}:{port}/x"):
            delivery = deliver_webhook(
                conn, url=url, dedup_key=url, title="t", lines=[], settings=strict
            )
            assert (delivery.status, delivery.attempts) == ("failed", 0), url
            assert "FINOPS_NOTIFY_WEBHOOK_ALLOW" in str(delivery.error)
    assert hits.paths == []


def test_redirects_are_not_followed(
    fresh_settings: Settings, failing_receiver: tuple[str, Hits]
) -> None:
    base, hits = failing_receiver
    settings = NotifySettings(retries=0, backoff_s=0.0, timeout_s=2, webhook_allow=("127.0.0.1",))
    with get_engine(fresh_settings).begin() as conn:
        delivery = deliver_webhook(
            conn, url=f"{base}/moved", dedup_key="m", title="t", lines=[], settings=settings
        )
    assert delivery.status == "failed" and "HTTP 307" in str(delivery.error)
    assert hits.paths == ["/moved"]


def test_saving_checks_targets_and_limits(known_estate: KnownEstate) -> None:
    with get_engine(known_estate.settings).begin() as conn:
        for channels, message in (
            ({"webhook": ["http://169.254.169.254/"]}, "not a public address"),
            ({"webhook": ["file:///etc/passwd"]}, "must be http"),
            ({"email": ["not-an-address"]}, "is not valid"),
            ({"email": [f"a{i}@example.com" for i in range(11)]}, "at most 10"),
        ):
            with pytest.raises(BudgetError, match=message):
                save_budget(
                    conn,
                    Budget(
                        name="x", scope={}, period="monthly", amount=Decimal(1), channels=channels
                    ),
                    webhook_allow=[],
                )
        local = Budget(
            name="local receiver",
            scope={},
            period="monthly",
            amount=Decimal(1),
            channels={"webhook": ["http://127.0.0.1:9/hook"]},
        )
        with pytest.raises(BudgetError, match="not a public address"):
            save_budget(conn, local, webhook_allow=[])
        assert save_budget(conn, local, webhook_allow=["127.0.0.0/8"]) > 0
        with pytest.raises(BudgetError, match="currency 'XXX'"):
            save_budget(
                conn,
                Budget(name="x", scope={}, period="monthly", amount=Decimal(1), currency="XXX"),
            )
        with pytest.raises(BudgetError, match="amount must be positive"):
            save_budget(conn, Budget(name="x", scope={}, period="monthly", amount=Decimal("NaN")))


def test_a_stored_budget_beyond_the_limits_is_skipped(known_estate: KnownEstate) -> None:
    """A budget written before the limits (80,000 tag keys) no longer stalls the check: it is
    skipped and named in the run's audit row, the others are evaluated."""
    settings = known_estate.settings
    with get_engine(settings).begin() as conn:
        save_budget(conn, Budget(name="fine", scope={}, period="monthly", amount=Decimal(100)))
        conn.execute(
            text(
                "INSERT INTO finops.budget_definitions (name, scope_kind, scope, period, amount, "
                "currency, cost_metric, thresholds, channels) VALUES ('huge', 'tags', "
                "CAST(:scope AS jsonb), 'monthly', 100, 'USD', 'billed_cost', "
                "CAST(:thresholds AS jsonb), '{}')"
            ),
            {
                "scope": json.dumps({f"tag:k{i}": "v" for i in range(80_000)}),
                "thresholds": json.dumps([{"kind": "actual", "percent": "80"}]),
            },
        )
    run = run_budget_check(run_date=date(2026, 3, 10), settings=settings, notify=LOCAL)
    assert [s.budget.name for s in run.statuses] == ["fine"]
    with get_engine(settings).connect() as conn:
        details = conn.execute(
            text(
                "SELECT details FROM finops.audit_log WHERE action = 'budgets.checked' "
                "ORDER BY id DESC LIMIT 1"
            )
        ).scalar_one()
    assert details["skipped"] == ["huge"] and details["budgets"] == 1


def test_an_unknown_channel_is_refused_before_anything_is_sent(fresh_settings: Settings) -> None:
    message = Message("k-sms", "t", ["l"])
    with get_engine(fresh_settings).begin() as conn:
        with pytest.raises(
            InvalidParameterError, match="'sms' is unknown \\(known: email, webhook\\)"
        ):
            deliver(conn, message, channel="sms", target="+10000000000", settings=LOCAL)
        logged = conn.execute(text("SELECT count(*) FROM notification_log")).scalar_one()
    assert logged == 0
