"""Options shared by the generator tests: a two-month range keeps every run to a few seconds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from finops.generator import GenerateOptions

START = date(2026, 8, 1)
END = date(2026, 10, 1)


def small_options(out_dir: Path, **overrides: object) -> GenerateOptions:
    values: dict[str, object] = {
        "out_dir": out_dir,
        "start": START,
        "end": END,
        "formats": ("cur2", "cur", "focus"),
        "utilization_days": 4,
    }
    values.update(overrides)
    return GenerateOptions(**values)  # type: ignore[arg-type]


REQUIRED_KINDS = {
    "idle_instance",
    "oversized_instance",
    "unattached_volume",
    "old_snapshot",
    "unassociated_eip",
    "idle_load_balancer",
    "idle_rds",
    "gp2_volume",
    "previous_generation_instance",
    "cost_spike",
    "level_shift",
    "cost_drift",
    "untagged_resource",
    "mistagged_resource",
    "underused_reservation",
    "underused_savings_plan",
    "budget_overrun",
    "healthy",
}
