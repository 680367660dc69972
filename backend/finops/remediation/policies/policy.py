"""One remediation policy: what it fixes with which action, and its answers for a run
(``matches``, ``check_limits``, ``in_window``, ``auto_approves``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator

from finops.analytics.optimization.findings import Finding
from finops.analytics.optimization.rules import finding_types
from finops.errors import ConfigurationError, InvalidParameterError, PolicyLimitError
from finops.remediation.actions import ACTIONS
from finops.remediation.policies.parts import Approval, Exclusions, Scope, Strict, Window


class InAccount(Protocol):
    """A run's candidate (a finding, later a proposal): what the limits count by."""

    @property
    def account_id(self) -> str: ...


@dataclass(frozen=True)
class ProposalFacts:
    """What auto-approval looks at: the proposal's savings and its account's tags."""

    estimated_monthly_savings: Decimal
    account_tags: Mapping[str, str] = field(default_factory=dict)


class Policy(Strict):
    """One remediation policy (see docs/remediation.md)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=100)
    description: str = Field(min_length=1)
    finding_types: tuple[str, ...] = Field(min_length=1)
    action: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    scope: Scope = Field(default_factory=Scope)
    exclusions: Exclusions = Field(default_factory=Exclusions)
    max_resources_per_run: int = Field(gt=0)
    max_resources_per_account: int = Field(gt=0)
    window: Window | None = None
    approval: Approval = Field(default_factory=Approval)
    approval_expiry_hours: int = Field(default=72, gt=0)

    _source: str = PrivateAttr(default="")

    @field_validator("finding_types")
    @classmethod
    def _known_types(cls, types: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in types if t not in finding_types()]
        if unknown:
            raise ValueError(f"unknown finding type(s) {', '.join(unknown)}")
        return types

    @field_validator("action")
    @classmethod
    def _action_fixes_types(cls, action: str, info: ValidationInfo) -> str:
        if action not in ACTIONS.names():
            raise ValueError(f"unknown action {action!r}; actions: {', '.join(ACTIONS.names())}")
        fixes = ACTIONS.get(action).fixes
        unfixed = [t for t in info.data.get("finding_types", ()) if t not in fixes]
        if unfixed:
            raise ValueError(
                f"{action} does not fix {', '.join(unfixed)} (it fixes {', '.join(fixes)})"
            )
        return action

    @field_validator("parameters")
    @classmethod
    def _parameters_fit_action(cls, values: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        action = info.data.get("action")
        if action is None:  # the action itself was refused
            return values
        try:
            ACTIONS.get(action).parameters_from(dict(values))
        except (ConfigurationError, TypeError) as exc:
            raise ValueError(str(exc)) from None
        return values

    @property
    def source(self) -> str:
        """The file the policy came from ("" when built in code)."""
        return self._source

    def action_parameters(self) -> Any:
        """The action's ``Parameters``, built from this policy's ``parameters``."""
        return ACTIONS.get(self.action).parameters_from(dict(self.parameters))

    def matches(self, finding: Finding, resource_tags: Mapping[str, str]) -> bool:
        """Whether the policy acts on this finding: its type, account, region and tag scope,
        and neither the opt-out tag nor an excluded resource id."""
        if finding.finding_type not in self.finding_types:
            return False
        if self.scope.accounts and finding.account_id not in self.scope.accounts:
            return False
        if self.scope.regions and finding.region not in self.scope.regions:
            return False
        if any(resource_tags.get(k) not in allowed for k, allowed in self.scope.tags.items()):
            return False
        if self.exclusions.opt_out_tag in resource_tags:
            return False
        return finding.resource_id not in self.exclusions.resource_ids

    def check_limits(self, candidates: Iterable[InAccount]) -> None:
        """Refuse a run over the policy's limits, before any change: more resources than
        ``max_resources_per_run``, or more in one account than ``max_resources_per_account``."""
        per_account = Counter(c.account_id for c in candidates)
        total = sum(per_account.values())
        if total > self.max_resources_per_run:
            raise PolicyLimitError(
                f"policy {self.name}: {total} resources exceed max_resources_per_run "
                f"{self.max_resources_per_run}; nothing was changed",
                policy=self.name,
                limit="max_resources_per_run",
                allowed=self.max_resources_per_run,
                count=total,
            )
        for account, count in sorted(per_account.items()):
            if count > self.max_resources_per_account:
                raise PolicyLimitError(
                    f"policy {self.name}: {count} resources in account {account} exceed "
                    f"max_resources_per_account {self.max_resources_per_account}; "
                    "nothing was changed",
                    policy=self.name,
                    limit="max_resources_per_account",
                    allowed=self.max_resources_per_account,
                    count=count,
                )

    def in_window(self, now: datetime) -> bool:
        """Whether changes may run at ``now`` (always, without a maintenance window)."""
        if now.tzinfo is None:
            raise InvalidParameterError("now: a timezone-aware datetime is required")
        return self.window is None or self.window.contains(now)

    def auto_approves(self, facts: ProposalFacts) -> bool:
        """Whether the proposal is approved without a person: mode ``auto`` and every
        condition holds (savings at most the cap, each account tag one of its values)."""
        conditions = self.approval.conditions
        if self.approval.mode != "auto" or conditions is None:
            return False
        cap = conditions.max_estimated_monthly_savings
        if cap is not None and facts.estimated_monthly_savings > cap:
            return False
        return all(
            facts.account_tags.get(key) in allowed
            for key, allowed in conditions.account_tags.items()
        )

    def limits_summary(self) -> str:
        return f"{self.max_resources_per_run}/run, {self.max_resources_per_account}/account"
