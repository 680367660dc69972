"""The billing ingest job: the billing periods whose export files changed since their last
successful load, each loaded as one unit (a mapped task of the ``billing_ingest`` DAG).

Its run date is not an input: the export itself says which billing periods it holds, and
only changed ones load. (``finops ingest billing`` loads one export with its options through
the same library call, ``finops.ingest.billing.ingest_billing``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from finops.config import Settings, get_settings
from finops.ingest.billing import ingest_billing, list_periods

if TYPE_CHECKING:
    from finops.ingest.aws import BaseSession


def billing_sources(*, requested: list[str] | None, settings: Settings | None = None) -> list[str]:
    """The sources a run ingests: the run's ``sources`` parameter, else FINOPS_BILLING_SOURCES.

    Empty when neither names any: a scheduled run then has nothing to do.
    """
    return [s for s in (requested or []) if s] or list((settings or get_settings()).billing_sources)


def discover_slices(
    *, sources: list[str], settings: Settings | None = None, base: BaseSession | None = None
) -> list[dict[str, str]]:
    """One entry per (source, billing period) whose files changed since its last successful
    load: the unit a mapped task loads. Unchanged periods get no task at all (a run on an
    unchanged export maps nothing, and publishes nothing)."""
    slices: list[dict[str, str]] = []
    for source in sources:
        for period in list_periods(source, only_changed=True, settings=settings, base=base):
            slices.append(
                {
                    "source": source,
                    "unit_key": period.unit_key,
                    "name": period.default_name,
                    "billing_period": period.billing_period,
                }
            )
    return slices


def ingest_slice(
    *,
    slice_: dict[str, str],
    run_id: str | None = None,
    settings: Settings | None = None,
    base: BaseSession | None = None,
) -> dict[str, object]:
    """Load one billing period (idempotent: a retry replaces the same slice). ``base``: the
    AWS session an ``s3://`` source is read with (the DAG's Airflow connection)."""
    outcomes = ingest_billing(
        slice_["source"],
        billing_period=slice_["billing_period"] or None,
        unit_key=slice_["unit_key"],
        run_id=run_id,
        settings=settings,
        base=base,
    )
    return {
        "source_id": ",".join(sorted({o.source_id for o in outcomes})),
        "billing_period": slice_["billing_period"],
        "status": ",".join(sorted({o.status for o in outcomes})),
        "raw_line_items": sum(o.raw_line_items for o in outcomes),
        "rows_loaded": sum(o.rows_loaded for o in outcomes),
    }
