"""The generator closing the loop: a small generated estate, loaded; the evaluation scenario's
executions recorded in the remediation log on the estate's own ids; the next period billed
with them in effect and its ground truth; the savings tracker run on it and scored."""

from __future__ import annotations

from pathlib import Path

from finops.config import Settings
from finops.db.engine import get_engine
from finops.orchestration.savings_loop import (
    generate_scenario_estate,
    next_period,
    record_scenario,
    savings_table,
    score_loop,
)


def test_scenario_end_to_end(fresh_settings: Settings, tmp_path: Path) -> None:
    estate = generate_scenario_estate(tmp_path / "estate", settings=fresh_settings)
    with get_engine(fresh_settings).begin() as conn:
        owners = record_scenario(conn, estate)
    result = next_period(
        estate_dir=tmp_path / "estate",
        out_dir=tmp_path / "next",
        owner_changes=owners,
        settings=fresh_settings,
    )
    evaluation = score_loop(result, settings=fresh_settings)
    print(savings_table(evaluation))
    assert False
