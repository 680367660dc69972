"""Daily cost cube: the warehouse's cost rows (``finops.warehouse.cost_rows``) at day × account ×
service × region × usage type × resource × cost-allocation tags, in memory, and the series of
every scope. Anomaly detection, forecasts, budgets and their evaluations all read it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from finops.warehouse.cost_rows import read_cost_rows
from finops.warehouse.metrics import BILLED_COST

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_TAG_KEYS = ("team", "cost-center")

# Scopes watched by default: (scope kind, dimensions that define it).
SCOPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("total", ()),
    ("account", ("account",)),
    ("service", ("service",)),
    ("account_service", ("account", "service")),
    ("region", ("region",)),
    ("usage_type", ("usage_type",)),
    ("resource", ("resource",)),
)

# How specific a dimension is (root cause ordering: the most specific dominant entry first).
SPECIFICITY = {"resource": 5, "usage_type": 4, "service": 3, "region": 2, "account": 1}


def normalise_tag_key(key: str) -> str:
    """``user:cost_center``, ``user_cost-center``, ``Cost Center`` → ``cost-center``."""
    key = re.sub(r"^(user|aws)[:_]", "", key.strip().lower())
    return re.sub(r"[\s_]+", "-", key)


def tag_dimension(key: str) -> str:
    return f"tag:{normalise_tag_key(key)}"


def scopes_with_tags(tag_keys: Sequence[str]) -> list[tuple[str, tuple[str, ...]]]:
    tags = [(tag_dimension(k), (tag_dimension(k),)) for k in tag_keys]
    return [*SCOPES, *tags]


@dataclass(slots=True)
class CostCube:
    """Cost rows as columns. ``day`` indexes ``days`` (contiguous, first to last); every
    dimension is stored as integer codes into its vocabulary (code 0 is the empty value)."""

    days: list[date]
    day: IntArray
    cost: FloatArray
    exact: list[Decimal]
    codes: dict[str, IntArray]
    vocab: dict[str, list[str]]

    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[date, Mapping[str, str | None], Decimal]],
        *,
        start: date,
        end: date,
    ) -> CostCube:
        """``rows``: (day, {dimension: value}, cost) with day in [start, end)."""
        days = [start + timedelta(days=i) for i in range((end - start).days)]
        day_idx: list[int] = []
        exact: list[Decimal] = []
        codes: dict[str, list[int]] = {}
        lookup: dict[str, dict[str, int]] = {}
        for count, (day, dims, amount) in enumerate(rows):
            day_idx.append((day - start).days)
            exact.append(amount)
            for name, value in dims.items():
                table = lookup.get(name)
                if table is None:
                    table = lookup[name] = {"": 0}
                    codes[name] = [0] * count
                column = codes[name]
                column.append(table.setdefault(value or "", len(table)))
            for column in codes.values():
                if len(column) <= count:  # a dimension this row does not have
                    column.append(0)
        return cls(
            days=days,
            day=np.asarray(day_idx, dtype=np.int64),
            cost=np.asarray([float(a) for a in exact], dtype=np.float64),
            exact=exact,
            codes={k: np.asarray(v, dtype=np.int64) for k, v in codes.items()},
            vocab={k: list(t) for k, t in lookup.items()},
        )

    @property
    def dimensions(self) -> list[str]:
        return list(self.codes)

    def keys(self, dims: Sequence[str]) -> tuple[list[tuple[str, ...]], IntArray]:
        """Distinct value tuples of ``dims`` (sorted) and each row's index into them."""
        if not dims:
            return [()], np.zeros(self.day.size, dtype=np.int64)
        if any(d not in self.codes for d in dims):
            return [], np.full(self.day.size, -1, dtype=np.int64)
        combined = np.zeros(self.day.size, dtype=np.int64)
        for d in dims:
            combined = combined * len(self.vocab[d]) + self.codes[d]
        uniq, inverse = np.unique(combined, return_inverse=True)
        keys: list[tuple[str, ...]] = []
        for value in uniq.tolist():
            parts: list[str] = []
            for d in reversed(dims):
                value, code = divmod(value, len(self.vocab[d]))
                parts.append(self.vocab[d][code])
            keys.append(tuple(reversed(parts)))
        order = sorted(range(len(keys)), key=lambda i: keys[i])
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))
        return [keys[i] for i in order], rank[inverse.astype(np.int64)]

    def series(
        self, dims: Sequence[str], rows: npt.NDArray[np.bool_] | None = None
    ) -> tuple[list[tuple[str, ...]], FloatArray]:
        """(keys, matrix keys × days) of daily cost grouped by ``dims`` (optionally some rows)."""
        if rows is not None:
            sub = self.subset(rows)
            return sub.series(dims)
        keys, inverse = self.keys(dims)
        matrix = np.zeros((len(keys), len(self.days)))
        mask = inverse >= 0
        np.add.at(matrix, (inverse[mask], self.day[mask]), self.cost[mask])
        return keys, matrix

    def subset(self, rows: npt.NDArray[np.bool_]) -> CostCube:
        chosen = np.nonzero(rows)[0]
        return CostCube(
            days=self.days,
            day=self.day[chosen],
            cost=self.cost[chosen],
            exact=[self.exact[i] for i in chosen.tolist()],
            codes={k: v[chosen] for k, v in self.codes.items()},
            vocab=self.vocab,
        )

    def select(self, scope: Mapping[str, str]) -> npt.NDArray[np.bool_]:
        """Rows inside a scope given as {dimension: value}."""
        mask = np.ones(self.day.size, dtype=bool)
        for name, value in scope.items():
            if name not in self.codes or value not in self.vocab[name]:
                return np.zeros(self.day.size, dtype=bool)
            mask &= self.codes[name] == self.vocab[name].index(value)
        return mask

    def exact_total(self, rows: npt.NDArray[np.bool_], first: int, last: int) -> Decimal:
        """Exact (decimal) cost of the selected rows on days ``first..last`` (indices)."""
        chosen = np.nonzero(rows & (self.day >= first) & (self.day <= last))[0]
        return sum((self.exact[i] for i in chosen.tolist()), Decimal(0))


def load_cube(
    conn: Connection,
    *,
    start: date,
    end: date,
    metric: str = BILLED_COST,
    tag_keys: Sequence[str] = (),
) -> CostCube:
    """Daily cost rows for [start, end) with the tag keys as ``tag:<key>`` dimensions."""
    wanted = {normalise_tag_key(k): tag_dimension(k) for k in tag_keys}
    result = read_cost_rows(conn, start=start, end=end, metric=metric)

    def rows() -> Iterator[tuple[date, Mapping[str, str | None], Decimal]]:
        for day, account, service, region, usage_type, resource, tags, cost in result:
            dims: dict[str, str | None] = {
                "account": account,
                "service": service,
                "region": region,
                "usage_type": usage_type,
                "resource": resource,
            }
            for name in wanted.values():
                dims[name] = None
            for key, value in _tag_items(tags):
                dimension = wanted.get(normalise_tag_key(key))
                if dimension is not None:
                    dims[dimension] = value
            yield day, dims, cost

    return CostCube.from_rows(rows(), start=start, end=end)


def _tag_items(tags: Any) -> list[tuple[str, str]]:
    if not isinstance(tags, dict):
        return []
    return [(str(k), str(v)) for k, v in sorted(tags.items()) if v is not None]
