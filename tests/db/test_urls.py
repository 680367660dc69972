"""finops.db.urls reads database URLs as SQLAlchemy's make_url does, and what it writes reads
back the same in SQLAlchemy and in libpq (psycopg's conninfo), passwords with any character."""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy.engine import make_url

from finops.db.urls import parse_url
from finops.errors import ConfigurationError

URLS = [
    "postgresql+psycopg://finops@127.0.0.1:5432/finops",
    "postgresql+psycopg://user:secret@db.example.com/warehouse",
    "postgresql+psycopg://user:p%40ss%3Aw%2Fo%25rd@host:6543/db?sslmode=require",
    "postgresql+psycopg://user@[::1]:5433/db",
    "postgresql+psycopg://user:pw@host/db?sslmode=verify-full&application_name=x",
    "postgresql+psycopg://host.example.com/db",
    "postgresql+psycopg://user:@host/db",
]


@pytest.mark.parametrize("url", URLS)
def test_parts_agree_with_sqlalchemy(url: str) -> None:
    ours, theirs = parse_url(url), make_url(url)
    assert (ours.drivername, ours.username, ours.password, ours.host, ours.port, ours.database) == (
        theirs.drivername,
        theirs.username,
        theirs.password,
        theirs.host,
        theirs.port,
        theirs.database,
    )
    assert make_url(ours.render()) == theirs  # what we write, SQLAlchemy reads the same


@pytest.mark.parametrize("password", ["p@ss:w/o%rd?#&=", "naïve space", "x"])
def test_a_changed_password_reads_back_in_libpq_and_sqlalchemy(password: str) -> None:
    url = parse_url("postgresql+psycopg://owner:old@127.0.0.1:5432/finops")
    changed = url.set(username="finops_app", password=password)
    assert make_url(changed.render()).password == password
    libpq = conninfo_to_dict(changed.set(drivername="postgresql").render())
    assert (libpq["user"], libpq["password"], libpq["port"]) == ("finops_app", password, "5432")


def test_a_url_without_a_driver_or_with_a_bad_port_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="expected driver://"):
        parse_url("127.0.0.1:5432/finops")
    with pytest.raises(ConfigurationError, match="port 'x5' is not a number"):
        parse_url("postgresql://u@host:x5/db")
