"""The one place a job's run date is resolved.

A scheduled job is a function of its run date. Without one given, analytics jobs run as of the
latest charge day in the warehouse (data, never the clock); the ingest of utilization and
inventory runs for the last full UTC day of its data interval. A DAG resolves the date once per
run, in its first task, and passes it to every other task: a bill landing while the run goes on
cannot give two tasks two dates, and a retried task gets the date its run started with.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from finops.config import Settings, get_settings
from finops.db.engine import get_engine
from finops.errors import ConfigurationError


def latest_charge_day(settings: Settings | None = None) -> date:
    """The latest charge day in the bill: the default run date of every analytics job."""
    from finops.analytics.optimization.warehouse import latest_charge_day as latest

    with get_engine(settings or get_settings()).connect() as conn:
        return latest(conn)


def parse_run_date(value: str | date | None, *, parameter: str = "run_date") -> date | None:
    """A run date given as a ``YYYY-MM-DD`` text (a DAG param, a CLI option); empty is None."""
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigurationError(
            f"{parameter} {value!r} is not a day: expected YYYY-MM-DD"
        ) from None


def resolve_run_date(
    *, requested: str | date | None = None, settings: Settings | None = None
) -> date:
    """The run date of an analytics job: ``requested``, else the latest charge day."""
    return parse_run_date(requested) or latest_charge_day(settings)


def interval_day(*, data_interval_end: datetime | None, logical_date: datetime | None) -> date:
    """The run date of a scheduled ingest: the last full UTC day before its data interval ends
    (yesterday, for a run at midnight)."""
    end = data_interval_end or logical_date
    if end is None:
        raise ConfigurationError(
            "the run has neither a data interval nor a logical date: give it a run date"
        )
    return (end - timedelta(days=1)).date()
