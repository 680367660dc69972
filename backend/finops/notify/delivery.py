"""Deliver once: retry with backoff, record every outcome in ``notification_log``, and never
send the same message (dedup key, channel, target) twice."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from pydantic import SecretStr
from sqlalchemy import Connection, text

from finops.config import Settings, get_settings
from finops.notify.channels import DeliveryError, post_webhook, send_email

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class NotifySettings:
    """Where notifications go out: the ``notify_*`` fields of :class:`Settings`
    (``FINOPS_NOTIFY_SMTP_HOST`` …); the SMTP password comes from the secrets provider in
    production."""

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_sender: str = "finops@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    timeout_s: float = 10.0
    retries: int = 3  # attempts after the first
    backoff_s: float = 1.0  # first retry delay; doubles

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> NotifySettings:
        s = settings or get_settings()
        return cls(
            smtp_host=s.notify_smtp_host,
            smtp_port=s.notify_smtp_port,
            smtp_sender=s.notify_smtp_sender,
            smtp_username=s.notify_smtp_username,
            smtp_password=s.notify_smtp_password,
            smtp_starttls=s.notify_smtp_starttls,
            timeout_s=s.notify_timeout_s,
            retries=s.notify_retries,
            backoff_s=s.notify_backoff_s,
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str
    target: str
    status: str  # sent | failed | skipped (already sent)
    attempts: int
    error: str | None = None


def _already_sent(conn: Connection, dedup_key: str, channel: str, target: str) -> bool:
    row = conn.execute(
        text(
            "SELECT 1 FROM finops.notification_log WHERE dedup_key = :k AND channel = :c "
            "AND target = :t AND status = 'sent'"
        ),
        {"k": dedup_key, "c": channel, "t": target},
    ).first()
    return row is not None


def _attempt(send: Callable[[], object], settings: NotifySettings) -> tuple[int, str | None]:
    error: str | None = None
    for attempt in range(1, settings.retries + 2):
        try:
            send()
            return attempt, None
        except DeliveryError as exc:
            error = str(exc)
            log.warning("notify.retry", attempt=attempt, error=error)
            if attempt <= settings.retries:
                time.sleep(settings.backoff_s * 2 ** (attempt - 1))
    return settings.retries + 1, error


def _deliver(
    conn: Connection,
    *,
    dedup_key: str,
    channel: str,
    target: str,
    subject: str,
    payload: dict[str, object],
    send: Callable[[], object],
    settings: NotifySettings,
) -> Delivery:
    if _already_sent(conn, dedup_key, channel, target):
        return Delivery(channel, target, "skipped", 0)
    attempts, error = _attempt(send, settings)
    status = "sent" if error is None else "failed"
    conn.execute(
        text(
            "INSERT INTO finops.notification_log "
            "(dedup_key, channel, target, subject, payload, status, attempts, error) "
            "VALUES (:k, :c, :t, :s, CAST(:p AS jsonb), :st, :a, :e)"
        ),
        {
            "k": dedup_key,
            "c": channel,
            "t": target,
            "s": subject,
            "p": json.dumps(payload, sort_keys=True),
            "st": status,
            "a": attempts,
            "e": error,
        },
    )
    log.info(
        "notify." + status, channel=channel, target=target, attempts=attempts, dedup_key=dedup_key
    )
    return Delivery(channel, target, status, attempts, error)


def slack_payload(title: str, lines: list[str]) -> dict[str, object]:
    """A Slack-compatible incoming-webhook body (``text`` fallback plus blocks)."""
    body = "\n".join(lines)
    return {
        "text": f"{title}\n{body}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}},
        ],
    }


def deliver_webhook(
    conn: Connection,
    *,
    url: str,
    dedup_key: str,
    title: str,
    lines: list[str],
    settings: NotifySettings | None = None,
) -> Delivery:
    settings = settings or NotifySettings.from_settings()
    payload = slack_payload(title, lines)
    return _deliver(
        conn,
        dedup_key=dedup_key,
        channel="webhook",
        target=url,
        subject=title,
        payload=payload,
        send=lambda: post_webhook(url, payload, timeout_s=settings.timeout_s),
        settings=settings,
    )


def deliver_email(
    conn: Connection,
    *,
    recipient: str,
    dedup_key: str,
    title: str,
    lines: list[str],
    settings: NotifySettings | None = None,
) -> Delivery:
    settings = settings or NotifySettings.from_settings()
    body = "\n".join(lines) + "\n"
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return _deliver(
        conn,
        dedup_key=dedup_key,
        channel="email",
        target=recipient,
        subject=title,
        payload={"subject": title, "body": body},
        send=lambda: send_email(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            recipient=recipient,
            subject=title,
            body=body,
            timeout_s=settings.timeout_s,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
        ),
        settings=settings,
    )
