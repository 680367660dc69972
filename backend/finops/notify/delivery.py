"""Deliver once: retry with backoff, record every outcome in ``notification_log``, and never
send the same message (dedup key, channel, target) twice."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import structlog
from pydantic import SecretStr
from sqlalchemy import Connection, text

from finops.config import Settings, get_settings
from finops.errors import InvalidParameterError
from finops.notify.channels import DeliveryError, post_webhook, send_email
from finops.notify.targets import TargetRefusedError, check_webhook_url
from finops.secrets import (
    EnvironmentProvider,
    SecretReference,
    SecretsError,
    SecretsProvider,
    is_reference,
    secrets_provider,
)

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
    retry_budget: int = 10  # retries one run may spend over all its deliveries
    webhook_allow: tuple[str, ...] = ()  # non-public webhook hosts/networks allowed
    secrets: SecretsProvider = field(
        default_factory=EnvironmentProvider, compare=False, hash=False, repr=False
    )  # reads webhook URLs given as vault:<path>#<key> references

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
            retry_budget=s.notify_retry_budget,
            webhook_allow=tuple(s.notify_webhook_allow),
            secrets=secrets_provider(s.secrets_provider, s.vault_config()),
        )


@dataclass(slots=True)
class DeliveryRun:
    """What one run (of the budget check, say) may still spend on retries, and the targets that
    already failed in it: a failed target is not tried again in the same run, and retries stop
    when the run's budget is spent, so a dead receiver cannot stall the job."""

    retries_left: int
    failed_targets: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def start(cls, settings: NotifySettings) -> DeliveryRun:
        return cls(retries_left=settings.retry_budget)

    def take_retry(self) -> bool:
        if self.retries_left <= 0:
            return False
        self.retries_left -= 1
        return True


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


def _attempt(
    send: Callable[[], object], settings: NotifySettings, run: DeliveryRun
) -> tuple[int, str | None]:
    error: str | None = None
    attempt = 0
    while True:
        attempt += 1
        try:
            send()
            return attempt, None
        except DeliveryError as exc:
            error = str(exc)
            log.warning("notify.retry", attempt=attempt, error=error)
        if attempt > settings.retries or not run.take_retry():
            return attempt, error
        time.sleep(settings.backoff_s * 2 ** (attempt - 1))


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
    run: DeliveryRun,
    refused: str | None = None,
) -> Delivery:
    if _already_sent(conn, dedup_key, channel, target):
        return Delivery(channel, target, "skipped", 0)
    error: str | None
    if refused is not None:
        attempts, error = 0, refused
    elif (channel, target) in run.failed_targets:
        attempts, error = 0, f"not tried: {channel} {target} failed earlier in this run"
    else:
        attempts, error = _attempt(send, settings, run)
    if error is not None:
        run.failed_targets.add((channel, target))
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


@dataclass(frozen=True, slots=True)
class Message:
    """One notification, the same for every target; each target gets it at most once under
    its ``dedup_key``."""

    dedup_key: str
    title: str
    lines: list[str]


@dataclass(frozen=True, slots=True)
class _Outbound:
    """A message as one channel sends it: what the log records, the send, or why it may not."""

    payload: dict[str, object]
    send: Callable[[], object]
    refused: str | None = None


def _webhook(url: str, message: Message, settings: NotifySettings) -> _Outbound:
    """POST to ``url`` once it is checked to reach an allowed address (its name resolved now,
    not when the budget was saved)."""
    payload = slack_payload(message.title, message.lines)
    refused = None
    try:
        if is_reference(url):  # the log keeps the reference, never the URL read from it
            url = settings.secrets.read(SecretReference.parse(url, setting="webhook URL"))
        check_webhook_url(url, allow=settings.webhook_allow, resolve=True)
    except (TargetRefusedError, SecretsError) as exc:
        refused = str(exc)
    return _Outbound(
        payload, lambda: post_webhook(url, payload, timeout_s=settings.timeout_s), refused
    )


def _email(recipient: str, message: Message, settings: NotifySettings) -> _Outbound:
    body = "\n".join(message.lines) + "\n"
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return _Outbound(
        {"subject": message.title, "body": body},
        lambda: send_email(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            recipient=recipient,
            subject=message.title,
            body=body,
            timeout_s=settings.timeout_s,
            username=settings.smtp_username,
            password=password,
            starttls=settings.smtp_starttls,
        ),
    )


CHANNELS: dict[str, Callable[[str, Message, NotifySettings], _Outbound]] = {
    "webhook": _webhook,
    "email": _email,
}


def deliver(
    conn: Connection,
    message: Message,
    *,
    channel: str,
    target: str,
    settings: NotifySettings | None = None,
    run: DeliveryRun | None = None,
) -> Delivery:
    """Send ``message`` once to ``target`` of ``channel`` (``webhook``: a URL, ``email``: an
    address), with the retries ``run`` still allows, and log the outcome."""
    try:
        outbound = CHANNELS[channel]
    except KeyError:
        known = ", ".join(sorted(CHANNELS))
        raise InvalidParameterError(
            f"notification channel {channel!r} is unknown (known: {known})"
        ) from None
    settings = settings or NotifySettings.from_settings()
    out = outbound(target, message, settings)
    return _deliver(
        conn,
        dedup_key=message.dedup_key,
        channel=channel,
        target=target,
        subject=message.title,
        payload=out.payload,
        send=out.send,
        settings=settings,
        run=run or DeliveryRun.start(settings),
        refused=out.refused,
    )


def deliver_webhook(
    conn: Connection,
    *,
    url: str,
    dedup_key: str,
    title: str,
    lines: list[str],
    settings: NotifySettings | None = None,
    run: DeliveryRun | None = None,
) -> Delivery:
    """:func:`deliver` of one message to a webhook URL."""
    message = Message(dedup_key, title, lines)
    return deliver(conn, message, channel="webhook", target=url, settings=settings, run=run)
