"""The guard on SQL the assistant did not write itself (an LLM's): parsed with sqlglot, it must
be one SELECT (or WITH … SELECT) reading only the public views of schema ``finops``; then it runs
as the SQL console's does (``finops.db.readonly.run_readonly``: its own checks, the console role,
a read-only transaction, timeout, row cap, the asker's scope by row-level security)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from finops.errors import QueryRefusedError

PUBLIC_VIEWS = frozenset(
    {
        "costs",
        "resources",
        "resource_history",
        "utilization_daily",
        "anomalies",
        "forecasts",
        "budgets",
        "findings",
        "coh_recommendations",
        "carbon_emissions",
    }
)


def check_llm_sql(statement: str) -> str:
    """The statement if it is one SELECT over the public views, else ``QueryRefusedError``."""
    try:
        parsed = sqlglot.parse(statement, read="postgres")
    except sqlglot.errors.ParseError as exc:
        raise QueryRefusedError(f"the SQL does not parse: {str(exc)[:200]}") from exc
    trees = [tree for tree in parsed if tree is not None]
    if len(trees) != 1:
        raise QueryRefusedError(f"only a single statement is allowed (found {len(trees)})")
    tree = trees[0]
    if not isinstance(tree, exp.Query):
        raise QueryRefusedError(f"only a SELECT is allowed ({tree.key.upper()} is refused)")
    for node in tree.walk():
        if isinstance(
            node,
            (
                exp.Insert,
                exp.Update,
                exp.Delete,
                exp.Merge,
                exp.Create,
                exp.Drop,
                exp.Alter,
                exp.Command,
                exp.Into,
            ),
        ):
            raise QueryRefusedError(f"only reading is allowed ({node.key.upper()} is refused)")
    ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
    for table in tree.find_all(exp.Table):
        name, schema = table.name, table.db
        if not schema and name in ctes:
            continue
        if schema not in ("", "finops") or table.catalog or name not in PUBLIC_VIEWS:
            shown = ".".join(p for p in (table.catalog, schema, name) if p)
            raise QueryRefusedError(
                f"{shown} is not one of the public views ({', '.join(sorted(PUBLIC_VIEWS))})"
            )
    return statement.strip().rstrip(";").strip()
