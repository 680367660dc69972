"""Score the findings against a generated estate's ``ground_truth.json``: precision and recall
per finding type, findings on resources the ground truth marks healthy, and the error of the
estimated monthly savings against the planted monthly cost impact at the effective price (the
generator's ``effective_monthly_cost_impact``) — for under-used commitments, the commitment
waste against the unused commitment."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from finops.analytics.optimization.rules import evaluated_types
from finops.errors import ConfigurationError

# the types the generated estate plants (the registry's ``evaluated`` rules), in registry order
EVALUATED_TYPES = evaluated_types()


@dataclass(frozen=True, slots=True)
class TypeScore:
    finding_type: str
    expected: int
    found: int
    true_positives: int
    false_positives: list[str]
    missed: list[str]
    savings_errors: dict[str, float]  # resource id -> relative error

    @property
    def precision(self) -> float:
        return (
            self.true_positives / self.found if self.found else (1.0 if not self.expected else 0.0)
        )

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0

    @property
    def max_savings_error(self) -> float | None:
        return max(self.savings_errors.values()) if self.savings_errors else None


@dataclass(frozen=True, slots=True)
class Evaluation:
    scores: list[TypeScore]
    healthy_flagged: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.healthy_flagged and all(
            s.precision == 1.0 and s.recall == 1.0 and (s.max_savings_error or 0.0) <= 0.05
            for s in self.scores
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "healthy_flagged": self.healthy_flagged,
            "types": [
                {
                    "finding_type": s.finding_type,
                    "expected": s.expected,
                    "found": s.found,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "max_savings_error": s.max_savings_error,
                    "false_positives": s.false_positives,
                    "missed": s.missed,
                }
                for s in self.scores
            ],
        }


def load_ground_truth(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"ground truth {path}: {exc}") from exc
    if not isinstance(data, dict) or "situations" not in data:
        raise ConfigurationError(f"ground truth {path}: no 'situations' list")
    return data


def _healthy_ids(situations: list[dict[str, Any]]) -> set[str]:
    ids: set[str] = set()
    for s in situations:
        if s["kind"] != "healthy":
            continue
        if s.get("resource_id"):
            ids.add(str(s["resource_id"]))
        ids.update(str(r) for r in s.get("details", {}).get("resource_ids", []))
        for key in ("reservation_arn", "savings_plan_arn"):
            if s.get("details", {}).get(key):
                ids.add(str(s["details"][key]))
    return ids


# a finding's dollar figure: its savings at the effective price, or for an under-used
# commitment its commitment waste (never savings)
_FINDINGS = text(
    "SELECT finding_type, resource_id, CASE WHEN savings_method = 'commitment_waste_30d' "
    "THEN commitment_waste ELSE estimated_monthly_savings END AS figure FROM finops.findings "
    "WHERE status <> 'resolved'"
)


def expected_impact(situation: dict[str, Any]) -> Any:
    """The ground truth's monthly impact at the effective price (what the resource really cost
    over the last 30 days), else its on-demand impact (older ground truth, commitments)."""
    effective = situation.get("effective_monthly_cost_impact")
    return effective if effective is not None else situation.get("monthly_cost_impact")


def evaluate(conn: Connection, ground_truth: dict[str, Any]) -> Evaluation:
    situations: list[dict[str, Any]] = ground_truth["situations"]
    found: dict[str, dict[str, Decimal]] = {}
    for row in conn.execute(_FINDINGS):
        found.setdefault(row.finding_type, {})[str(row.resource_id)] = Decimal(row.figure)
    scores = []
    for kind in EVALUATED_TYPES:
        expected = {
            str(s["resource_id"]): expected_impact(s)
            for s in situations
            if s["kind"] == kind and s.get("resource_id")
        }
        got = found.get(kind, {})
        errors = {}
        for rid, impact in expected.items():
            if rid in got and impact:
                errors[rid] = round(abs(float(got[rid]) - float(impact)) / float(impact), 4)
        scores.append(
            TypeScore(
                finding_type=kind,
                expected=len(expected),
                found=len(got),
                true_positives=len(set(expected) & set(got)),
                false_positives=sorted(set(got) - set(expected)),
                missed=sorted(set(expected) - set(got)),
                savings_errors=errors,
            )
        )
    healthy = _healthy_ids(situations)
    flagged = sorted(
        f"{kind}:{rid}" for kind, ids in found.items() for rid in ids if rid in healthy
    )
    return Evaluation(scores=scores, healthy_flagged=flagged)
