"""The generator's savings truth without a warehouse: a rollback, a stopped database that keeps
its storage, and the next period written twice byte for byte the same."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from finops.generator import GenerateOptions, catalog, generate
from finops.generator.api import plan_estate
from finops.generator.estate.model import Estate
from finops.generator.loop.actions import ExecutedAction, OwnerChange
from finops.generator.loop.run import continue_estate
from finops.generator.loop.truth import savings_truth
from finops.generator.options import GeneratorError
from finops.generator.timeline import Timeline

AT = datetime(2026, 11, 5, 10, tzinfo=UTC)
OPTIONS = {
    "days": 30,
    "accounts": 3,
    "restatement": False,
    "inventory": False,
    "utilization": False,
}


def estate_and_timeline() -> tuple[Estate, Timeline]:
    options = GenerateOptions.for_days(out_dir=Path("unused"), **OPTIONS)  # type: ignore[arg-type]
    estate = plan_estate(options, Timeline(options.start, options.end)).estate
    return estate, Timeline(options.start, date(2027, 1, 1))


def situation(estate: Estate, kind: str) -> tuple[str, str]:
    found = next(s for s in estate.situations if s.kind == kind and s.resource_id)
    return str(found.resource_id), found.account_id


def action(proposal_id: int, name: str, resource: tuple[str, str], **kw: object) -> ExecutedAction:
    return ExecutedAction(
        proposal_id=proposal_id,
        action=name,
        account_id=resource[1],
        resource_id=resource[0],
        executed_at=AT,
        estimated_monthly_savings=Decimal("1"),
        **kw,  # type: ignore[arg-type]
    )


def test_a_rollback_and_a_stopped_database() -> None:
    estate, timeline = estate_and_timeline()
    address = situation(estate, "unassociated_eip")
    database = situation(estate, "idle_rds")
    released = action(
        1, "release_address", address, rolled_back_at=datetime(2026, 11, 15, 9, 30, tzinfo=UTC)
    )
    stopped = action(2, "stop_rds_instance", database)
    truths = {
        t.action.proposal_id: t
        for t in savings_truth(
            estate, timeline=timeline, actions=[released, stopped], owner_changes=[]
        )
    }

    # released on 2026-11-05, back from 2026-11-15 10:00: the after window ends the day before
    rolled = truths[1]
    assert (rolled.after_start, rolled.after_end) == (date(2026, 11, 6), date(2026, 11, 14))
    assert rolled.confounders == ("rolled_back",)
    assert rolled.monthly_list == catalog.PUBLIC_IPV4_PER_HOUR * 24 * 30 == Decimal("3.6")

    # an idle db.r5.large in eu-west-1 stopped: its instance hours stop, its 500 GB stay billed
    hourly = catalog.regional_price(catalog.RDS_FAMILIES["db.r5"], "eu-west-1")
    assert truths[2].exact
    assert truths[2].monthly_list == hourly * 720 == truths[2].monthly_effective
    assert truths[2].monthly_list == Decimal("190.08")


def test_a_restart_without_its_stop_is_refused() -> None:
    estate, timeline = estate_and_timeline()
    address = situation(estate, "unassociated_eip")
    released = action(1, "release_address", address)
    with pytest.raises(GeneratorError, match="only a stop can be restarted"):
        savings_truth(
            estate, timeline=timeline, actions=[released], owner_changes=[OwnerChange(1, "restart")]
        )


def test_the_next_period_is_written_byte_for_byte_the_same(tmp_path: Path) -> None:
    generate(GenerateOptions.for_days(out_dir=tmp_path / "estate", **OPTIONS))  # type: ignore[arg-type]
    estate, _ = estate_and_timeline()
    actions = [
        action(1, "release_address", situation(estate, "unassociated_eip")),
        action(
            2,
            "delete_unattached_volume",
            situation(estate, "unattached_volume"),
            snapshot_id="snap-0123456789abcdef0",
        ),
    ]

    def digests(out: Path) -> dict[str, str]:
        continue_estate(estate_dir=tmp_path / "estate", out_dir=out, actions=actions)
        return {
            str(f.relative_to(out)): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in sorted(out.rglob("*"))
            if f.is_file()
        }

    first, second = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert first == second
    assert "savings_truth.json" in first
    assert sum(name.endswith(".parquet") for name in first) == 2  # November and December
