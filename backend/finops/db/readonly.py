"""The read-only SQL console behind ``finops sql`` (and later the API's SQL endpoint).

Defence in depth: the statement must be one SELECT or WITH query (checked on a tokenized copy
with comments and literals removed), must not call server-administration or sleeping functions,
and runs in a READ ONLY transaction under a statement timeout, fetching at most a row cap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from psycopg import sql

from finops.errors import QueryFailedError, QueryRefusedError

_COMMENT_OR_LITERAL = re.compile(
    r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\$(\w*)\$.*?\$\1\$",
    re.DOTALL,
)
_FIRST_WORD = re.compile(r"^\s*\(*\s*([A-Za-z]+)")
_DENIED_FUNCTIONS = re.compile(
    r"\b(pg_sleep\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|"
    r"pg_read_file|pg_read_binary_file|pg_ls_\w+|pg_stat_file|lo_import|lo_export|dblink\w*|"
    r"set_config|pg_advisory\w*|pg_notify|txid_current|pg_promote|pg_switch_wal)\s*\(",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]
    truncated: bool


def check_statement(statement: str) -> str:
    """Return the statement without a trailing semicolon, or raise ``QueryRefusedError``."""
    stripped = statement.strip().rstrip(";").strip()
    code = _COMMENT_OR_LITERAL.sub(" ", stripped)
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


def run_readonly(url: str, statement: str, *, timeout_s: float, row_limit: int) -> QueryResult:
    """Run one checked query read-only, with a timeout, returning at most ``row_limit`` rows."""
    query = check_statement(statement)
    timeout_ms = max(1, int(timeout_s * 1000))
    try:
        with psycopg.connect(url, options="-c search_path=finops,public -c timezone=UTC") as conn:
            conn.read_only = True
            with conn.transaction():
                conn.execute(
                    sql.SQL("SET LOCAL statement_timeout = {}").format(sql.Literal(timeout_ms))
                )
                conn.execute("SET LOCAL idle_in_transaction_session_timeout = 60000")
                cursor = conn.execute(query)  # type: ignore[call-overload]
                if cursor.description is None:
                    raise QueryRefusedError("the statement returned no result set")
                columns = [d.name for d in cursor.description]
                rows = cursor.fetchmany(row_limit + 1)
                return QueryResult(
                    columns=columns,
                    rows=[tuple(r) for r in rows[:row_limit]],
                    truncated=len(rows) > row_limit,
                )
    except psycopg.errors.QueryCanceled as exc:
        raise QueryFailedError(
            f"the query was cancelled after the {timeout_s:g} s statement timeout "
            "(raise it with --timeout)"
        ) from exc
    except psycopg.errors.ReadOnlySqlTransaction as exc:
        raise QueryRefusedError(
            f"the SQL console is read-only: {exc.diag.message_primary}"
        ) from exc
    except psycopg.Error as exc:
        message = exc.diag.message_primary if exc.diag.message_primary else str(exc)
        raise QueryFailedError(f"the query failed: {message}") from exc
