"""The analytics jobs by name, for the callers that run them in bulk: the DAG tasks (one job
each, for the run date their DAG run resolved) and the demo (every job, for one run date).

Each job's module is imported when the job runs, so a DAG task imports only its own job."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from finops.config import Settings
from finops.jobs.ledger import JobSkipped
from finops.jobs.outcome import task_result


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    name: str
    function: str  # the job's function in finops.jobs.<name>
    options: tuple[str, ...] = ()  # DAG params passed on as keyword options

    def run(
        self,
        *,
        run_date: date,
        settings: Settings | None = None,
        force: bool = False,
        run_id: str | None = None,
        options: Mapping[str, object] | None = None,
    ) -> Any:
        """The job's result (or its ``JobSkipped``) for ``run_date``."""
        module = importlib.import_module(f"finops.jobs.{self.name}")
        return getattr(module, self.function)(
            run_date=run_date, settings=settings, force=force, run_id=run_id, **(options or {})
        )

    def summary(self, result: object) -> dict[str, object]:
        """The result's JSON-able summary (a DAG task's return value): the job module's
        ``summary`` of what it computed, or why the run was skipped."""
        if isinstance(result, JobSkipped):
            return {"skipped": result.reason}
        module = importlib.import_module(f"finops.jobs.{self.name}")
        return dict(module.summary(result))


# in the order the demo runs them: findings before the KPIs that sum their savings, realized
# savings (after the findings they follow) before the KPIs that report them, forecasts before
# the budget check that reads the day's forecast (and sends the summaries the insights job
# wrote before it), cost anomalies before the usage incidents joined to them
ANALYTICS_JOBS: dict[str, ScheduledJob] = {
    job.name: job
    for job in (
        ScheduledJob("waste", "run_waste"),
        ScheduledJob("rightsizing", "run_rightsizing"),
        ScheduledJob("commitments", "run_commitments"),
        ScheduledJob("allocation", "run_allocation"),
        ScheduledJob("savings", "run_savings"),
        ScheduledJob("kpis", "run_kpis"),
        ScheduledJob("anomalies", "run_anomalies", options=("report_days",)),
        ScheduledJob("usage_anomalies", "run_usage_anomalies"),
        ScheduledJob("forecasts", "run_forecasts_job"),
        ScheduledJob("insights", "run_insights"),
        ScheduledJob("budgets", "run_budgets"),
    )
}


def run_for_dag(
    job: str,
    *,
    run_date: str,
    run_id: str,
    params: Mapping[str, Any],
    settings: Settings | None = None,
) -> dict[str, object]:
    """What an analytics DAG task runs: ``job`` for the run date its DAG run resolved (ISO
    text, as passed between tasks), with the run's ``force`` and job options from ``params``;
    returns the job, its run date and its summary."""
    spec = ANALYTICS_JOBS[job]
    day = date.fromisoformat(run_date)
    result = spec.run(
        run_date=day,
        settings=settings,
        force=bool(params.get("force")),
        run_id=run_id,
        options={name: params[name] for name in spec.options if name in params},
    )
    return task_result(job, day, spec.summary(result))
