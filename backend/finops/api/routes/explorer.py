"""The Explorer (in the manner of AWS Cost Explorer): cost over a date range by day or month,
grouped by up to two dimensions (account, service, service category, region, charge category,
usage type, any tag key), filtered on any of them; the table (every group), the chart (the top
groups and Other, aligned per period) and downloads of every (period, group) row. Answered by
``finops.analytics.cost_query`` on the request's connection (row-level security scopes it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Annotated, Any

import pyarrow as pa
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from pydantic import StringConstraints
from sqlalchemy import Connection

from finops.analytics.cost_chart import Chart, chart
from finops.analytics.cost_query import (
    TAG_PREFIX,
    CostDimension,
    CostQuery,
    Granularity,
    dimension_values,
    iter_breakdown_rows,
    parse_dimension,
    tag_keys,
)
from finops.api.deps import ConnectionDep
from finops.api.downloads import DOWNLOAD_RESPONSE, MONEY_TYPE, ListFormat, rows_response
from finops.api.params import CostMetricQuery, Day
from finops.api.queries.inventory import data_end
from finops.api.schemas.explorer import (
    ExplorerDimensionPublic,
    ExplorerDimensionsPublic,
    ExplorerGroupPublic,
    ExplorerOtherPublic,
    ExplorerPublic,
    ExplorerSeriesPublic,
    ExplorerValuePublic,
    ExplorerValuesPublic,
)
from finops.errors import InvalidParameterError
from finops.warehouse.metrics import CostMetric

router = APIRouter(prefix="/explorer", tags=["explorer"])

DIMENSION_LABELS = {
    CostDimension.account_id: "Account",
    CostDimension.service_name: "Service",
    CostDimension.service_category: "Service category",
    CostDimension.region_id: "Region",
    CostDimension.charge_category: "Charge category",
    CostDimension.usage_type: "Usage type",
}
NONE_LABEL = "(none)"
OTHER = "Other"
DEFAULT_MONTHS = 3
MAX_LABELS = 100_000


Picks = list[Annotated[str, StringConstraints(max_length=256)]] | None
"""Filter values of a dimension ('' : the value is missing)."""
AccountQuery = Annotated[Picks, Query(description="account id; repeat for several", max_length=100)]
RegionQuery = Annotated[Picks, Query(description="region id; repeat for several", max_length=100)]
ServiceQuery = Annotated[
    Picks, Query(description="service name ('' : none); repeat for several", max_length=100)
]
CategoryQuery = Annotated[
    Picks, Query(description="service category; repeat for several", max_length=100)
]
ChargeQuery = Annotated[
    Picks,
    Query(
        description="charge category (Usage, Purchase, Tax, Credit, Adjustment); repeat for "
        "several",
        max_length=100,
    ),
]
UsageTypeQuery = Annotated[
    Picks, Query(description="usage type; repeat for several", max_length=100)
]
DIMENSION_PATTERN = "^(" + "|".join(d.value for d in CostDimension) + r"|tag:[\s\S]*\S[\s\S]*)$"
"""A dimension: one of :class:`CostDimension` or ``tag:<key>`` (a key with a visible
character)."""
Dimension = Annotated[str, StringConstraints(max_length=256, pattern=DIMENSION_PATTERN)]
TagFilter = Annotated[
    str, StringConstraints(min_length=1, max_length=256, pattern=r"^[^:]*[^:\s][^:]*:[\s\S]*$")
]
TagQuery = Annotated[
    list[TagFilter] | None,
    Query(description="a tag filter KEY:VALUE (KEY: for untagged); repeat for several"),
]
GroupByQuery = Annotated[
    list[Dimension] | None,
    Query(
        description="0 to 2 dimensions: account_id, service_name, service_category, region_id, "
        "charge_category, usage_type or tag:<key>; repeat for two",
        max_length=2,
    ),
]


def default_range(last: date | None, start: date | None, end: date | None) -> tuple[date, date]:
    """[start, end] as asked; what is missing: the last 3 full months of data (the month of
    the last day of data counts when that day is its last)."""
    if start is not None and end is not None:
        return start, end
    if end is None and start is not None:
        return start, max(start, last or start)
    anchor = end or last or date(1970, 1, 1)
    if end is None and (anchor + timedelta(days=1)).day != 1:  # a month not yet complete
        anchor = anchor.replace(day=1) - timedelta(days=1)
    first = anchor.replace(day=1)
    for _ in range(DEFAULT_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return (start or first), (end or anchor)


def _filters(
    dimensions: dict[str, list[str] | None], tags: list[str] | None
) -> dict[str, tuple[str, ...]]:
    out = {name: tuple(values) for name, values in dimensions.items() if values}
    for item in tags or []:
        key, colon, value = item.partition(":")
        if not colon or not key.strip():
            raise InvalidParameterError(
                f"tag: {item[:100]!r} is not KEY:VALUE (KEY: for cost without the tag)",
                param="tag",
            )
        name = TAG_PREFIX + key.strip()
        out[name] = (*out.get(name, ()), value)
    return out


def _account_names(conn: Connection, group_by: Sequence[str]) -> dict[str, str]:
    if CostDimension.account_id.value not in group_by:
        return {}
    found = dimension_values(conn, dimension=CostDimension.account_id.value, limit=MAX_LABELS)
    return {v.value: v.label for v in found if v.value is not None}


def _labels(
    keys: Sequence[str | None], group_by: Sequence[str], names: dict[str, str]
) -> list[str]:
    out = []
    for dimension, key in zip(group_by, keys, strict=True):
        if key is None:
            out.append(NONE_LABEL)
        elif dimension == CostDimension.account_id.value:
            out.append(names.get(key, key))
        else:
            out.append(key)
    return out


def _series(
    answer: Chart, *, names: dict[str, str]
) -> tuple[list[ExplorerSeriesPublic], ExplorerOtherPublic | None]:
    group_by = answer.query.group_by
    kept = len(answer.points)
    series = [
        ExplorerSeriesPublic(
            keys=list(keys), labels=_labels(keys, group_by, names), total=total,
            points=answer.points[i], other=False,
        )
        for i, (keys, total) in enumerate(answer.groups[:kept])
    ]  # fmt: skip
    folded = answer.groups[kept:]
    if answer.other is None or not folded:
        return series, None
    rest = sum((total for _, total in folded), Decimal(0))
    series.append(
        ExplorerSeriesPublic(
            keys=[OTHER] * len(group_by), labels=[OTHER] * len(group_by), total=rest,
            points=answer.other, other=True,
        )
    )  # fmt: skip
    return series, ExplorerOtherPublic(groups=len(folded), total=rest)


def _column(dimension: str) -> str:
    """A download column name: ``tag:team`` → ``tag_team``."""
    return dimension.replace(":", "_", 1) if dimension.startswith(TAG_PREFIX) else dimension


def _download(conn: Connection, query: CostQuery, fmt: ListFormat) -> StreamingResponse:
    group_by = [parse_dimension(d) for d in query.group_by]
    by_account = CostDimension.account_id.value in group_by
    names = _account_names(conn, group_by)
    columns = [("period", pa.date32())]
    columns += [(_column(d), pa.string()) for d in group_by]
    columns += [("account_name", pa.string())] if by_account else []
    columns += [("cost", MONEY_TYPE)]
    at = group_by.index(CostDimension.account_id.value) if by_account else 0

    def rows() -> Iterator[list[Any]]:
        for row in iter_breakdown_rows(conn, query=query):
            account = [names.get(row.keys[at] or "", row.keys[at])] if by_account else []
            yield [row.period, *row.keys, *account, row.cost]

    return rows_response(fmt, name="cost-explorer", columns=columns, rows=rows())


@router.get("", response_model=ExplorerPublic, responses=DOWNLOAD_RESPONSE)
def read_explorer(
    conn: ConnectionDep,
    start: Annotated[
        Day | None, Query(description="first day (default: 3 full months back)")
    ] = None,
    end: Annotated[Day | None, Query(description="last day (default: the last full month)")] = None,
    granularity: Annotated[Granularity, Query(description="a period per day or month")] = (
        Granularity.monthly
    ),
    group_by: GroupByQuery = None,
    metric: CostMetricQuery = CostMetric.billed_cost,
    account_id: AccountQuery = None,
    service_name: ServiceQuery = None,
    service_category: CategoryQuery = None,
    region_id: RegionQuery = None,
    charge_category: ChargeQuery = None,
    usage_type: UsageTypeQuery = None,
    tag: TagQuery = None,
    top: Annotated[int, Query(ge=1, le=100, description="chart series kept; the rest: Other")] = 10,
    format: Annotated[
        ListFormat, Query(description="json, or csv / parquet: a row per period and group")
    ] = ListFormat.json,
) -> ExplorerPublic | StreamingResponse:
    """Cost per period and group; ``groups`` is the table (every group, largest first),
    ``series`` the chart (the ``top`` groups' cost per period, then one Other series), and
    with ``format=csv`` or ``parquet`` every (period, group) row: ``period``, one column per
    dimension (``tag:team`` as ``tag_team``), ``account_name`` when grouped by account,
    ``cost``."""
    if start is not None and end is not None and start > end:
        raise InvalidParameterError(f"start {start} is after end {end}", param="start")
    first, last = default_range(data_end(conn), start, end)
    dimensions = {
        "account_id": account_id, "service_name": service_name,
        "service_category": service_category, "region_id": region_id,
        "charge_category": charge_category, "usage_type": usage_type,
    }  # fmt: skip
    query = CostQuery(
        start=first, end=last, granularity=granularity,
        group_by=tuple(dict.fromkeys(group_by or ())),
        filters=_filters(dimensions, tag), metric=metric,
    ).checked()  # fmt: skip
    if format is not ListFormat.json:
        return _download(conn, query, format)
    answer = chart(conn, query=query, top=top)  # the tail folded into Other in SQL
    names = _account_names(conn, query.group_by)
    series, other = _series(answer, names=names)
    return ExplorerPublic(
        start=first, end=last, granularity=query.granularity, metric=query.metric,
        currency=answer.currency, group_by=list(query.group_by),
        filters={k: list(v) for k, v in query.filters.items()}, source=answer.source,
        total=answer.total, periods=answer.periods,
        groups=[
            ExplorerGroupPublic(
                keys=list(keys), labels=_labels(keys, query.group_by, names), total=total
            )
            for keys, total in answer.groups
        ],
        series=series, other=other,
    )  # fmt: skip


@router.get("/dimensions", response_model=ExplorerDimensionsPublic)
def read_dimensions(conn: ConnectionDep) -> ExplorerDimensionsPublic:
    """What the Explorer can group and filter by: the fixed dimensions, then every tag key in
    use (``tag:<key>``)."""
    fixed = [ExplorerDimensionPublic(key=d.value, label=DIMENSION_LABELS[d]) for d in CostDimension]
    tags = [
        ExplorerDimensionPublic(key=f"{TAG_PREFIX}{k}", label=f"Tag: {k}") for k in tag_keys(conn)
    ]
    return ExplorerDimensionsPublic(dimensions=fixed + tags)


@router.get("/values", response_model=ExplorerValuesPublic)
def read_values(
    conn: ConnectionDep,
    dimension: Annotated[Dimension, Query(description="a dimension or tag:<key>")],
    q: Annotated[
        str | None, Query(max_length=200, description="part of the value or its label")
    ] = None,
    start: Annotated[Day | None, Query(description="first day of the data range")] = None,
    end: Annotated[Day | None, Query(description="last day of the data range")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="values at most")] = 100,
) -> ExplorerValuesPublic:
    """The distinct values of a dimension in the data (optionally in [start, end]), with their
    labels (account names for ``account_id``), sorted; '' is the missing value."""
    if start is not None and end is not None and start > end:
        raise InvalidParameterError(f"start {start} is after end {end}", param="start")
    name = parse_dimension(dimension, param="dimension")
    found = dimension_values(
        conn, dimension=name, search=q or None, limit=limit, start=start, end=end
    )
    return ExplorerValuesPublic(
        dimension=name,
        values=[ExplorerValuePublic(value=v.value or "", label=v.label) for v in found],
    )
