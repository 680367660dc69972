"""Team scope: the accounts and tag values a user or API token may see.

A scope is enforced by PostgreSQL row-level security on the tables under the public views
(docs/security.md): every API request and every SQL console query sets its scope for its own
transaction with :func:`apply_scope`, and the policies read it back. An unrestricted scope sees
every row; a restricted one sees a row only when each restriction it carries holds (accounts in
the set AND, for each restricted tag key, the row's tag value among the allowed values)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from finops.errors import InvalidParameterError


@dataclass(frozen=True)
class Scope:
    """``accounts``: sub-account ids allowed (None: any); ``tags``: tag key -> allowed values
    (a key absent: not restricted). ``Scope()`` is unrestricted."""

    accounts: frozenset[str] | None = None
    tags: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def unrestricted(self) -> bool:
        return self.accounts is None and not self.tags

    def to_json(self) -> dict[str, object]:
        return {
            "accounts": None if self.accounts is None else sorted(self.accounts),
            "tags": {key: sorted(values) for key, values in sorted(self.tags.items())},
        }

    @classmethod
    def from_json(cls, value: object) -> Scope:
        """The scope stored on a user or token (``None``: unrestricted)."""
        if value is None:
            return cls()
        if isinstance(value, str):
            value = json.loads(value)
        if not isinstance(value, dict):
            raise InvalidParameterError(f"scope must be an object, got {type(value).__name__}")
        accounts = value.get("accounts")
        tags = value.get("tags") or {}
        if accounts is not None and not (
            isinstance(accounts, list) and all(isinstance(a, str) for a in accounts)
        ):
            raise InvalidParameterError("scope.accounts must be a list of account ids")
        if not isinstance(tags, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(x, str) for x in v)
            for k, v in tags.items()
        ):
            raise InvalidParameterError("scope.tags must map tag keys to lists of values")
        return cls(
            accounts=None if accounts is None else frozenset(accounts),
            tags={k: frozenset(v) for k, v in tags.items()},
        )


ALL = Scope()


def apply_scope(conn: object, scope: Scope) -> None:
    """TEMPORARY (branch i15-auth only; the lead replaces it with the RLS helper's version at
    merge): the real function sets ``scope`` for the connection's current and later
    transactions so the row-level security policies see it. This placeholder sets nothing."""
    del conn, scope
