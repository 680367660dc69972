"""The words the offline parser knows: dimensions, measures, service aliases, and the values of
the estate itself (service, account and region names, team tag values), read from the public
``costs`` view within the asker's scope."""

from __future__ import annotations

from dataclasses import dataclass

from finops.db.readonly import execute_readonly
from finops.warehouse.scope import Scope

SERVICE_ALIASES = {
    "ec2": "Amazon Elastic Compute Cloud",
    "s3": "Amazon Simple Storage Service",
    "rds": "Amazon Relational Database Service",
    "lambda": "AWS Lambda",
    "elb": "Elastic Load Balancing",
    "load balancing": "Elastic Load Balancing",
    "load balancers": "Elastic Load Balancing",
    "vpc": "Amazon Virtual Private Cloud",
    "dynamodb": "Amazon DynamoDB",
    "cloudwatch": "AmazonCloudWatch",
    "support": "AWS Support (Business)",
}

# words that name a dimension, longest first where one contains another
DIMENSIONS = [
    ("service categories", "service_category"),
    ("service category", "service_category"),
    ("services", "service_name"),
    ("service", "service_name"),
    ("accounts", "sub_account_name"),
    ("account", "sub_account_name"),
    ("regions", "region_id"),
    ("region", "region_id"),
    ("teams", "tag:team"),
    ("team", "tag:team"),
    ("resources", "resource_id"),
    ("finding type", "finding_type"),
    ("finding types", "finding_type"),
]
TEAM_KEYS = ("team", "user:team", "user_team")

VOCABULARY_SQL = """
SELECT 'service' AS kind, service_name AS value FROM finops.costs
  WHERE service_name IS NOT NULL GROUP BY service_name
UNION ALL SELECT 'account', sub_account_name FROM finops.costs
  WHERE sub_account_name IS NOT NULL GROUP BY sub_account_name
UNION ALL SELECT 'region', region_id FROM finops.costs
  WHERE region_id IS NOT NULL AND region_id <> '' GROUP BY region_id
UNION ALL SELECT 'team', t.value FROM finops.costs c, jsonb_each_text(c.tags) t
  WHERE t.key IN ('team', 'user:team', 'user_team') GROUP BY t.value
UNION ALL SELECT 'as_of', max(charge_period_start)::date::text FROM finops.costs
UNION ALL SELECT 'budget', name FROM finops.budgets
"""


@dataclass(frozen=True)
class Vocabulary:
    services: frozenset[str]
    accounts: frozenset[str]
    regions: frozenset[str]
    teams: frozenset[str]
    as_of: str | None
    budgets: frozenset[str] = frozenset()


def load_vocabulary(url: str, *, scope: Scope, timeout_s: float) -> Vocabulary:
    """The names the asker's scope can see (``url``: the console role's)."""
    result = execute_readonly(
        url, VOCABULARY_SQL, scope=scope, timeout_s=timeout_s, row_limit=100_000
    )
    kinds: dict[str, set[str]] = {
        "service": set(),
        "account": set(),
        "region": set(),
        "team": set(),
        "as_of": set(),
        "budget": set(),
    }
    for kind, value in result.rows:
        if value is not None:
            kinds[str(kind)].add(str(value))
    return Vocabulary(
        services=frozenset(kinds["service"]),
        accounts=frozenset(kinds["account"]),
        regions=frozenset(kinds["region"]),
        teams=frozenset(kinds["team"]),
        as_of=min(kinds["as_of"]) if kinds["as_of"] else None,
        budgets=frozenset(kinds["budget"]),
    )
