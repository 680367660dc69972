"""Where notifications may go: webhook URLs must be http(s) to a public address.

A webhook URL is checked twice: when a budget is saved (:func:`check_webhook_url` without
resolving names: the scheme, the length, literal addresses and local names) and right before each
delivery (``resolve=True``: every address the name resolves to must be public, so a name that
points at the metadata service or the loopback interface is refused too). Loopback, link-local,
private, shared, reserved and multicast addresses are refused unless
``Settings.notify_webhook_allow`` lists the host, the address or a network holding it (tests
and on-premises receivers).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

from finops.errors import FinOpsError
from finops.secrets import SecretReference, SecretsError, is_reference

MAX_URL_LENGTH = 2048
MAX_EMAIL_LENGTH = 254
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class TargetRefusedError(FinOpsError):
    """A notification target is not allowed (names the target and why)."""


def _allowed(host: str, address: Address | None, allow: Sequence[str]) -> bool:
    for entry in allow:
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == host:
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_webhook_url(url: str, *, allow: Sequence[str] = (), resolve: bool = False) -> None:
    """Raise ``TargetRefusedError`` unless ``url`` may receive notifications. A secret
    reference (``vault:<path>#<key>``, finops.secrets) is accepted as it is; the URL it holds is
    read and checked when a notification goes out."""
    if is_reference(url):
        try:
            SecretReference.parse(url, setting="webhook URL")
        except SecretsError as exc:
            raise TargetRefusedError(str(exc)) from None
        return
    shown = url if len(url) <= 80 else url[:77] + "..."
    if len(url) > MAX_URL_LENGTH:
        raise TargetRefusedError(f"webhook URL {shown!r} is longer than {MAX_URL_LENGTH}")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        _ = parts.port  # raises on a port out of range
    except ValueError as exc:
        raise TargetRefusedError(f"webhook URL {shown!r} is not a valid URL: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise TargetRefusedError(f"webhook URL {shown!r} must be http(s)")
    if not host:
        raise TargetRefusedError(f"webhook URL {shown!r} has no host")
    if parts.username or parts.password:
        raise TargetRefusedError(f"webhook URL {shown!r} must not carry a user name or password")
    try:
        literal: Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    elif host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        if _allowed(host, None, allow):
            return
        raise TargetRefusedError(
            f"webhook URL {shown!r} points at a local name ({host}); "
            "list it in FINOPS_NOTIFY_WEBHOOK_ALLOW to allow it"
        )
    elif resolve:
        addresses = _resolve(host, parts.port, shown)
    else:
        return
    for address in addresses:
        if not _public(address) and not _allowed(host, address, allow):
            raise TargetRefusedError(
                f"webhook URL {shown!r} reaches {address}, which is not a public address "
                "(loopback, link-local, private or reserved); list it in "
                "FINOPS_NOTIFY_WEBHOOK_ALLOW to allow it"
            )


def _resolve(host: str, port: int | None, shown: str) -> list[Address]:
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise TargetRefusedError(f"webhook URL {shown!r}: {host} does not resolve ({exc})") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_email(address: str) -> None:
    local, at, domain = address.rpartition("@")
    if len(address) > MAX_EMAIL_LENGTH or not at or not local or "." not in domain:
        raise TargetRefusedError(f"email address {address[:80]!r} is not valid")
    if any(c.isspace() or ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in address):
        raise TargetRefusedError(f"email address {address[:80]!r} is not valid")
