"""Budgets on the known warehouse, with notifications delivered for real to a local SMTP server
(aiosmtpd) and a local HTTP receiver that fails first and succeeds on retry."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from finops.analytics.budgets.job import run_budget_check
from finops.analytics.budgets.model import Budget, BudgetError, Threshold, save_budget
from finops.db.engine import get_engine
from finops.notify.delivery import NotifySettings, deliver_webhook
from tests.analytics.conftest import ACCOUNT_A, KnownEstate


@dataclass
class Receiver:
    """Records JSON posts; answers 500 to the first ``failures`` of them."""

    failures: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)
    attempts: int = 0
    url: str = ""


@pytest.fixture
def webhook() -> Iterator[Receiver]:
    receiver = Receiver(failures=1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            receiver.attempts += 1
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if receiver.attempts <= receiver.failures:
                self.send_response(500)
                self.end_headers()
                return
            receiver.bodies.append(body)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield receiver
    server.shutdown()
    server.server_close()


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode())
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    with socket.socket() as probe:  # a free loopback port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


def _notify(port: int) -> NotifySettings:
    return NotifySettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_sender="finops@test",
        retries=2,
        backoff_s=0.05,
        timeout_s=5,
        webhook_allow=("127.0.0.1",),
    )


def test_alerts_fire_once_per_crossing_and_are_delivered(
    known_estate: KnownEstate, webhook: Receiver, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    settings = known_estate.settings
    # account A in March 2026: a 150.00 fee on the 1st plus ~44/day of EC2
    budget = Budget(
        name="checkout-monthly",
        scope={"account": ACCOUNT_A},
        period="monthly",
        amount=Decimal("1200"),
        thresholds=(Threshold("actual", Decimal(50)), Threshold("forecast", Decimal(100))),
        channels={"webhook": [webhook.url], "email": ["owner@example.com"]},
    )
    with get_engine(settings).begin() as conn:
        save_budget(conn, budget, webhook_allow=["127.0.0.1"])  # the receiver is local
    notify = _notify(port)
    fired: dict[date, list[str]] = {}
    day = date(2026, 3, 1)
    while day <= known_estate.end:
        run = run_budget_check(run_date=day, settings=settings, notify=notify)
        alerts = [f"{t.kind}>={t.percent}" for s in run.statuses for t in s.new_alerts]
        if alerts:
            fired[day] = alerts
        day += timedelta(days=1)
    with get_engine(settings).connect() as conn:
        march = conn.execute(
            text(
                "SELECT charge_period_start::date AS d, sum(billed_cost) FROM costs "
                "WHERE sub_account_id = :a AND charge_period_start >= '2026-03-01' "
                "GROUP BY 1 ORDER BY 1"
            ),
            {"a": ACCOUNT_A},
        ).all()
        log = conn.execute(
            text("SELECT channel, status, attempts FROM notification_log ORDER BY id")
        ).all()
        view = conn.execute(text("SELECT name, actual, actual_pct, run_date FROM budgets")).one()
    running, half_day = Decimal(0), None
    for d, cost in march:
        running += cost
        if half_day is None and running >= 600:
            half_day = d
    assert fired[half_day] == ["actual>=50"]  # the day the actual crossed 50%
    forecast_days = [d for d, a in fired.items() if "forecast>=100" in a]
    assert len(forecast_days) == 1 and forecast_days[0] < half_day  # the forecast warned first
    assert sum(len(a) for a in fired.values()) == 2  # once per crossing, not every day
    # the receiver failed once, then the retry delivered; email went through SMTP
    assert webhook.attempts == 3 and len(webhook.bodies) == 2
    assert all("text" in b and b["blocks"][0]["type"] == "header" for b in webhook.bodies)
    assert any("checkout-monthly" in b["text"] for b in webhook.bodies)
    assert [m[1] for m in mailbox.messages] == [["owner@example.com"]] * 2
    assert "Subject: Budget checkout-monthly" in mailbox.messages[0][2]
    assert sorted(log) == [
        ("email", "sent", 1),
        ("email", "sent", 1),
        ("webhook", "sent", 1),
        ("webhook", "sent", 2),
    ]
    assert view[0] == "checkout-monthly" and view[3] == known_estate.end
    assert view[1] == running.quantize(Decimal("0.01"))

    # a rerun of a day rewrites its evaluation and sends nothing again: no new alert, no
    # delivery attempted, the receiver not even contacted — also for the latest day and for a
    # whole rerun of the month (a restart of the job over the same data)
    for rerun_day in (half_day, known_estate.end):
        rerun = run_budget_check(run_date=rerun_day, settings=settings, notify=notify)
        assert [s.new_alerts for s in rerun.statuses] == [[]]
        assert [s.deliveries for s in rerun.statuses] == [[]]
    day = date(2026, 3, 1)
    while day <= known_estate.end:
        rerun = run_budget_check(run_date=day, settings=settings, notify=notify)
        assert [s.new_alerts for s in rerun.statuses] == [[]], day
        day += timedelta(days=1)
    assert webhook.attempts == 3 and len(webhook.bodies) == 2 and len(mailbox.messages) == 2
    with get_engine(settings).connect() as conn:
        alerts = conn.execute(
            text("SELECT threshold_kind, crossed_on FROM budget_alerts ORDER BY crossed_on")
        ).all()
        audited = (
            conn.execute(
                text(
                    "SELECT details->>'new_alerts' FROM audit_log WHERE action = 'budgets.checked' "
                    "AND subject = :d ORDER BY id"
                ),
                {"d": half_day.isoformat()},
            )
            .scalars()
            .all()
        )
    assert [(k, d) for k, d in alerts] == [
        ("forecast", forecast_days[0]),
        ("actual", half_day),
    ]
    assert audited[0] == "1" and set(audited[1:]) == {"0"}


def test_an_unreachable_receiver_is_recorded_as_failed(known_estate: KnownEstate) -> None:
    settings = NotifySettings(
        retries=1, backoff_s=0.01, timeout_s=1, webhook_allow=("127.0.0.0/8",)
    )
    with get_engine(known_estate.settings).begin() as conn:
        delivery = deliver_webhook(
            conn,
            url="http://127.0.0.1:9/none",
            dedup_key="k1",
            title="t",
            lines=["l"],
            settings=settings,
        )
        row = conn.execute(
            text("SELECT status, attempts, error FROM notification_log WHERE dedup_key = 'k1'")
        ).one()
    assert delivery.status == "failed" and delivery.attempts == 2
    assert row[0] == "failed" and row[1] == 2 and "127.0.0.1:9" in row[2]


def test_invalid_budgets_are_refused(known_estate: KnownEstate) -> None:
    with (
        get_engine(known_estate.settings).begin() as conn,
        pytest.raises(BudgetError, match="period 'weekly'"),
    ):
        save_budget(conn, Budget(name="x", scope={}, period="weekly", amount=Decimal(1)))


def test_notification_settings_come_from_the_platform_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from finops.config import Settings

    monkeypatch.setenv("FINOPS_NOTIFY_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("FINOPS_NOTIFY_SMTP_PORT", "2525")
    monkeypatch.setenv("FINOPS_NOTIFY_SMTP_PASSWORD", "s3cret")
    monkeypatch.setenv("FINOPS_NOTIFY_RETRIES", "5")
    notify = NotifySettings.from_settings(Settings(home=tmp_path))
    assert (notify.smtp_host, notify.smtp_port, notify.retries) == ("mail.example.com", 2525, 5)
    assert notify.smtp_password is not None
    assert notify.smtp_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(notify)
