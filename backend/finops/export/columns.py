"""The exported columns: the FOCUS specification's column names, the FOCUS name of each warehouse
column, and the Arrow type each is written as.

Each snake_case column of ``finops.costs`` is named by the FOCUS specification's own spelling
(``sku_price_id`` → ``SkuPriceId``); platform columns keep their ``x_`` prefix
(``x_line_item_type`` → ``x_LineItemType``), and a column the requested FOCUS version does not
define (a FOCUS 1.3 column in a 1.2 export) is exported as a custom ``x_`` column, so its data is
kept without breaking the version's column set. Money and quantities are decimals at the
warehouse's full precision: the scale is the largest one stored in the exported rows when the
column is unconstrained ``numeric``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from finops.errors import ExportError
from finops.export.periods import in_periods

# FOCUS_Spec specification/columns/*.md: the names of the exported columns; which columns are
# exported is read from the warehouse
FOCUS_1_2_COLUMNS: tuple[str, ...] = (
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingAccountType",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "CapacityReservationId",
    "CapacityReservationStatus",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountQuantity",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "CommitmentDiscountUnit",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceId",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingCurrency",
    "PricingCurrencyContractedUnitPrice",
    "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "ServiceName",
    "ServiceSubcategory",
    "SkuId",
    "SkuMeter",
    "SkuPriceDetails",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "SubAccountType",
    "Tags",
)

FOCUS_COLUMNS: dict[str, tuple[str, ...]] = {"1.2": FOCUS_1_2_COLUMNS}

SUPPORTED_VERSIONS: tuple[str, ...] = tuple(FOCUS_COLUMNS)

_CUSTOM_PREFIX = "x_"


@dataclass(frozen=True)
class ExportColumn:
    """One warehouse column and how it is written."""

    source: str  # column of finops.costs
    name: str  # FOCUS name in the export
    kind: str  # decimal | timestamp | date | string | json | integer | boolean | float
    arrow_type: Any

    def describe(self) -> dict[str, str]:
        return {"column": self.source, "focus": self.name, "type": str(self.arrow_type)}


def focus_column_name(column: str, *, version: str = "1.2") -> str:
    """The FOCUS name of a snake_case warehouse column (``x_`` columns stay custom columns)."""
    if column.startswith(_CUSTOM_PREFIX):
        return _CUSTOM_PREFIX + _pascal(column[len(_CUSTOM_PREFIX) :])
    spec = {name.lower(): name for name in columns_of(version)}
    return spec.get(column.replace("_", "").lower(), _CUSTOM_PREFIX + _pascal(column))


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def columns_of(version: str) -> tuple[str, ...]:
    try:
        return FOCUS_COLUMNS[version]
    except KeyError:
        raise ExportError(
            f"--version {version!r}: FOCUS version not supported; "
            f"supported: {', '.join(SUPPORTED_VERSIONS)}"
        ) from None


def plan_columns(
    conn: Connection, view: sa.Table, *, version: str, periods: Sequence[str]
) -> list[ExportColumn]:
    scales = _numeric_extents(conn, view, periods=periods)
    planned = [
        _plan_column(column, version=version, extent=scales.get(column.name))
        for column in view.columns
    ]
    names = [c.name for c in planned]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ExportError(f"finops.costs: columns map to the same FOCUS name {', '.join(clashes)}")
    return planned


def _plan_column(
    column: sa.Column[Any], *, version: str, extent: tuple[int, int] | None
) -> ExportColumn:
    name = focus_column_name(column.name, version=version)
    kind, arrow_type = _arrow_type(column, extent)
    return ExportColumn(source=column.name, name=name, kind=kind, arrow_type=arrow_type)


def _arrow_type(column: sa.Column[Any], extent: tuple[int, int] | None) -> tuple[str, Any]:
    col_type = column.type
    if isinstance(col_type, sa.Numeric) and not isinstance(col_type, sa.Float):
        return "decimal", _decimal_type(col_type, extent, column_name=column.name)
    if isinstance(col_type, sa.Float):
        return "float", pa.float64()
    if isinstance(col_type, sa.DateTime):
        return "timestamp", pa.timestamp("us", tz="UTC")
    if isinstance(col_type, sa.Date):
        return "date", pa.date32()
    if isinstance(col_type, sa.Boolean):
        return "boolean", pa.bool_()
    if isinstance(col_type, sa.Integer):
        return "integer", pa.int64()
    if isinstance(col_type, sa.JSON | postgresql.JSONB):
        return "json", pa.string()
    if isinstance(col_type, sa.String):
        return "string", pa.string()
    raise ExportError(
        f"finops.costs column {column.name}: type {col_type} has no FOCUS export mapping"
    )


def _decimal_type(
    col_type: sa.Numeric[Any], extent: tuple[int, int] | None, *, column_name: str
) -> Any:
    if col_type.precision is not None:
        scale = col_type.scale or 0
        digits = col_type.precision - scale
    else:
        digits, scale = extent or (1, 0)
    if digits + scale <= 38:
        return pa.decimal128(38, scale)
    if digits + scale <= 76:
        return pa.decimal256(76, scale)
    raise ExportError(
        f"{column_name}: a value with {digits} integer digits and {scale} decimal places does "
        "not fit parquet's largest decimal (76 digits); export it with --format csv"
    )


def _numeric_extents(
    conn: Connection, view: sa.Table, *, periods: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(integer digits, scale) needed by each unconstrained ``numeric`` column's values."""
    open_columns = [
        c
        for c in view.columns
        if isinstance(c.type, sa.Numeric)
        and not isinstance(c.type, sa.Float)
        and c.type.precision is None
    ]
    if not open_columns or not periods:
        return {}
    measures: list[sa.ColumnElement[Any]] = []
    for c in open_columns:
        measures.append(sa.func.max(sa.func.scale(c)))
        measures.append(
            sa.func.max(sa.func.length(sa.cast(sa.func.trunc(sa.func.abs(c)), sa.Text)))
        )
    row = conn.execute(sa.select(*measures).where(in_periods(view, periods))).one()
    extents: dict[str, tuple[int, int]] = {}
    for i, c in enumerate(open_columns):
        scale, digits = row[2 * i], row[2 * i + 1]
        extents[c.name] = (int(digits or 1), int(scale or 0))
    return extents
