"""Remediation policies: which finding types an action fixes, where, how many at a time, when,
and whether a person must approve.

Policies are YAML files (``*.yaml``/``*.yml``) in one folder (``Settings.remediation_policy_path``,
default ``<home>/policies``), each a mapping with a ``policies`` list, in the Cloud Custodian
style. :func:`load_policies` validates every file and raises one :class:`PolicyError` that names
each problem as ``file:policy:field: message``. Finding types come from the finding rule
registry, actions and their parameters from the action registry: a policy can name nothing else.

The format, with examples, is in docs/remediation.md; ``finops/remediation/examples/`` holds one
policy per action.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from finops.analytics.optimization.findings import Finding
from finops.analytics.optimization.rules import finding_types
from finops.errors import ConfigurationError, InvalidParameterError, PolicyError, PolicyLimitError
from finops.remediation.actions import ACTIONS

OPT_OUT_TAG = "finops:exclude"
EXAMPLES = Path(__file__).with_name("examples")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _decimal_text(value: Any) -> Any:
    """Money is written as text (``"50.00"``): YAML would read ``50.10`` as a float."""
    if isinstance(value, float):
        raise ValueError(f"write money as quoted decimal text (e.g. '{value}'), not a number")
    return value


def _clock(value: Any) -> Any:
    """Times are quoted ``"HH:MM"``: YAML 1.1 reads an unquoted ``22:00`` as the number 1320."""
    if not isinstance(value, str):
        raise ValueError(f"write a time as quoted 'HH:MM', got {value!r}")
    return value


class Scope(_Strict):
    """Where a policy applies; an empty list means every account (or region). ``tags``: each
    key must be on the resource with one of the allowed values."""

    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    tags: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("tags")
    @classmethod
    def _values_listed(cls, tags: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, allowed in tags.items():
            if not allowed:
                raise ValueError(f"tag {key!r}: list at least one allowed value")
        return tags

    def summary(self) -> str:
        parts = [
            "accounts " + (",".join(self.accounts) or "all"),
            "regions " + (",".join(self.regions) or "all"),
        ]
        parts += [f"{k} in {','.join(v)}" for k, v in self.tags.items()]
        return "; ".join(parts)


class Exclusions(_Strict):
    """Resources a policy never touches: those carrying the opt-out tag (any value) and the
    listed resource ids."""

    opt_out_tag: str = Field(default=OPT_OUT_TAG, min_length=1)
    resource_ids: tuple[str, ...] = ()


class Window(_Strict):
    """When changes may run: on ``days`` from ``start`` to ``end`` (``end`` before ``start``
    spans midnight into the next day), in ``timezone`` (an IANA name; default UTC)."""

    days: tuple[Weekday, ...] = WEEKDAYS
    start: time
    end: time
    timezone: str = "UTC"

    _clock_text = field_validator("start", "end", mode="before")(_clock)

    @field_validator("days")
    @classmethod
    def _some_days(cls, days: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not days:
            raise ValueError("list at least one day")
        return days

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (use an IANA name)") from None
        return name

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.start == self.end:
            raise ValueError("start and end are equal: the window would be empty")
        return self

    def contains(self, now: datetime) -> bool:
        """Whether ``now`` (timezone-aware) falls in the window: ``start`` inclusive, ``end``
        exclusive; an overnight window belongs to the day it starts on."""
        if now.tzinfo is None:
            raise InvalidParameterError("now: a timezone-aware datetime is required")
        local = now.astimezone(ZoneInfo(self.timezone))
        clock, today = local.time().replace(tzinfo=None), WEEKDAYS[local.weekday()]
        if self.start < self.end:
            return today in self.days and self.start <= clock < self.end
        yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
        return (today in self.days and clock >= self.start) or (
            yesterday in self.days and clock < self.end
        )

    def summary(self) -> str:
        return f"{','.join(self.days)} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone}"


class AutoConditions(_Strict):
    """What must all hold for a proposal to be approved without a person."""

    max_estimated_monthly_savings: Decimal | None = Field(default=None, ge=0)
    account_tags: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    _money_text = field_validator("max_estimated_monthly_savings", mode="before")(_decimal_text)


class Approval(_Strict):
    """``manual`` (default): a person approves each proposal. ``auto``: approved without one
    when every condition holds, and only then."""

    mode: Literal["manual", "auto"] = "manual"
    conditions: AutoConditions | None = None

    @model_validator(mode="after")
    def _conditions_fit_mode(self) -> Approval:
        given = self.conditions is not None and (
            self.conditions.max_estimated_monthly_savings is not None
            or self.conditions.account_tags
        )
        if self.mode == "auto" and not given:
            raise ValueError("mode auto needs explicit conditions (a savings cap, account tags)")
        if self.mode == "manual" and self.conditions is not None:
            raise ValueError("conditions apply only to mode auto")
        return self


@dataclass(frozen=True)
class ProposalFacts:
    """What auto-approval looks at: the proposal's savings and its account's tags."""

    estimated_monthly_savings: Decimal
    account_tags: Mapping[str, str] = field(default_factory=dict)


class Policy(_Strict):
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

    def check_limits(self, candidates: Iterable[Finding]) -> None:
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


def _problem(source: str, policy: str, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "-"
        message = str(error["msg"]).removeprefix("Value error, ")
        out.append(f"{source}:{policy}:{where}: {message}")
    return out


def _read(path: Path) -> tuple[list[Policy], list[str]]:
    """The policies of one file and the problems met in it."""
    source = str(path)
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        return [], [f"{source}:-:-: not readable YAML: {exc}"]
    if not isinstance(data, dict) or set(data) != {"policies"}:
        return [], [f"{source}:-:policies: the file must be a mapping with one key, policies"]
    items = data["policies"]
    if not isinstance(items, list) or not items:
        return [], [f"{source}:-:policies: must be a non-empty list of policies"]
    policies: list[Policy] = []
    problems: list[str] = []
    for index, item in enumerate(items):
        name = item.get("name") if isinstance(item, dict) else None
        label = name if isinstance(name, str) and name else f"#{index + 1}"
        try:
            policy = Policy.model_validate(item)
        except ValidationError as exc:
            problems += _problem(source, label, exc)
            continue
        policy._source = source
        policies.append(policy)
    return policies, problems


def validate_policies(folder: Path) -> tuple[list[Policy], list[str]]:
    """Every policy of ``folder`` that validates, and every problem (``file:policy:field:
    message``), duplicate names across files included."""
    if not folder.is_dir():
        return [], [f"{folder}:-:-: policy folder does not exist"]
    policies: list[Policy] = []
    problems: list[str] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        found, wrong = _read(path)
        policies += found
        problems += wrong
    first: dict[str, Policy] = {}
    unique: list[Policy] = []
    for policy in policies:
        if policy.name in first:
            problems.append(
                f"{policy.source}:{policy.name}:name: duplicate policy name "
                f"(first in {first[policy.name].source})"
            )
            continue
        first[policy.name] = policy
        unique.append(policy)
    return unique, problems


def load_policies(folder: Path) -> list[Policy]:
    """Every policy in ``folder``; :class:`PolicyError` naming each problem when any file is
    wrong (a run never acts on half a folder)."""
    policies, problems = validate_policies(folder)
    if problems:
        raise PolicyError(problems)
    return policies
