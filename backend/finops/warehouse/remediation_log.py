"""Reading the remediation log: every executed proposal with the end of its successful
``execute`` step and, if rolled back, of its ``rollback`` step. Shared by the savings tracker
(``finops.analytics.savings.subjects``) and the generator closing the loop
(``finops.generator.loop.actions``), which must agree on what was executed and when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from finops.warehouse.tables import remediation_proposals, remediation_steps

EXECUTED = ("succeeded", "verified", "rolled_back")


def _step_end(step: str) -> Any:
    s = remediation_steps
    return (
        select(s.c.proposal_id, func.min(s.c.finished_at).label("at"))
        .where(s.c.step == step, s.c.outcome == "ok")
        .group_by(s.c.proposal_id)
        .subquery()
    )


def executed_proposals(conn: Connection) -> Sequence[RowMapping]:
    """Every proposal in succeeded, verified or rolled_back with a successful execute step:
    its columns, ``executed_at`` and ``rolled_back_at`` (None unless rolled back), by id."""
    p = remediation_proposals
    executed, rolled = _step_end("execute"), _step_end("rollback")
    return (
        conn.execute(
            select(p, executed.c.at.label("executed_at"), rolled.c.at.label("rolled_back_at"))
            .join(executed, executed.c.proposal_id == p.c.id)
            .outerjoin(rolled, rolled.c.proposal_id == p.c.id)
            .where(p.c.status.in_(EXECUTED))
            .order_by(p.c.id)
        )
        .mappings()
        .all()
    )
