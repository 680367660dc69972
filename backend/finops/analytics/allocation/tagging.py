"""Tag compliance against a tag policy: required keys and allowed values.

A resource is *untagged* when it carries none of the policy's keys (nor a near miss of one), and
*mistagged* when it carries some but a required key is missing, misspelt (an unknown key within
two edits of a required one) or has a value the policy does not allow. Keys compare without case
and with ``-``/``_`` equivalent, after the billing prefixes ``user:``/``user_`` are removed.
The findings these problems give are the tag rules' (``optimization/rules/tagging.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, text

from finops.analytics.optimization import warehouse as wh
from finops.analytics.optimization.policy import TagPolicy
from finops.errors import ConfigurationError

TAGGABLE = (
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::Snapshot",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::RDS::DBInstance",
    "AWS::S3::Bucket",
    "AWS::Lambda::Function",
)
SERVICES = {
    "AWS::EC2::Instance": "AmazonEC2",
    "AWS::EC2::Volume": "AmazonEC2",
    "AWS::EC2::Snapshot": "AmazonEC2",
    "AWS::EC2::NatGateway": "AmazonEC2",
    "AWS::EC2::EIP": "AmazonVPC",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "AWSELB",
    "AWS::RDS::DBInstance": "AmazonRDS",
    "AWS::S3::Bucket": "AmazonS3",
    "AWS::Lambda::Function": "AWSLambda",
}


def load_tag_policy(path: Path | None = None) -> TagPolicy:
    """The tag policy in ``path`` (JSON: required, allowed), or the packaged default policy."""
    try:
        if path is None:
            text = resources.files(__package__).joinpath("default_tag_policy.json").read_text()
        else:
            text = path.read_text()
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"tag policy {path or 'default'}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f"tag policy {path or 'default'}: expected a JSON object")
    return TagPolicy.from_mapping(data)


def canonical_key(key: str) -> str:
    key = key.strip().lower()
    for prefix in ("user:", "user_"):
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    return key.replace("-", "_")


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def problems(tags: dict[str, str], policy: TagPolicy) -> tuple[str, list[str]]:
    """("ok" | "untagged" | "mistagged", the problems found)."""
    present = {canonical_key(k): v for k, v in tags.items() if str(v).strip()}
    required = {canonical_key(k): k for k in policy.required}
    found: list[str] = []
    near = {}
    for key in present:
        if key in required:
            continue
        for want in required:
            if want not in present and _distance(key, want) <= 2:
                near[want] = key
    if not any(k in required for k in present) and not near:
        return "untagged", [f"no tag of the policy ({', '.join(policy.required)})"]
    for want, original in required.items():
        if want in near:
            found.append(f"tag key {near[want]!r} misspelt; {original!r} missing")
        elif want not in present:
            found.append(f"required tag {original!r} missing")
        else:
            allowed = policy.allowed.get(original)
            if allowed is not None and present[want] not in allowed:
                found.append(f"{original} {present[want]!r} is not allowed")
    return ("mistagged" if found else "ok"), found


@dataclass(frozen=True, slots=True)
class TagCompliance:
    start: date
    end: date
    total_cost: Decimal
    compliant_cost: Decimal
    resources: int
    compliant_resources: int

    @property
    def cost_share(self) -> Decimal | None:
        return None if self.total_cost == 0 else self.compliant_cost / self.total_cost

    @property
    def resource_share(self) -> Decimal | None:
        return None if self.resources == 0 else Decimal(self.compliant_resources) / self.resources


_TAGGED_COST = text(
    """
    SELECT coalesce(tags, '{}'::jsonb) AS tags, sum(effective_cost) AS cost
    FROM finops.costs
    WHERE charge_period_start >= :s AND charge_period_start < :e AND charge_category = 'Usage'
    GROUP BY 1
    """
)


def tag_compliance(conn: Connection, *, start: date, end: date, policy: TagPolicy) -> TagCompliance:
    """Compliance by cost (usage cost whose billed tags satisfy the policy) and by resource
    count (inventory resources as of the last day)."""
    total = compliant = Decimal(0)
    for row in conn.execute(_TAGGED_COST, {"s": start, "e": end}):
        cost = Decimal(row.cost)
        total += cost
        if problems({str(k): str(v) for k, v in row.tags.items()}, policy)[0] == "ok":
            compliant += cost
    items = wh.inventory_as_of(conn, as_of=end - timedelta(days=1), types=list(TAGGABLE))
    ok = sum(1 for i in items if problems(i.tags, policy)[0] == "ok")
    return TagCompliance(start, end, total, compliant, len(items), ok)
