"""remediation: proposals for new findings, a person's approval in the Airflow UI (or the
dashboard, the API, the CLI), then dry run, execution and verification.

Scheduled on the ``finops_findings`` Asset (optimization). ``resolve`` fixes the run's time
once; ``propose`` turns the open findings the policies cover into proposals (an ``auto``
policy approves its own); ``approval`` waits, one task per proposal of this run that needs a
person, with Airflow's human-in-the-loop ``ApprovalOperator`` ("Required actions": Approve /
Reject and a reason; assigned users from ``FINOPS_REMEDIATION_AIRFLOW_APPROVERS``; the response
timeout is the proposal's approval deadline) and records the responder's answer in the one
approval store. The wait also ends when the dashboard, the API or the CLI decides first; an
Airflow answer after that is refused with the first decision named. ``execute`` dry-runs,
executes and verifies this run's approved proposals through the remediation role, assumed
from the base session of the Airflow AWS connection ``FINOPS_AIRFLOW_AWS_CONN_ID`` (default
``finops_aws``, amazon provider) when there is one, else from the default credential chain.

Idempotent per run: the proposals of a run are found again by its run id, a decided proposal
is not waited for again, and the status lifecycle in the database lets a proposal execute at
most once, so a retry or a cleared run never acts twice. Several runs may wait at once (each
for its own proposals). docs/remediation.md, "The remediation DAG"."""

from __future__ import annotations

from datetime import timedelta

import pendulum
from _dag_shared import FINDINGS_ASSET, default_args
from _remediation_approval import ProposalApprovalOperator
from airflow.sdk import Param, dag, get_current_context, task


@task
def resolve() -> str:
    """The run's time, fixed once: proposals made by a retry expire when the first try's would."""
    context = get_current_context()
    return context["dag_run"].run_after.isoformat()


@task
def propose(at: str) -> list[int]:
    """Proposals for the open findings; returns the ids of this run's proposals that wait for
    a person (one approval task each), or of every waiting proposal with ``wait_for=all``."""
    import logging
    from datetime import datetime

    from finops.config import get_settings
    from finops.jobs.remediation import run_propose
    from finops.orchestration.aws_connection import remediation_clients
    from finops.orchestration.remediation_approval import waiting_for_a_person

    context = get_current_context()
    run_id = str(context["run_id"])
    settings = get_settings()
    clients = remediation_clients(settings=settings)
    report = run_propose(
        settings=settings, now=datetime.fromisoformat(at), run_id=run_id, clients=clients
    )
    logging.getLogger(__name__).info(
        "proposed %s, approved by policy %s, skipped %s",
        report.proposed,
        report.auto_approved,
        report.skipped,
    )
    every = context["params"].get("wait_for") == "all"
    return waiting_for_a_person(run_id=run_id, every=every, settings=settings)


@task(trigger_rule="all_done")
def execute(waited: list[int] | None) -> list[dict[str, object]]:
    """Dry run, execution and verification of the approved proposals of this run and of those
    it waited for (each at most once, whatever path approved it); runs after every wait
    ended, however it ended."""
    from datetime import UTC, datetime

    from finops.config import get_settings
    from finops.jobs.remediation import run_execute
    from finops.orchestration.aws_connection import remediation_clients
    from finops.orchestration.remediation_approval import EXECUTOR, run_proposals

    run_id = str(get_current_context()["run_id"])
    settings = get_settings()
    clients = remediation_clients(settings=settings)
    ids = sorted(
        {p.id for p in run_proposals(run_id=run_id, settings=settings)} | set(waited or [])
    )
    done = run_execute(  # only the approved ones among them
        settings=settings,
        now=datetime.now(UTC),
        actor=EXECUTOR,
        run_id=run_id,
        proposal_ids=ids,
        clients=clients,
    )
    return [{"proposal_id": p.id, "status": p.status, "reason": p.status_reason} for p in done]


@dag(
    dag_id="remediation",
    description="Remediation proposals, approval (Airflow UI or dashboard), dry run, execution",
    schedule=FINDINGS_ASSET,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=8,  # a run may wait days for its approvals; later findings go on meanwhile
    default_args=default_args(timedelta(minutes=1)),
    tags=["finops", "remediation"],
    params={
        "wait_for": Param(
            "run",
            enum=["run", "all"],
            description="run: this run's proposals; all: every proposal waiting for a person",
        )
    },
    doc_md=__doc__,
)
def remediation() -> None:
    waiting = propose(resolve())
    waits = ProposalApprovalOperator.partial(task_id="approval").expand(proposal_id=waiting)
    waits >> execute(waiting)


remediation()
