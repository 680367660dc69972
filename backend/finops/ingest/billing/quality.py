"""Data-quality report of a load: FOCUS rules a real export breaks, counted in line items.

Real exports break the specification in ordinary ways (ContractedCost left empty by some
providers, ``Usage-based`` spelled with a small b, a missing ChargePeriodEnd). A load keeps
every value as it is — a NULL the specification forbids stays NULL — and records, per billing
period, each rule broken: the rule, the column, how many source line items break it and a few
example rows. ``finops ingest status``, the API and the dashboard show the report.

The rules run over the mapped rows at the warehouse grain, whose ``x_raw_line_items`` count
the source line items behind each row, so one scan of the (small) grouped data counts exactly.
Rule ids follow the FOCUS column and requirement they check; the requirement text is quoted
from the FOCUS 1.2 specification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from finops.ingest.billing.staging import literal

_MANDATORY_NOT_NULL = (
    ("BilledCost", "billed_cost"),
    ("BillingAccountId", "billing_account_id"),
    ("BillingPeriodEnd", "billing_period_end"),
    ("ChargeCategory", "charge_category"),
    ("ContractedCost", "contracted_cost"),
    ("EffectiveCost", "effective_cost"),
    ("InvoiceIssuerName", "invoice_issuer_name"),
    ("ListCost", "list_cost"),
    ("ProviderName", "provider_name"),
    ("PublisherName", "publisher_name"),
    ("ServiceCategory", "service_category"),
    ("ServiceName", "service_name"),
)
_ALLOWED_VALUES = (
    ("ChargeCategory", "charge_category", ("Usage", "Purchase", "Tax", "Credit", "Adjustment")),
    ("ChargeClass", "charge_class", ("Correction",)),
    ("ChargeFrequency", "charge_frequency", ("One-Time", "Recurring", "Usage-Based")),
    ("CommitmentDiscountCategory", "commitment_discount_category", ("Spend", "Usage")),
    ("CommitmentDiscountStatus", "commitment_discount_status", ("Used", "Unused")),
    ("PricingCategory", "pricing_category", ("Standard", "Dynamic", "Committed", "Other")),
    ("CapacityReservationStatus", "capacity_reservation_status", ("Used", "Unused")),
    (
        "ServiceCategory",
        "service_category",
        (
            "AI and Machine Learning",
            "Analytics",
            "Business Applications",
            "Compute",
            "Databases",
            "Developer Tools",
            "Multicloud",
            "Identity",
            "Integration",
            "Internet of Things",
            "Management and Governance",
            "Media",
            "Migration",
            "Mobile",
            "Networking",
            "Security",
            "Storage",
            "Web",
            "Other",
        ),
    ),
)
_EXAMPLE_COLUMNS = (
    "provider_name",
    "billing_account_id",
    "sub_account_id",
    "service_name",
    "charge_category",
    "charge_description",
    "resource_id",
    "billed_cost",
)
EXAMPLES_PER_RULE = 3
# the columns of an example row, in the order people read them (JSONB keeps no key order)
EXAMPLE_COLUMNS = (*_EXAMPLE_COLUMNS, "charge_period_start")


@dataclass(frozen=True)
class Rule:
    rule_id: str
    column: str  # FOCUS column name
    severity: str  # error: a mandatory requirement; warning: a value outside the allowed list
    predicate: str  # DuckDB SQL over the mapped rows, true where the rule is broken
    message: str


@dataclass(frozen=True)
class QualityFinding:
    billing_period: str  # ISO date of the billing period start
    rule_id: str
    column: str
    severity: str
    line_items: int
    message: str
    examples: list[dict[str, object]] = field(default_factory=list)


def _rules() -> tuple[Rule, ...]:
    rules = [
        Rule(
            f"{column}.not_null",
            column,
            "error",
            f"{name} IS NULL",
            f"{column} MUST NOT be null; the rows are kept with NULL",
        )
        for column, name in _MANDATORY_NOT_NULL
    ]
    for column, name, allowed in _ALLOWED_VALUES:
        values = ", ".join(literal(v) for v in allowed)
        rules.append(
            Rule(
                f"{column}.allowed_values",
                column,
                "warning",
                f"{name} IS NOT NULL AND {name} NOT IN ({values})",
                f"{column} MUST be one of {', '.join(allowed)}; other values are kept as given",
            )
        )
    # FOCUS files only: the source's ChargePeriodEnd (the warehouse derives its own from the
    # grain), flagged per line item by focus_to_focus.sql
    rules += [
        Rule(
            "ChargePeriodEnd.not_null",
            "ChargePeriodEnd",
            "error",
            "x_end_missing",
            "ChargePeriodEnd MUST NOT be null; the warehouse's charge period ends after its grain",
        ),
        Rule(
            "ChargePeriodEnd.after_start",
            "ChargePeriodEnd",
            "warning",
            "x_end_not_after",
            "ChargePeriodEnd MUST be after ChargePeriodStart",
        ),
    ]
    return tuple(rules)


_END_FLAGS = ("x_end_missing", "x_end_not_after")


RULES = _rules()


def check(
    con: duckdb.DuckDBPyConnection, relation: str, *, source_end_flags: bool
) -> list[QualityFinding]:
    """The rules ``relation`` (mapped rows with ``x_raw_line_items``) breaks, per period.

    ``source_end_flags``: the relation carries ``x_end_missing`` / ``x_end_not_after``.
    """
    rules = [r for r in RULES if source_end_flags or r.predicate not in _END_FLAGS]
    counts = ", ".join(
        f"sum(x_raw_line_items) FILTER (WHERE {r.predicate}) AS r{i}" for i, r in enumerate(rules)
    )
    rows = con.execute(
        f"SELECT strftime(billing_period_start, '%Y-%m-%d') AS period, {counts} "
        f"FROM {relation} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    findings: list[QualityFinding] = []
    shown = ", ".join(_EXAMPLE_COLUMNS)
    for row in rows:
        period = str(row[0])
        for rule, count in zip(rules, row[1:], strict=True):
            if not count:
                continue
            cursor = con.execute(
                f"SELECT {shown}, CAST(charge_period_start AS VARCHAR) "
                f"FROM {relation} WHERE strftime(billing_period_start, '%Y-%m-%d') = ? "
                f"AND ({rule.predicate}) ORDER BY ALL LIMIT {EXAMPLES_PER_RULE}",
                [period],
            )
            names = EXAMPLE_COLUMNS
            examples: list[dict[str, object]] = [
                {n: _shown(v) for n, v in zip(names, r, strict=True)} for r in cursor.fetchall()
            ]
            findings.append(
                QualityFinding(
                    period,
                    rule.rule_id,
                    rule.column,
                    rule.severity,
                    int(count),
                    rule.message,
                    examples,
                )
            )
    return findings


def _shown(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
