"""The remediation action base class, the registry every action joins, and the call helpers.

An action is a small class in the Cloud Custodian style (``finops.registry``): its ``name``, the
finding types it ``fixes`` (names from ``finops.analytics.optimization.rules``), the
``resource_type`` it acts on, a ``Parameters`` frozen dataclass, the exact ``iam_actions`` its
calls need, whether it is ``reversible`` and how (``undo``), and a docstring ``Example::`` block
(a YAML policy). Its methods take the clients (``finops.ingest.aws.AwsSessions`` or anything
with the same ``client`` method: adaptive retries) and a :class:`Target`:

- ``describe``: the resource's observed state, a JSON-able dict (``{"state": "gone"}`` when the
  resource no longer exists);
- ``dry_run``: EC2 ``DryRun=True`` on every changing call (``DryRunOperation`` means permitted,
  ``UnauthorizedOperation`` raises :class:`ActionRefusedError`); other services: a describe
  check;
- ``execute``: the change; returns an :class:`Outcome` with the undo data of reversible actions
  ("already gone" or "already done" is an outcome with ``changed=False``);
- ``verify``: describe again and require the expected end state;
- ``rollback``: undo a reversible action from its outcome's ``undo`` data.

A state that no longer fits the action (an attached volume, an associated address, another
instance type than the finding saw) raises :class:`StaleResourceError` before any change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from botocore.exceptions import BotoCoreError, ClientError

from finops.errors import (
    ActionRefusedError,
    ConfigurationError,
    RemediationError,
    StaleResourceError,
)
from finops.ingest.aws import ACCESS_DENIED_CODES, error_code
from finops.registry import Registered, Registry

GONE: dict[str, Any] = {"state": "gone"}
DRY_RUN_OK = "DryRunOperation"
REFUSED_CODES = ACCESS_DENIED_CODES | {"OperationNotPermitted"}


class Clients(Protocol):
    """Builds boto3 clients per account and region (``AwsSessions`` is one)."""

    def client(self, service: str, *, account_id: str | None, region: str) -> Any: ...


@dataclass(frozen=True)
class Target:
    """The resource a finding names: where it is, its id, and the finding's details."""

    account_id: str
    region: str
    resource_id: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What ``execute`` or ``rollback`` did: the calls that changed something (empty when the
    resource was already gone or already in the end state) and the data to undo it."""

    action: str
    resource_id: str
    changed: bool
    calls: tuple[str, ...] = ()
    undo: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class NoParameters:
    """An action that takes no parameters."""


class Action(Registered, ABC):
    """One remediation action: what it fixes, what it needs and how it undoes itself."""

    fixes: ClassVar[tuple[str, ...]]
    resource_type: ClassVar[str]
    service: ClassVar[str]  # the boto3 client name
    iam_actions: ClassVar[tuple[str, ...]]
    reversible: ClassVar[bool] = False
    undo: ClassVar[str]  # how it is undone (or why it is not)
    gone_codes: ClassVar[frozenset[str]] = frozenset()
    Parameters: ClassVar[type[Any]] = NoParameters

    def __init__(self, parameters: Any = None) -> None:
        parameters = self.Parameters() if parameters is None else parameters
        if not isinstance(parameters, self.Parameters):
            raise ConfigurationError(
                f"{self.name}: parameters must be a {self.Parameters.__name__}, "
                f"got {type(parameters).__name__}"
            )
        self.parameters = parameters

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    # ---- behaviour --------------------------------------------------------------------------

    @abstractmethod
    def describe(self, clients: Clients, target: Target) -> dict[str, Any]:
        """The resource's observed state, JSON-able (what a proposal's digest binds)."""

    @abstractmethod
    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        """Check the action is permitted without changing anything (EC2 DryRun)."""

    @abstractmethod
    def execute(self, clients: Clients, target: Target) -> Outcome:
        """Make the change; the outcome carries the undo data of a reversible action."""

    @abstractmethod
    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        """Describe the resource again: the state the action should have left."""

    def rollback(self, clients: Clients, target: Target, undo: Mapping[str, Any]) -> Outcome:
        raise RemediationError(f"{self.name}: not reversible ({self.undo})")

    # ---- helpers ----------------------------------------------------------------------------

    def client(self, clients: Clients, target: Target) -> Any:
        return clients.client(self.service, account_id=target.account_id, region=target.region)

    def where(self, target: Target) -> str:
        return f"{self.name} on {target.resource_id} ({target.account_id}/{target.region})"

    def call(self, target: Target, operation: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """``fn(**kwargs)``, its errors as remediation errors naming the action and resource."""
        try:
            return fn(**kwargs)
        except ClientError as exc:
            code = error_code(exc)
            if code in REFUSED_CODES:
                raise ActionRefusedError(
                    f"{self.where(target)}: {operation} refused: {exc}", code=code
                ) from exc
            raise RemediationError(f"{self.where(target)}: {operation} failed: {exc}") from exc
        except BotoCoreError as exc:
            raise RemediationError(f"{self.where(target)}: {operation} failed: {exc}") from exc

    def dry_run_call(
        self, target: Target, operation: str, fn: Callable[..., Any], **kwargs: Any
    ) -> str:
        """``fn(DryRun=True, **kwargs)``: ``DryRunOperation`` is permission, anything else fails."""
        try:
            fn(DryRun=True, **kwargs)
        except ClientError as exc:
            if error_code(exc) == DRY_RUN_OK:
                return operation
            code = error_code(exc)
            if code in REFUSED_CODES:
                raise ActionRefusedError(
                    f"{self.where(target)}: DryRun of {operation} refused ({code}); "
                    "nothing was changed",
                    code=code,
                ) from exc
            raise RemediationError(f"{self.where(target)}: DryRun of {operation}: {exc}") from exc
        raise RemediationError(f"{self.where(target)}: DryRun of {operation} made the call")

    def is_gone(self, exc: ClientError) -> bool:
        return error_code(exc) in self.gone_codes

    def first(
        self, target: Target, operation: str, fn: Callable[..., Any], key: str, **kwargs: Any
    ) -> dict[str, Any] | None:
        """The first item of ``fn(**kwargs)[key]`` (a describe call); None when it is gone."""
        try:
            items = fn(**kwargs)[key]
        except ClientError as exc:
            if self.is_gone(exc):
                return None
            raise RemediationError(f"{self.where(target)}: {operation}: {exc}") from exc
        return dict(items[0]) if items else None

    def stale(self, target: Target, why: str) -> StaleResourceError:
        return StaleResourceError(f"{self.where(target)}: {why}; nothing was changed")

    def outcome(self, target: Target, *calls: str, **kwargs: Any) -> Outcome:
        return Outcome(
            action=self.name,
            resource_id=target.resource_id,
            changed=bool(calls),
            calls=calls,
            **kwargs,
        )


@dataclass(frozen=True)
class Call:
    """One changing AWS call of an action: its IAM action, the client method, the arguments."""

    iam_action: str
    fn: Callable[..., Any]
    kwargs: dict[str, Any]

    @property
    def operation(self) -> str:
        return self.iam_action.partition(":")[2]


class Deletion(Action):
    """An action that removes its resource: describe, refuse a state that no longer fits
    (``unfit``), DryRun each call (EC2), make the calls, then verify the resource is gone."""

    dry_run_supported: ClassVar[bool] = True
    gone_states: ClassVar[frozenset[str]] = frozenset({"gone"})

    def unfit(self, state: dict[str, Any]) -> str | None:
        """Why the observed state no longer fits the action (None: it fits)."""
        return None

    @abstractmethod
    def calls(self, clients: Clients, target: Target, state: dict[str, Any]) -> list[Call]:
        """The AWS calls that remove the resource."""

    def recorded(self, results: list[Any]) -> dict[str, Any]:
        """The outcome's ``undo`` / ``note`` from the calls' responses."""
        return {}

    def checked(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        why = None if state["state"] == "gone" else self.unfit(state)
        if why:
            raise self.stale(target, why)
        return state

    def dry_run(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.checked(clients, target)
        if state["state"] != "gone" and self.dry_run_supported:
            for c in self.calls(clients, target, state):
                self.dry_run_call(target, c.operation, c.fn, **c.kwargs)
        return state

    def execute(self, clients: Clients, target: Target) -> Outcome:
        state = self.checked(clients, target)
        if state["state"] == "gone":
            return self.outcome(target, note="already gone")
        calls = self.calls(clients, target, state)
        results = [self.call(target, c.operation, c.fn, **c.kwargs) for c in calls]
        return self.outcome(target, *(c.iam_action for c in calls), **self.recorded(results))

    def verify(self, clients: Clients, target: Target) -> dict[str, Any]:
        state = self.describe(clients, target)
        if state["state"] not in self.gone_states:
            raise RemediationError(f"{self.where(target)}: still {state['state']}")
        return state


def positive(owner: object, name: str, *, low: int = 1, high: int | None = None) -> None:
    """A ``Parameters`` field check: ``low <= value (<= high)``, naming the parameter."""
    value = getattr(owner, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigurationError(f"{name}: must be an integer >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ConfigurationError(f"{name}: must be <= {high}, got {value!r}")


ACTIONS: Registry[type[Action]] = Registry("remediation action")
