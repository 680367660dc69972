"""The list machinery of the resource routes: ``limit``/``offset`` paging, ``sort`` validated
against the list's own columns, and ``format`` (json | csv | parquet).

A list is one SQLAlchemy Core ``Select`` whose column labels are the response model's field
names. :func:`answer_list` answers it: as JSON, one page ``{"items", "total", "limit",
"offset"}``; as CSV or Parquet, every matching row read from a server-side cursor
(``stream_results``) and written as it comes (``finops.api.downloads``), never the whole list
in memory. Row-level security has already scoped the request's connection."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, StringConstraints
from sqlalchemy import ColumnElement, Connection, Select, func, select

from finops.api.downloads import ListFormat, download_response
from finops.api.params import BILLING_PERIOD_PATTERN, MAX_BIGINT
from finops.errors import InvalidParameterError

M = TypeVar("M", bound=BaseModel)
STREAM_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class ListParams:
    limit: int
    offset: int
    sort: str | None
    format: ListFormat


def list_params_for(model: type[BaseModel]) -> Callable[..., ListParams]:
    """The ``limit``/``offset``/``sort``/``format`` dependency of a list of ``model``: ``sort``
    is one of its fields, ``-field`` for descending (the OpenAPI pattern says which)."""
    fields = sorted(model.model_fields)
    pattern = "^-?(" + "|".join(re.escape(f) for f in fields) + ")$"

    def list_params(
        limit: Annotated[int, Query(ge=1, le=1000, description="rows per page (JSON)")] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_BIGINT, description="rows to skip (JSON)")] = 0,
        sort: str | None = None,
        format: Annotated[
            ListFormat,
            Query(description="json (one page), or csv / parquet: every matching row, no paging"),
        ] = ListFormat.json,
    ) -> ListParams:
        return ListParams(limit=limit, offset=offset, sort=sort, format=format)

    # a real annotation (this module's annotations are strings, and FastAPI cannot resolve a
    # string naming this function's locals)
    list_params.__annotations__["sort"] = Annotated[
        str | None,
        Query(
            description=f"a column of the list ({', '.join(fields)}), `-column` for descending "
            "(default: the list's own order)",
            pattern=pattern,
        ),
    ]
    return list_params


FilterValue = Annotated[str, StringConstraints(min_length=1, max_length=256)]


Values = list[FilterValue] | None
"""A repeatable filter parameter (``?account_id=1&account_id=2``): any of the values."""
AccountIdsQuery = Annotated[
    Values, Query(description="account (sub account) id; repeat for several", max_length=100)
]
BillingPeriodQuery = Annotated[
    str | None,
    Query(
        description="billing period as YYYY-MM (default: every period)",
        json_schema_extra={"pattern": BILLING_PERIOD_PATTERN},
    ),
]
RegionIdsQuery = Annotated[
    Values, Query(description="region id; repeat for several", max_length=100)
]


class ListPublic(BaseModel, Generic[M]):
    """One page of a list: ``total`` counts every matching row."""

    items: list[M]
    total: int
    limit: int
    offset: int


def order_by(
    sort: str | None, *, columns: Sequence[ColumnElement[object]], default: Sequence[str]
) -> list[ColumnElement[object]]:
    """The ORDER BY of ``sort`` (``field`` or ``-field``, one of ``columns``' names), then the
    list's ``default`` order (``-name`` descending) to make every page deterministic; an
    unknown field is a 422 naming ``sort`` and the fields there are."""
    by_name = {str(c.key): c for c in columns}
    wanted = [] if sort is None else [sort]
    order: list[ColumnElement[object]] = []
    for spec in (*wanted, *default):
        name = spec.removeprefix("-")
        column = by_name.get(name)
        if column is None:
            raise InvalidParameterError(
                f"sort: no column {name!r} in this list; sort by one of "
                f"{', '.join(sorted(by_name))} (prefix '-' for descending)",
                param="sort",
            )
        order.append(column.desc().nulls_last() if spec.startswith("-") else column.asc())
    return order


def _models(rows: Iterator[object], model: type[M]) -> Iterator[M]:
    for row in rows:
        yield model.model_validate(row._mapping)  # type: ignore[attr-defined]


def answer_list(
    conn: Connection,
    *,
    query: Select[tuple[object, ...]],
    model: type[M],
    params: ListParams,
    default_sort: Sequence[str],
    name: str,
) -> ListPublic[M] | StreamingResponse:
    """``query`` answered as ``params`` ask (see the module docstring); ``name`` names the
    download (``name.csv``)."""
    rows = query.subquery("listed")
    ordered = select(rows).order_by(
        *order_by(params.sort, columns=list(rows.c), default=default_sort)
    )
    if params.format is not ListFormat.json:
        result = conn.execution_options(stream_results=True, yield_per=STREAM_BATCH).execute(
            ordered
        )
        return download_response(
            params.format, name=name, model=model, rows=_models(iter(result), model)
        )
    total = conn.execute(select(func.count()).select_from(rows)).scalar_one()
    page = conn.execute(ordered.limit(params.limit).offset(params.offset))
    return ListPublic[model](  # type: ignore[valid-type]
        items=list(_models(iter(page), model)),
        total=total,
        limit=params.limit,
        offset=params.offset,
    )


def answer_rows(
    rows: Sequence[M],
    *,
    model: type[M],
    params: ListParams,
    default_sort: Sequence[str],
    name: str,
) -> ListPublic[M] | StreamingResponse:
    """A short list computed in Python (a row per tag key) answered like :func:`answer_list`:
    sorted by ``sort`` then the default order, nulls last, paged or downloaded."""
    fields = list(model.model_fields)
    specs = [*([] if params.sort is None else [params.sort]), *default_sort]
    for spec in specs:
        if spec.removeprefix("-") not in fields:
            raise InvalidParameterError(
                f"sort: no column {spec.removeprefix('-')!r} in this list; sort by one of "
                f"{', '.join(sorted(fields))} (prefix '-' for descending)",
                param="sort",
            )
    ordered = list(rows)
    for spec in reversed(specs):  # stable sorts, the least significant key first
        name_ = spec.removeprefix("-")
        present = [r for r in ordered if getattr(r, name_) is not None]
        missing = [r for r in ordered if getattr(r, name_) is None]
        present.sort(key=lambda r: getattr(r, name_), reverse=spec.startswith("-"))
        ordered = present + missing
    if params.format is not ListFormat.json:
        return download_response(params.format, name=name, model=model, rows=ordered)
    page = ordered[params.offset : params.offset + params.limit]
    return ListPublic[model](  # type: ignore[valid-type]
        items=page,
        total=len(ordered),
        limit=params.limit,
        offset=params.offset,
    )
