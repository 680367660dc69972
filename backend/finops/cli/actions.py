"""``finops actions``: the remediation queue from a terminal. ``list`` and ``show`` read it;
``propose`` runs the proposer under the policy folder; ``approve`` / ``reject`` record a
decision (source ``cli``, actor ``cli:<login name>``); ``execute`` carries out approved
proposals; ``rollback`` undoes a reversible one. The same rules hold as in the dashboard and
the Airflow UI: the first decision wins, an approval is for one digest and expires."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from finops.cli.common import run_job

if TYPE_CHECKING:
    from finops.remediation.store import Proposal

actions_app = typer.Typer(
    help="Remediation proposals: list, show, propose, approve, reject, execute, roll back.",
    no_args_is_help=True,
)

IdArg = Annotated[int, typer.Argument(help="the proposal's id (finops actions list)")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="why (recorded in the audit trail)")]


def actor() -> str:
    """``cli:<login name>``: whoever runs the command (they hold the database's credentials)."""
    return f"cli:{getpass.getuser()}"


def _now() -> datetime:
    return datetime.now(UTC)


def _line(p: Proposal) -> str:
    return (
        f"| {p.id} | {p.status} | {p.action} | {p.resource_id} | {p.account_id}/{p.region} | "
        f"{p.estimated_monthly_savings:.2f} {p.currency} | {p.risk} | {p.policy} | "
        f"{p.proposed_at:%Y-%m-%d %H:%M} |"
    )


@actions_app.command("list")
def actions_list(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="only these statuses (repeatable)")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
) -> None:
    """The proposals, newest first, with the count per status."""
    from finops.db.engine import get_engine
    from finops.errors import InvalidParameterError
    from finops.remediation.store import STATUSES, list_proposals, status_counts

    def job() -> tuple[list[Proposal], int, dict[str, int]]:
        unknown = [s for s in status or [] if s not in STATUSES]
        if unknown:
            raise InvalidParameterError(
                f"--status: unknown {', '.join(unknown)}; one of {', '.join(STATUSES)}"
            )
        with get_engine().connect() as conn:
            rows, total = list_proposals(conn, statuses=status, limit=limit)
            return rows, total, status_counts(conn)

    def lines(result: tuple[list[Proposal], int, dict[str, int]]) -> list[str]:
        rows, total, counts = result
        head = [
            "| id | status | action | resource | account/region | est. monthly savings | risk "
            "| policy | proposed (UTC) |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        summary = ", ".join(f"{s} {n}" for s, n in counts.items() if n)
        return [*head, *map(_line, rows), f"{len(rows)} of {total}; {summary or 'none yet'}"]

    run_job(job, lines)


@actions_app.command("show")
def actions_show(proposal_id: IdArg) -> None:
    """One proposal: what it changes (digest), the evidence, its decision and execution log."""
    from finops.db.engine import get_engine
    from finops.remediation.approvals import describe_decision
    from finops.remediation.store import decision_of, get_proposal, steps_of

    def job() -> list[str]:
        with get_engine().connect() as conn:
            p = get_proposal(conn, proposal_id)
            decision = decision_of(conn, proposal_id)
            steps = steps_of(conn, proposal_id)
        evidence = {k: v for k, v in p.evidence.items() if k != "utilization"}
        out = [
            f"proposal {p.id}: {p.action} on {p.resource_id} ({p.account_id}/{p.region})",
            f"status: {p.status}" + (f" ({p.status_reason})" if p.status_reason else ""),
            f"finding: {p.finding_type} {p.fingerprint}; policy {p.policy} ({p.approval_mode})",
            f"estimated monthly savings: {p.estimated_monthly_savings:.2f} {p.currency}; "
            f"risk {p.risk}; reversible {'yes' if p.reversible else 'no'}",
            f"parameters: {json.dumps(p.parameters, sort_keys=True)}",
            f"observed state: {json.dumps(p.observed_state, sort_keys=True)}",
            f"digest: {p.digest}",
            f"evidence: {json.dumps(evidence, sort_keys=True, default=str)}",
            f"utilization points: {len(p.evidence.get('utilization') or [])}",
            f"proposed by {p.proposed_by} at {p.proposed_at:%Y-%m-%d %H:%M %Z}; "
            f"waits until {p.expires_at:%Y-%m-%d %H:%M %Z}",
            "decision: " + (describe_decision(decision) if decision else "none yet"),
        ]
        out += [
            f"step {s.step}: {s.outcome} by {s.actor} at {s.finished_at:%Y-%m-%d %H:%M:%S} "
            f"{json.dumps(s.detail, sort_keys=True, default=str)}"
            for s in steps
        ]
        return out

    run_job(job, lambda lines: lines)


@actions_app.command("propose")
def actions_propose() -> None:
    """Propose remediations for the open findings under the policy folder's policies."""
    from finops.jobs.remediation import run_propose

    run_job(
        lambda: run_propose(now=_now(), run_id=f"cli-propose-{_now():%Y%m%dT%H%M%S}"),
        lambda r: [
            f"proposed {len(r.proposed)} ({len(r.auto_approved)} approved by an auto policy)",
            *(f"skipped {n}: {why}" for why, n in sorted(r.skipped.items())),
        ],
    )


def _decide(proposal_id: int, *, approve: bool, reason: str, digest: str | None) -> None:
    from finops.db.engine import get_engine
    from finops.remediation.approvals import decide, describe_decision
    from finops.remediation.store import get_proposal

    def job() -> str:
        with get_engine().begin() as conn:
            bound = digest or get_proposal(conn, proposal_id).digest
            made = decide(
                conn,
                proposal_id=proposal_id,
                approve=approve,
                actor=actor(),
                source="cli",
                reason=reason,
                digest=bound,
                now=_now(),
            )
        until = f"; valid until {made.expires_at:%Y-%m-%d %H:%M %Z}" if made.expires_at else ""
        return f"proposal {proposal_id} {describe_decision(made)} (digest {bound}){until}"

    run_job(job, lambda line: [line])


DigestOpt = Annotated[
    str | None,
    typer.Option(help="the digest reviewed (finops actions show); default: the proposal's"),
]


@actions_app.command("approve")
def actions_approve(proposal_id: IdArg, reason: ReasonOpt, digest: DigestOpt = None) -> None:
    """Approve a waiting proposal for its digest (valid for the policy's approval expiry)."""
    _decide(proposal_id, approve=True, reason=reason, digest=digest)


@actions_app.command("reject")
def actions_reject(proposal_id: IdArg, reason: ReasonOpt, digest: DigestOpt = None) -> None:
    """Reject a waiting proposal; it is not proposed again for the same finding."""
    _decide(proposal_id, approve=False, reason=reason, digest=digest)


@actions_app.command("execute")
def actions_execute(
    proposal_ids: Annotated[
        list[int] | None, typer.Argument(help="ids; default: every approved proposal")
    ] = None,
) -> None:
    """Carry out approved proposals: describe again, dry run, execute, verify."""
    from finops.jobs.remediation import run_execute

    def lines(ended: list[Proposal]) -> list[str]:
        out = [
            f"proposal {p.id} {p.action} on {p.resource_id}: {p.status}"
            + (f" ({p.status_reason})" if p.status_reason else "")
            for p in ended
        ]
        return out or ["nothing approved to carry out"]

    ended = run_job(
        lambda: run_execute(now=_now(), actor=actor(), proposal_ids=proposal_ids),
        lines,
    )
    if any(p.status not in ("verified", "succeeded") for p in ended):
        sys.exit(1)


@actions_app.command("rollback")
def actions_rollback(proposal_id: IdArg, reason: ReasonOpt) -> None:
    """Undo a carried-out reversible proposal (e.g. start a stopped instance again)."""
    from finops.db.engine import get_engine
    from finops.remediation import remediation_sessions
    from finops.remediation.executor import rollback

    run_job(
        lambda: rollback(
            get_engine(),
            proposal_id=proposal_id,
            clients=remediation_sessions(),
            actor=actor(),
            reason=reason,
            now=_now(),
        ),
        lambda p: [f"proposal {p.id} {p.action} on {p.resource_id}: {p.status}"],
    )
