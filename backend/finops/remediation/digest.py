"""The digest of a proposal: what an approval is valid for.

The hex SHA-256 of the canonical JSON (keys sorted, no spacing) of the exact account, region,
resource, action, parameters and the resource's observed state. An approval names the digest
it was given for; at execution the resource is described again and the digest recomputed, so a
resource retagged, resized or stopped by someone since (any change of its observed state) no
longer matches and nothing is changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any


def canonical(value: Any) -> str:
    """JSON text with sorted keys and no spacing (decimals and dates as strings)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def digest(
    *,
    account_id: str,
    region: str,
    resource_id: str,
    action: str,
    parameters: Mapping[str, Any],
    observed_state: Mapping[str, Any],
) -> str:
    body = {
        "account_id": account_id,
        "region": region,
        "resource_id": resource_id,
        "action": action,
        "parameters": dict(parameters),
        "observed_state": dict(observed_state),
    }
    return hashlib.sha256(canonical(body).encode()).hexdigest()
