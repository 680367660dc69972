"""Checks of a unit's grouped line items before they load: one billing period per folder, the
columns a load cannot do without, known currencies; the exact reconciliation totals; and the
message naming the file, column and row of a value that does not convert."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from finops.currencies import ISO_4217
from finops.errors import IngestError
from finops.ingest.billing.readers import staging_columns
from finops.ingest.billing.sources import PeriodFiles
from finops.ingest.billing.staging import ident

# a billing currency outside ISO 4217's active codes is refused (ZWL: Zimbabwe's currency until
# 2024, still on older bills)
BILLING_CURRENCIES = ISO_4217 | {"ZWL"}


@dataclass(frozen=True)
class SliceTotals:
    """Totals of one (billing period, currency) computed from the mapped line items."""

    billing_period_start: str  # ISO date
    billing_currency: str
    raw_line_items: int
    billed_cost: Decimal
    effective_cost: Decimal | None  # None: every line item leaves it empty (reported)
    list_cost: Decimal | None


def names(unit: PeriodFiles) -> str:
    """The unit's files for a message (the first three, and how many more)."""
    shown = ", ".join(str(p) for p in unit.paths[:3])
    return shown + (f" (+{len(unit.paths) - 3} more)" if len(unit.paths) > 3 else "")


def check_unit(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> None:
    """Refuse what cannot load: another period's rows, missing keys, odd periods, currencies."""
    if unit.billing_period:
        rows = con.execute(
            "SELECT DISTINCT strftime(billing_period_start, '%Y-%m') FROM line_attrs"
        ).fetchall()
        others = sorted(str(r[0]) for r in rows if str(r[0]) != unit.billing_period)
        if others:
            raise IngestError(
                f"{names(unit)}: rows of billing period(s) {', '.join(others)} in the folder of "
                f"{unit.billing_period} (a file from another export or period was mixed in)"
            )
    nulls = con.execute(
        "SELECT sum(x_raw_line_items) FILTER (WHERE billing_period_start IS NULL), "
        "sum(x_raw_line_items) FILTER (WHERE charge_period_start IS NULL), "
        "sum(x_raw_line_items) FILTER (WHERE billing_currency IS NULL) FROM billing_groups"
    ).fetchone()
    for count, column in zip(
        nulls or (), ("billing period start", "charge period start", "currency"), strict=True
    ):
        if count:
            raise IngestError(f"{names(unit)}: {count} line items have no {column}")
    odd = con.execute(
        "SELECT billing_period_start FROM line_attrs "
        "WHERE billing_period_start <> date_trunc('day', billing_period_start) LIMIT 1"
    ).fetchone()
    if odd:
        raise IngestError(
            f"{names(unit)}: billing period start {odd[0]} is not midnight UTC; "
            "a billing period starts on a day boundary"
        )
    currencies = con.execute(
        "SELECT strftime(billing_period_start, '%Y-%m'), list(DISTINCT billing_currency ORDER BY "
        "billing_currency) FROM line_attrs GROUP BY 1 ORDER BY 1"
    ).fetchall()
    for period, codes in currencies:
        unknown = [c for c in codes if c not in BILLING_CURRENCIES]
        if unknown:
            raise IngestError(
                f"{names(unit)}: unknown billing currency {', '.join(unknown)} "
                f"in billing period {period}"
            )
        if len(codes) > 1:
            raise IngestError(
                f"{names(unit)}: billing period {period} mixes currencies "
                f"{', '.join(codes)}; one billing period must be in one currency (no conversion "
                "is applied)"
            )


def group_totals(con: duckdb.DuckDBPyConnection, unit: PeriodFiles) -> list[SliceTotals]:
    """Line item counts and exact decimal totals per billing period and currency.

    Summed from the first grouping, whose sums of the per-line measures are exact decimals,
    so they equal the sums over the raw line items; the mapping, the second grouping and the
    load must all preserve them.
    """
    rows = con.execute(
        """
        SELECT strftime(billing_period_start, '%Y-%m-%d'), billing_currency,
               sum(x_raw_line_items), sum(billed_cost), sum(effective_cost), sum(list_cost)
        FROM billing_groups GROUP BY 1, 2 ORDER BY 1, 2
        """
    ).fetchall()
    if not rows:
        raise IngestError(f"{names(unit)}: no line items")
    for r in rows:
        if r[3] is None:
            raise IngestError(
                f"{names(unit)}: billing period {r[0][:7]} has no BilledCost on any line item; "
                "there is nothing to load or reconcile"
            )
    return [
        SliceTotals(str(r[0]), str(r[1]), int(r[2]), Decimal(r[3]), _opt(r[4]), _opt(r[5]))
        for r in rows
    ]


def _opt(value: object) -> Decimal | None:
    """An exact total, or None when every line item of the period leaves the column empty."""
    return None if value is None else Decimal(str(value))


_BAD_VALUE = re.compile(r"[Cc]ould not convert string '([^']*)'")


def conversion_message(con: duckdb.DuckDBPyConnection, unit: PeriodFiles, exc: duckdb.Error) -> str:
    """Name the file, column and first row holding a value that does not convert."""
    for index, file in enumerate(unit.files):
        for name, expr in staging_columns(file.columns):
            original = file.columns.columns.get(name)
            if original is None:
                continue
            try:
                row = con.execute(
                    f"SELECT rn, {ident(original)} FROM (SELECT row_number() OVER () AS rn, * "
                    f"FROM raw_{index}) WHERE TRY({expr}) IS NULL AND {ident(original)} "
                    f"IS NOT NULL AND TRIM(CAST({ident(original)} AS VARCHAR)) NOT IN ('', "
                    "'NULL') LIMIT 1"
                ).fetchone()
            except duckdb.Error:
                continue
            if row is not None:
                return (
                    f"{file.path}: column {original}, data row {row[0]}: value "
                    f"{str(row[1])[:60]!r} cannot be converted"
                )
    match = _BAD_VALUE.search(str(exc))
    value = f" (value {match.group(1)!r})" if match else ""
    return f"{names(unit)}: a value cannot be converted{value}: {exc}"
