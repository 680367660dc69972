"""A cost breakdown question (``finops.analytics.cost_query``): its dimensions, granularity
and :class:`CostQuery`, and how a dimension given as text is checked. Shared by the query
layer and the relations that answer it (``cost_sources``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from finops.errors import InvalidParameterError
from finops.warehouse.metrics import CostMetric

TAG_PREFIX = "tag:"


class Granularity(StrEnum):
    daily = "daily"
    monthly = "monthly"


class CostDimension(StrEnum):
    account_id = "account_id"
    service_name = "service_name"
    service_category = "service_category"
    region_id = "region_id"
    charge_category = "charge_category"
    usage_type = "usage_type"  # x_usage_type


COLUMNS: dict[str, str] = {
    CostDimension.account_id: "sub_account_id",
    CostDimension.service_name: "service_name",
    CostDimension.service_category: "service_category",
    CostDimension.region_id: "region_id",
    CostDimension.charge_category: "charge_category",
    CostDimension.usage_type: "x_usage_type",
}
"""Dimension -> its column in ``costs`` and in the rollups."""


def tag_key(dimension: str) -> str | None:
    return dimension[len(TAG_PREFIX) :] if dimension.startswith(TAG_PREFIX) else None


MAX_GROUP_BY = 2


class InvalidDimensionError(InvalidParameterError):
    """A dimension (group by or filter) that is not one of :class:`CostDimension` or
    ``tag:<key>``; ``param`` names the request parameter it came from."""

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


def parse_dimension(text: str, *, param: str = "group_by") -> str:
    """``text`` as a dimension: a :class:`CostDimension` value or ``tag:<key>``."""
    value = text.strip()
    if value in CostDimension.__members__:
        return value
    if value.startswith(TAG_PREFIX) and value[len(TAG_PREFIX) :].strip():
        return TAG_PREFIX + value[len(TAG_PREFIX) :].strip()
    allowed = ", ".join(d.value for d in CostDimension)
    raise InvalidDimensionError(
        f"{param}: {text!r} is not a dimension; use one of {allowed} or tag:<key>", param=param
    )


@dataclass(frozen=True)
class CostQuery:
    start: date  # first day, inclusive
    end: date  # last day, inclusive
    granularity: Granularity = Granularity.monthly
    group_by: tuple[str, ...] = ()  # 0..2 of CostDimension values or "tag:<key>"
    # dimension -> allowed values ("" = missing/untagged)
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    metric: CostMetric = CostMetric.billed_cost

    def checked(self) -> CostQuery:
        """The query with its dimensions parsed; raises ``InvalidParameterError`` naming the
        parameter at fault."""
        if self.end < self.start:
            raise InvalidParameterError(
                f"start {self.start} is after end {self.end}: give start <= end"
            )
        group_by = tuple(parse_dimension(d, param="group_by") for d in self.group_by)
        if len(group_by) > MAX_GROUP_BY or len(set(group_by)) != len(group_by):
            raise InvalidDimensionError(
                f"group_by: give at most {MAX_GROUP_BY} different dimensions, got "
                f"{', '.join(self.group_by)}",
                param="group_by",
            )
        filters = {
            parse_dimension(k, param=k): tuple(v) for k, v in self.filters.items() if len(v) > 0
        }
        return CostQuery(
            start=self.start,
            end=self.end,
            granularity=Granularity(self.granularity),
            group_by=group_by,
            filters=filters,
            metric=CostMetric(self.metric),
        )
