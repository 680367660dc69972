"""Database URLs (``driver://user:password@host:port/database?query``) parsed and rebuilt
without SQLAlchemy, so that processes which talk to PostgreSQL through psycopg alone (a billing
load, a DAG task) do not import it: importing SQLAlchemy costs a third of a second at every
start. Read the same way as SQLAlchemy's ``make_url`` (checked in tests/db/test_urls.py);
user names and passwords are percent-encoded when written, which SQLAlchemy and libpq both
decode."""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import quote, unquote

from finops.errors import ConfigurationError


@dataclass(frozen=True)
class DbUrl:
    drivername: str
    username: str | None = None
    password: str | None = None
    host: str | None = None
    port: int | None = None
    database: str | None = None
    query: str = ""  # as written after '?'

    def set(
        self,
        *,
        drivername: str | None = None,
        username: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> DbUrl:
        """A copy with the given parts replaced (``None`` keeps a part)."""
        changes: dict[str, str] = {}
        for name, value in (
            ("drivername", drivername),
            ("username", username),
            ("password", password),
            ("database", database),
        ):
            if value is not None:
                changes[name] = value
        return replace(self, **changes)  # type: ignore[arg-type]

    def render(self) -> str:
        """The URL as text, password included."""
        auth = ""
        if self.username is not None:
            auth = quote(self.username, safe="")
            if self.password is not None:
                auth += ":" + quote(self.password, safe="")
            auth += "@"
        host = self.host or ""
        if ":" in host:  # an IPv6 address
            host = f"[{host}]"
        port = f":{self.port}" if self.port is not None else ""
        database = f"/{self.database}" if self.database is not None else ""
        query = f"?{self.query}" if self.query else ""
        return f"{self.drivername}://{auth}{host}{port}{database}{query}"


def parse_url(url: str) -> DbUrl:
    """Read ``url``; a URL that is not ``driver://…`` is a ConfigurationError."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        raise ConfigurationError("database URL: expected driver://user:password@host:port/db")
    rest, _, query = rest.partition("?")
    location, slash, database = rest.partition("/")
    userinfo, at, hostport = location.rpartition("@")
    username = password = None
    if at:
        user, colon, secret = userinfo.partition(":")
        username = unquote(user)
        password = unquote(secret) if colon else None
    host, port = _host_port(hostport)
    return DbUrl(
        drivername=scheme,
        username=username,
        password=password,
        host=host or None,
        port=port,
        database=unquote(database) if slash else None,
        query=query,
    )


def _host_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):  # [IPv6]:port
        host, _, tail = text[1:].partition("]")
        port_text = tail.removeprefix(":")
    else:
        host, _, port_text = text.partition(":")
    if not port_text:
        return host, None
    if not port_text.isdigit():
        raise ConfigurationError(f"database URL: port {port_text!r} is not a number")
    return host, int(port_text)
