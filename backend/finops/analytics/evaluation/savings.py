"""Scoring of the savings tracker against the generator's ground truth of realized savings
(``savings_truth.json``, finops.generator.loop), beside the naive baseline (the estimate taken
as realized).

Per action and cost view the truth is *exact* when nothing but the action changed the bill of
the resource: in the list-cost view, no owner change and no rollback; in the effective-cost
view, moreover no commitment (RI / Savings Plan) covering the resource (what it saves then
depends on what else the commitment covers). The target: the tracker's realized savings within
2% of the truth for every exact action and view; every confounded action flagged with a
confidence below high rather than counted in full."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from finops.errors import FinOpsError
from finops.warehouse.tables import savings_measurements

TOLERANCE = Decimal("0.02")
VIEWS = ("effective", "list")
OWNER = frozenset({"restart", "usage_growth", "savings_plan", "rolled_back"})


@dataclass(frozen=True, slots=True)
class ViewScore:
    truth: Decimal
    realized: Decimal | None
    naive: Decimal
    exact: bool

    @property
    def error(self) -> Decimal | None:
        return None if self.realized is None else _relative(self.realized, self.truth)

    @property
    def naive_error(self) -> Decimal:
        return _relative(self.naive, self.truth)


@dataclass(frozen=True, slots=True)
class ActionScore:
    proposal_id: int
    action: str
    resource_id: str
    confounders: tuple[str, ...]
    status: str | None
    confidence: str | None
    reasons: tuple[str, ...]
    views: dict[str, ViewScore]

    @property
    def flagged(self) -> bool:
        return self.confidence not in (None, "high")


@dataclass(frozen=True, slots=True)
class SavingsEvaluation:
    scores: list[ActionScore]

    def exact(self, view: str) -> list[ActionScore]:
        return [s for s in self.scores if s.views[view].exact]

    def within(self, view: str, *, naive: bool = False) -> tuple[int, int]:
        """(actions within 2% of the truth, exact actions) in ``view``."""
        exact = self.exact(view)
        hits = 0
        for s in exact:
            v = s.views[view]
            error = v.naive_error if naive else v.error
            hits += error is not None and abs(error) <= TOLERANCE
        return hits, len(exact)

    def confounded_flagged(self) -> tuple[int, int]:
        confounded = [s for s in self.scores if s.confounders]
        return sum(s.flagged for s in confounded), len(confounded)

    @property
    def passed(self) -> bool:
        exact_ok = all(self.within(v)[0] == self.within(v)[1] for v in VIEWS)
        flagged, confounded = self.confounded_flagged()
        return exact_ok and flagged == confounded


def _relative(value: Decimal, truth: Decimal) -> Decimal:
    """(value − truth) ÷ |truth|; against a truth of zero, the absolute difference."""
    return (value - truth) / abs(truth) if truth else value - truth


def load_truth(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise FinOpsError(f"{path}: no savings ground truth (run finops generate next-period)")
    actions: list[dict[str, Any]] = json.loads(path.read_text())["actions"]
    return actions


def evaluate_savings(conn: Connection, truth: list[dict[str, Any]]) -> SavingsEvaluation:
    """Each action of the truth against the tracker's measurement of its proposal."""
    m = savings_measurements
    rows = {
        int(r["proposal_id"]): r
        for r in conn.execute(select(m).where(m.c.proposal_id.is_not(None))).mappings()
    }
    scores = []
    for item in truth:
        pid = int(item["proposal_id"])
        row = rows.get(pid)
        confounders = tuple(item["confounders"])
        owner = bool(OWNER & set(confounders))
        estimate = Decimal(item["estimated_monthly_savings"])
        views = {
            view: ViewScore(
                truth=Decimal(item[f"realized_monthly_{view}"]),
                realized=None if row is None else row[f"realized_monthly_{view}"],
                naive=estimate,
                exact=not owner and (view == "list" or "commitment" not in confounders),
            )
            for view in VIEWS
        }
        scores.append(
            ActionScore(
                proposal_id=pid,
                action=str(item["action"]),
                resource_id=str(item["resource_id"]),
                confounders=confounders,
                status=None if row is None else str(row["status"]),
                confidence=None if row is None else row["confidence"],
                reasons=() if row is None else tuple(r["code"] for r in row["reasons"]),
                views=views,
            )
        )
    return SavingsEvaluation(scores)
