"""Write the summaries of a day (every scope, week and month).

A summary is unique per scope and period: writing it again replaces it in place (same id), so
a rerun for the same day and data writes the same text, and a later day in the same period
rewrites it with the period's days so far."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects.postgresql import insert

from finops.config import Settings
from finops.insights.facts import Facts, gather, scopes
from finops.insights.render import body, title
from finops.insights.rephrase import Prose, rephrase
from finops.insights.scopes import PERIOD_KINDS, period_of
from finops.warehouse.tables import insights


@dataclass(frozen=True, slots=True)
class Written:
    scope_key: str
    period_kind: str
    period_start: date
    provider: str
    note: str | None


def write_summary(
    conn: Connection, facts: Facts, *, prose: Prose, template: str, run_id: str
) -> None:
    row: dict[str, Any] = {
        "scope_kind": facts.scope.kind,
        "scope": facts.scope.scope,
        "scope_key": facts.scope.key,
        "period_kind": facts.period.kind,
        "period_start": facts.period.start,
        "period_end": facts.period.end,
        "as_of": facts.period.through,
        "currency": facts.currency,
        "title": title(facts),
        "body": prose.body,
        "template_body": template,
        "facts": json.loads(json.dumps(facts.to_json())),
        "provider": prose.provider,
        "provider_note": prose.note,
        "run_id": run_id,
    }
    statement = insert(insights).values(**row)
    keep = ("scope_key", "period_kind", "period_start")
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=list(keep),
            set_={k: statement.excluded[k] for k in row if k not in keep},
        )
    )


def write_insights(
    conn: Connection, *, as_of: date, settings: Settings, run_id: str
) -> list[Written]:
    """The weekly and monthly summaries as of ``as_of`` of every scope with cost in them."""
    written: list[Written] = []
    for kind in PERIOD_KINDS:
        period = period_of(kind, as_of)
        for scope in scopes(
            conn,
            start=period.previous_start,
            end=period.through,
            tag_keys=list(settings.anomaly_tag_keys),
        ):
            facts = gather(conn, scope=scope, period=period)
            template = body(facts)
            prose = rephrase(template, settings=settings)
            write_summary(conn, facts, prose=prose, template=template, run_id=run_id)
            written.append(Written(scope.key, kind, period.start, prose.provider, prose.note))
    return written
