"""The read-only SQL console behind ``finops sql`` (and later the API's SQL endpoint).

The guarantee is the database: the console connects as its own role (``finops.db.roles``), which
may only ``SELECT`` from the views of schema ``finops``, is no superuser and holds no server-file,
program or signalling privileges, and carries its own statement timeout, idle-in-transaction
timeout, temp-file limit and ``work_mem``. On top of that, two more layers:

* :func:`check_statement`: one SELECT or WITH query (checked on a tokenized copy with comments
  and literals removed and quoted identifiers unquoted), no server-administration or sleeping
  functions;
* :func:`execute_readonly`: a READ ONLY transaction under a statement timeout (with a client-side
  cancel as a backstop) and the caller's team scope (``SET LOCAL finops.scope``, read by the
  row-level security policies; the console role cannot change it from its query), and a
  server-side cursor from which at most the row cap (plus one row,
  to tell that more exist) is fetched, so the client never holds more than the cap.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import psycopg
from psycopg import sql

from finops.errors import QueryFailedError, QueryRefusedError
from finops.warehouse.scope import Scope, apply_scope

_COMMENT_OR_LITERAL = re.compile(
    r"--[^\n]*|/\*.*?\*/|\b[eE]'(?:[^'\\]|\\.|'')*'|'(?:[^']|'')*'|\$(\w*)\$.*?\$\1\$",
    re.DOTALL,
)
_QUOTED_IDENTIFIER = re.compile(r'(?:[uU]&)?"((?:[^"]|"")*)"')
_FIRST_WORD = re.compile(r"^\s*\(*\s*([A-Za-z]+)")
_DENIED_FUNCTIONS = re.compile(
    r"\b(pg_sleep\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|"
    r"pg_read_file|pg_read_binary_file|pg_ls_\w+|pg_stat_file|lo_\w+|dblink\w*|"
    r"set_config|pg_advisory\w*|pg_try_advisory\w*|pg_notify|txid_current|pg_promote|"
    r"pg_switch_wal|pg_stat_reset\w*|pg_\w*replication_slot\w*|pg_replication_origin\w*|"
    r"pg_logical_\w+|pg_backup_\w+|pg_log_backend_memory_contexts|pg_import_system_collations)"
    r"\s*\(",
    re.IGNORECASE,
)
CANCEL_GRACE_S = 5.0
"""How long after the statement timeout the client cancels the query itself."""


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]
    truncated: bool


def check_statement(statement: str) -> str:
    """Return the statement without a trailing semicolon, or raise ``QueryRefusedError``."""
    stripped = statement.strip().rstrip(";").strip()
    code = _COMMENT_OR_LITERAL.sub(" ", stripped)
    # a quoted identifier names the same function as the bare word: "pg_read_file"(...)
    code = _QUOTED_IDENTIFIER.sub(lambda m: " " + m.group(1).replace('""', '"') + " ", code)
    if not code.strip():
        raise QueryRefusedError("the statement is empty")
    if ";" in code:
        raise QueryRefusedError("only a single statement is allowed (found ';' inside)")
    match = _FIRST_WORD.match(code)
    keyword = match.group(1).upper() if match else ""
    if keyword not in {"SELECT", "WITH"}:
        raise QueryRefusedError(
            f"only SELECT or WITH queries are allowed; {keyword or 'this statement'} is refused "
            "(the SQL console is read-only)"
        )
    denied = _DENIED_FUNCTIONS.search(code)
    if denied:
        raise QueryRefusedError(f"function {denied.group(1)}() is not allowed in the SQL console")
    return stripped


def run_readonly(
    url: str, statement: str, *, scope: Scope, timeout_s: float, row_limit: int
) -> QueryResult:
    """Check one query, then run it as :func:`execute_readonly` does. ``url`` is the console
    role's (``finops.db.engine.console_url``)."""
    return execute_readonly(
        url, check_statement(statement), scope=scope, timeout_s=timeout_s, row_limit=row_limit
    )


def execute_readonly(
    url: str, query: str, *, scope: Scope, timeout_s: float, row_limit: int
) -> QueryResult:
    """Run ``query`` unchecked in a READ ONLY transaction with a timeout, limited to the rows of
    ``scope``, streaming it through a server-side cursor and fetching at most ``row_limit`` rows.
    What the query may touch is up to the role in ``url``: with the console role, nothing but
    the public views, and of their rows only those of ``scope``."""
    timeout_ms = max(1, int(timeout_s * 1000))
    try:
        with psycopg.connect(url, options="-c search_path=finops -c timezone=UTC") as conn:
            watchdog = threading.Timer(timeout_s + CANCEL_GRACE_S, conn.cancel_safe)
            watchdog.daemon = True
            watchdog.start()
            try:
                return _fetch_capped(
                    conn, query, scope=scope, timeout_ms=timeout_ms, row_limit=row_limit
                )
            finally:
                watchdog.cancel()
    except psycopg.errors.QueryCanceled as exc:
        raise QueryFailedError(
            f"the query was cancelled after the {timeout_s:g} s statement timeout "
            "(raise it: finops sql --timeout, or timeout_s in the API)"
        ) from exc
    except (psycopg.errors.ReadOnlySqlTransaction, psycopg.errors.FeatureNotSupported) as exc:
        raise QueryRefusedError(
            f"the SQL console is read-only: {exc.diag.message_primary}"
        ) from exc
    except psycopg.errors.InsufficientPrivilege as exc:
        raise QueryRefusedError(
            f"not allowed in the SQL console (it reads the public views only): "
            f"{exc.diag.message_primary}"
        ) from exc
    except psycopg.Error as exc:
        message = exc.diag.message_primary if exc.diag.message_primary else str(exc)
        raise QueryFailedError(f"the query failed: {message}") from exc


def _fetch_capped(
    conn: psycopg.Connection[tuple[object, ...]],
    query: str,
    *,
    scope: Scope,
    timeout_ms: int,
    row_limit: int,
) -> QueryResult:
    conn.read_only = True
    with conn.transaction():
        conn.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(timeout_ms)))
        apply_scope(conn, scope)
        with conn.cursor(name="finops_console") as cursor:
            cursor.execute(query)  # type: ignore[call-overload]
            if cursor.description is None:
                raise QueryRefusedError("the statement returned no result set")
            columns = [d.name for d in cursor.description]
            rows = cursor.fetchmany(row_limit + 1)
    return QueryResult(
        columns=columns,
        rows=[tuple(r) for r in rows[:row_limit]],
        truncated=len(rows) > row_limit,
    )
