"""One error hierarchy. Messages name the file, column, resource or parameter at fault."""

from __future__ import annotations


class FinOpsError(Exception):
    """Base of every error the platform raises on purpose."""


class ConfigurationError(FinOpsError):
    """A setting is missing or invalid."""


class DatabaseError(FinOpsError):
    """The warehouse could not be reached or started."""


class NotFoundError(FinOpsError):
    """What a request names does not exist (an incident, a budget, a source, a report); the
    message names the parameter and, where useful, what does exist."""


class ConflictError(FinOpsError):
    """A change collides with what exists (a name already in use); the message names both."""


class InvalidParameterError(FinOpsError):
    """Request parameters that are each valid but not together (a range that runs backwards,
    a scope without its kind); the message names the parameters. ``param``, when given, is
    the one request parameter at fault (the API's error body carries it)."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class QueryRefusedError(FinOpsError):
    """A statement given to the read-only SQL console is not a single SELECT/WITH."""


class QueryFailedError(FinOpsError):
    """A read-only query failed (timeout, syntax, permissions)."""


class IngestError(FinOpsError):
    """A billing or usage source could not be ingested; names the file and what is wrong."""


class OverlapError(IngestError):
    """A load would count charges that another billing source already holds."""


class ReconciliationError(IngestError):
    """Warehouse totals differ from the source totals after a load."""


class NotBuiltError(FinOpsError):
    """A capability that is planned but not built yet."""


class ExportError(FinOpsError):
    """The warehouse could not be exported; names the parameter, period or file at fault."""


class AuthenticationError(FinOpsError):
    """No valid credentials: no or an unknown session cookie or API token, an expired or
    revoked one, a wrong password (the message never says which of these)."""


class PermissionDeniedError(FinOpsError):
    """Valid credentials whose role may not do what the request asks; names the role needed."""


class TooManyAttemptsError(FinOpsError):
    """Login refused for now: too many attempts from one address, or the account is locked
    after repeated failures. ``retry_after`` is the number of seconds to wait."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RemediationError(FinOpsError):
    """A remediation action failed; names the action, account, region and resource."""


class ActionRefusedError(RemediationError):
    """AWS refused the action (``UnauthorizedOperation`` on a DryRun, ``AccessDenied``): nothing
    was changed. ``code`` is AWS's error code."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class StaleResourceError(RemediationError):
    """The resource's observed state no longer fits the action (resized, attached, already
    associated, not past retention): nothing was changed."""


class PolicyError(ConfigurationError):
    """Remediation policy files that do not validate; ``problems`` holds one
    ``file:policy:field: message`` line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in remediation policies:\n" + "\n".join(problems)
        )
        self.problems = problems


class PolicyLimitError(RemediationError):
    """A policy's run would touch more resources than its limit allows (per run or per
    account): the run stops before any change. Names the policy, the limit and the counts."""

    def __init__(self, message: str, *, policy: str, limit: str, allowed: int, count: int) -> None:
        super().__init__(message)
        self.policy = policy
        self.limit = limit
        self.allowed = allowed
        self.count = count


class ApprovalError(ConflictError):
    """A remediation decision that cannot be taken (HTTP 409); nothing was changed."""


class DecisionConflictError(ApprovalError):
    """The proposal was already decided (the first answer wins); names who decided, how and
    when."""


class ApprovalRefusedError(ApprovalError):
    """The decision or execution is refused: an approval for another digest, the proposer
    approving their own proposal under four eyes, a proposal not waiting or no longer
    approved, an approval that expired."""
