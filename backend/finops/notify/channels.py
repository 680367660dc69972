"""The two ways a message leaves the platform: an HTTP POST of JSON, and an SMTP email."""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage

from finops.errors import FinOpsError


class DeliveryError(FinOpsError):
    """A notification could not be delivered (names the channel and target)."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook's redirect is not followed: it could lead to an address the URL check refused."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_webhook(url: str, payload: dict[str, object], *, timeout_s: float) -> int:
    """POST ``payload`` as JSON; any 2xx status is delivered, anything else raises."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"webhook URL {url!r} is not http(s)")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, sort_keys=True).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with _OPENER.open(request, timeout=timeout_s) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"webhook {url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"webhook {url} unreachable: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"webhook {url} answered HTTP {status}")
    return status


def send_email(
    *,
    host: str,
    port: int,
    sender: str,
    recipient: str,
    subject: str,
    body: str,
    timeout_s: float,
    username: str | None = None,
    password: str | None = None,
    starttls: bool = False,
) -> None:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(host, port, timeout=timeout_s) as smtp:
            if starttls:
                smtp.starttls()
            if username and password:
                smtp.login(username, password)
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"email to {recipient} via {host}:{port} failed: {exc}") from exc
