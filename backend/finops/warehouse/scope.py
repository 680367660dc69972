"""Team scope: the accounts and tag values a user or API token may see.

A scope is enforced by PostgreSQL row-level security on the tables under the public views
(docs/security.md): every API request and every SQL console query sets its scope for its own
transaction with :func:`apply_scope`, and the policies read it back. An unrestricted scope sees
every row; a restricted one sees a row only when each restriction it carries holds (accounts in
the set AND, for each restricted tag key, the row's tag value among the allowed values).

The scope travels as the transaction-local setting ``finops.scope`` (:data:`SCOPE_SETTING`), the
JSON of :meth:`Scope.to_json`; the policies and the functions that read it live in migration
0014 and ``finops/db/grants.sql``. Tag keys are compared the way ``FINOPS_ANOMALY_TAG_KEYS``
are (``user:cost_center`` is ``cost-center``, by ``finops.tag_key`` in SQL); values exactly."""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from finops.errors import InvalidParameterError

if TYPE_CHECKING:  # SQLAlchemy is imported where it is used, not by every process
    from sqlalchemy import Connection

SCOPE_SETTING = "finops.scope"
"""The transaction-local setting the row-level security policies read."""


@dataclass(frozen=True)
class Scope:
    """``accounts``: sub-account ids allowed (None: any); ``tags``: tag key -> allowed values
    (a key absent: not restricted). ``Scope()`` is unrestricted."""

    accounts: frozenset[str] | None = None
    tags: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def unrestricted(self) -> bool:
        return self.accounts is None and not self.tags

    def to_json(self) -> dict[str, object]:
        return {
            "accounts": None if self.accounts is None else sorted(self.accounts),
            "tags": {key: sorted(values) for key, values in sorted(self.tags.items())},
        }

    @classmethod
    def from_json(cls, value: object) -> Scope:
        """The scope stored on a user or token (``None``: unrestricted)."""
        if value is None:
            return cls()
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, dict):
            raise InvalidParameterError(f"scope must be an object, got {type(value).__name__}")
        accounts = value.get("accounts")
        tags = value.get("tags") or {}
        if accounts is not None and not (
            isinstance(accounts, list) and all(isinstance(a, str) for a in accounts)
        ):
            raise InvalidParameterError("scope.accounts must be a list of account ids")
        if not isinstance(tags, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in tags.items()
        ):
            raise InvalidParameterError("scope.tags must map tag keys to lists of values")
        return cls(
            accounts=None if accounts is None else frozenset(accounts),
            tags={k: frozenset(v) for k, v in tags.items()},
        )


ALL = Scope()


def scope_statement(scope: Scope) -> sql.Composed:
    """``SET LOCAL finops.scope = '<json>'``: the same as ``set_config(name, value, true)``,
    but a utility statement, which the console role may run without being granted
    ``set_config`` (that would let a console query change its own scope)."""
    value = json.dumps(scope.to_json(), sort_keys=True, separators=(",", ":"))
    return sql.SQL("SET LOCAL {} = {}").format(
        sql.Identifier(*SCOPE_SETTING.split(".")), sql.Literal(value)
    )


_LISTENERS: weakref.WeakKeyDictionary[Any, Callable[[Any], None]] = weakref.WeakKeyDictionary()


def apply_scope(conn: Connection | psycopg.Connection[Any], scope: Scope) -> None:
    """Limit ``conn`` to the rows of ``scope`` (row-level security; docs/security.md).

    A SQLAlchemy ``Connection``: the current database transaction (begun now if none is: a
    query sent through ``conn.connection.driver_connection`` right after is scoped too) and
    every later transaction SQLAlchemy begins on it (explicitly or by autobegin), so a commit
    halfway through a request keeps the scope; applying another scope replaces it. After a
    commit, a query sent through the driver connection before any SQLAlchemy statement runs in
    a transaction SQLAlchemy has not begun, without a scope: it sees no rows. A psycopg
    connection: the current transaction only, so call it inside ``conn.transaction()`` (outside
    one, PostgreSQL ignores it: no rows)."""
    statement = scope_statement(scope)
    if isinstance(conn, psycopg.Connection):
        conn.execute(statement)
        return
    from sqlalchemy import event

    def _on_begin(connection: Connection) -> None:
        _driver(connection).execute(statement)

    previous = _LISTENERS.pop(conn, None)
    if previous is not None:
        event.remove(conn, "begin", previous)
    event.listen(conn, "begin", _on_begin)
    _LISTENERS[conn] = _on_begin
    # now as well: the driver's transaction begins with it (psycopg begins one implicitly), so a
    # query sent through the driver connection before any SQLAlchemy statement is scoped too
    _driver(conn).execute(statement)


def _driver(conn: Connection) -> psycopg.Connection[Any]:
    driver = conn.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise InvalidParameterError(
            f"apply_scope needs a psycopg connection under SQLAlchemy, got {type(driver)}"
        )
    return driver
