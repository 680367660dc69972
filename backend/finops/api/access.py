"""Who may call each route: the one table of ``(method, path template) -> Access``.

``Access`` is a ``Role`` (that role or one above it, ``finops.auth.roles``), ``PUBLIC`` (no
login) or ``AUTHENTICATED`` (any role). :func:`authorize_routes` is called by ``create_app``:
it refuses to build an app with a route the table does not name, attaches the check to every
route (401 without valid credentials, 403 when the role is too low or a cookie request lacks its
CSRF token) and documents those answers. The authorization matrix test
(``tests/api/test_authorization_matrix.py``) reads this table.

Decisions: reads are for viewers (the Explorer, accounts, resources, usage, invoices,
discounts, the optimization and allocation lists among them: row-level security limits each
to the caller's scope); anomaly feedback (acknowledge, resolve, false positive) is
for analysts, who investigate costs (viewers only look); remediation proposals are read by
viewers, and approved, rejected, executed and rolled back by approvers (and admins: the ladder),
row-level security keeping a scoped approver to the proposals of their accounts; realized
savings (measurements, rollups) and the written spend summaries are read by viewers; budgets
are admin (they send alerts to webhooks and mail); the audit trail (who did what, and the check of
its hash chain) is for approvers, who answer for the changes it records — it is every team's
record, not limited by scope; users and everyone's tokens are admin; one's own tokens,
``/auth/me`` and logout need any login; health, metrics, the API documentation and the built
dashboard's files are public (the dashboard itself asks for a login through the API)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from fastapi import Depends, FastAPI
from fastapi.dependencies.utils import get_flat_dependant, get_parameterless_sub_dependant
from fastapi.routing import APIRoute, request_response

from finops.api.deps import PrincipalDep, get_principal
from finops.api.errors import declare_errors
from finops.auth.principal import Principal
from finops.auth.roles import Role
from finops.errors import ConfigurationError, PermissionDeniedError


class Open(StrEnum):
    PUBLIC = "public"
    AUTHENTICATED = "authenticated"


PUBLIC = Open.PUBLIC
AUTHENTICATED = Open.AUTHENTICATED
Access = Role | Open

V1 = "/api/v1"

# data table: one line per route, nothing to factor out
ROUTE_ACCESS: dict[tuple[str, str], Access] = {
    # health, metrics, documentation, the dashboard's files
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/{path:path}"): PUBLIC,
    # identity
    ("GET", f"{V1}/auth/providers"): PUBLIC,
    ("GET", f"{V1}/auth/oidc/login"): PUBLIC,
    ("GET", f"{V1}/auth/oidc/callback"): PUBLIC,
    ("POST", f"{V1}/auth/login"): PUBLIC,
    ("POST", f"{V1}/auth/logout"): AUTHENTICATED,
    ("GET", f"{V1}/auth/me"): AUTHENTICATED,
    ("GET", f"{V1}/auth/tokens"): AUTHENTICATED,
    ("POST", f"{V1}/auth/tokens"): AUTHENTICATED,
    ("DELETE", f"{V1}/auth/tokens/{{token_id}}"): AUTHENTICATED,
    ("GET", f"{V1}/admin/users"): Role.ADMIN,
    ("POST", f"{V1}/admin/users"): Role.ADMIN,
    ("PATCH", f"{V1}/admin/users/{{username}}"): Role.ADMIN,
    ("POST", f"{V1}/admin/users/{{username}}/password"): Role.ADMIN,
    ("GET", f"{V1}/admin/tokens"): Role.ADMIN,
    ("DELETE", f"{V1}/admin/tokens/{{token_id}}"): Role.ADMIN,
    # cost data
    ("GET", f"{V1}/kpi/summary"): Role.VIEWER,
    ("GET", f"{V1}/spend/trend"): Role.VIEWER,
    ("GET", f"{V1}/filters"): Role.VIEWER,
    ("GET", f"{V1}/findings"): Role.VIEWER,
    ("GET", f"{V1}/findings/summary"): Role.VIEWER,
    ("GET", f"{V1}/allocation/chargeback"): Role.VIEWER,
    ("GET", f"{V1}/anomalies"): Role.VIEWER,
    ("GET", f"{V1}/anomalies/usage"): Role.VIEWER,
    ("GET", f"{V1}/anomalies/{{fingerprint}}"): Role.VIEWER,
    ("POST", f"{V1}/anomalies/{{fingerprint}}/status"): Role.ANALYST,
    ("GET", f"{V1}/forecasts"): Role.VIEWER,
    ("GET", f"{V1}/budgets"): Role.VIEWER,
    ("POST", f"{V1}/budgets"): Role.ADMIN,
    ("DELETE", f"{V1}/budgets/{{budget_id}}"): Role.ADMIN,
    ("GET", f"{V1}/optimization/coh-comparison"): Role.VIEWER,
    ("GET", f"{V1}/optimization/idle"): Role.VIEWER,
    ("GET", f"{V1}/optimization/rightsizing"): Role.VIEWER,
    ("GET", f"{V1}/optimization/savings"): Role.VIEWER,
    ("GET", f"{V1}/allocation/cost-centers"): Role.VIEWER,
    ("GET", f"{V1}/allocation/tag-compliance"): Role.VIEWER,
    ("GET", f"{V1}/spend/invoices"): Role.VIEWER,
    ("GET", f"{V1}/explorer"): Role.VIEWER,
    ("GET", f"{V1}/explorer/dimensions"): Role.VIEWER,
    ("GET", f"{V1}/explorer/values"): Role.VIEWER,
    ("GET", f"{V1}/accounts"): Role.VIEWER,
    ("GET", f"{V1}/resources"): Role.VIEWER,
    ("GET", f"{V1}/resources/{{resource_id:path}}"): Role.VIEWER,
    ("GET", f"{V1}/usage"): Role.VIEWER,
    ("GET", f"{V1}/discounts/utilization"): Role.VIEWER,
    ("GET", f"{V1}/discounts/coverage"): Role.VIEWER,
    ("GET", f"{V1}/discounts/recommendations"): Role.VIEWER,
    ("GET", f"{V1}/sources"): Role.VIEWER,
    ("GET", f"{V1}/sources/loads"): Role.VIEWER,
    ("GET", f"{V1}/sources/quality"): Role.VIEWER,
    # remediation proposals: everyone reads the queue, approvers decide and act
    ("GET", f"{V1}/actions"): Role.VIEWER,
    ("GET", f"{V1}/actions/{{action_id}}"): Role.VIEWER,
    ("POST", f"{V1}/actions/{{action_id}}/approve"): Role.APPROVER,
    ("POST", f"{V1}/actions/{{action_id}}/reject"): Role.APPROVER,
    ("POST", f"{V1}/actions/{{action_id}}/execute"): Role.APPROVER,
    ("POST", f"{V1}/actions/{{action_id}}/rollback"): Role.APPROVER,
    # realized savings (the savings tracker's measurements and rollups)
    ("GET", f"{V1}/savings/measurements"): Role.VIEWER,
    ("GET", f"{V1}/savings/measurements/{{measurement_id}}"): Role.VIEWER,
    ("GET", f"{V1}/savings/rollup"): Role.VIEWER,
    ("GET", f"{V1}/savings/cumulative"): Role.VIEWER,
    # written spend summaries (the insights job)
    ("GET", f"{V1}/insights"): Role.VIEWER,
    ("GET", f"{V1}/insights/{{insight_id}}"): Role.VIEWER,
    # the SQL console (analysts; rows limited by row-level security to the scope)
    ("POST", f"{V1}/sql/query"): Role.ANALYST,
    ("GET", f"{V1}/sql/tables"): Role.ANALYST,
    # the assistant (every role; its queries limited by row-level security to the scope)
    ("POST", f"{V1}/assistant/ask"): Role.VIEWER,
    # the audit trail and the check of its hash chain (approvers; every scope's rows)
    ("GET", f"{V1}/audit"): Role.APPROVER,
    ("GET", f"{V1}/audit/verify"): Role.APPROVER,
}


def _role_check(role: Role) -> Callable[[Principal], Principal]:
    def require_role(principal: PrincipalDep) -> Principal:
        if not principal.allows(role):
            raise PermissionDeniedError(
                f"this needs the {role} role or above; {principal.user.username} is "
                f"{principal.role}"
            )
        return principal

    require_role.__name__ = f"require_{role}"
    return require_role


ROLE_CHECKS = {role: _role_check(role) for role in Role}
"""One check per role (FastAPI runs a dependency once per request by its function)."""


def access_of(method: str, path: str) -> Access:
    try:
        return ROUTE_ACCESS[(method, path)]
    except KeyError:
        raise ConfigurationError(
            f"route {method} {path} has no entry in finops.api.access.ROUTE_ACCESS: "
            "declare the role it needs (or PUBLIC / AUTHENTICATED)"
        ) from None


def authorize_routes(app: FastAPI) -> None:
    """Attach each route's access check; a route without an entry is a ``ConfigurationError``."""
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        levels = {access_of(method, route.path) for method in sorted(route.methods)}
        if len(levels) != 1:
            raise ConfigurationError(
                f"route {route.path} serves {sorted(route.methods)} with different access; "
                "split it into one route per method"
            )
        (access,) = levels
        if access is PUBLIC:
            continue
        check = get_principal if access is AUTHENTICATED else ROLE_CHECKS[Role(access)]
        _attach(route, check)
        declare_errors(route, 401, 403)
    app.openapi_schema = None


def _attach(route: APIRoute, check: Callable[..., Principal]) -> None:
    """Run ``check`` before the route's own dependencies, as ``dependencies=[Depends(check)]``
    given when the route was made would (FastAPI builds the handler from the dependant)."""
    depends = Depends(check)
    route.dependencies.insert(0, depends)
    route.dependant.dependencies.insert(
        0, get_parameterless_sub_dependant(depends=depends, path=route.path_format)
    )
    route._flat_dependant = get_flat_dependant(route.dependant)
    route.app = request_response(route.get_route_handler())
