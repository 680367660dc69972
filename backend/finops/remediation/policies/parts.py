"""The parts of a remediation policy: scope, exclusions, maintenance window and approval, each a
frozen pydantic model that refuses unknown keys."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from finops.errors import InvalidParameterError

OPT_OUT_TAG = "finops:exclude"
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Strict(BaseModel):
    """A policy part: frozen, and unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _decimal_text(value: Any) -> Any:
    """Money is written as text (``"50.00"``): YAML would read ``50.10`` as a float."""
    if isinstance(value, float):
        raise ValueError(f"write money as quoted decimal text (e.g. '{value}'), not a number")
    return value


def _clock(value: Any) -> Any:
    """Times are quoted ``"HH:MM"``: YAML 1.1 reads an unquoted ``22:00`` as the number 1320."""
    if not isinstance(value, str):
        raise ValueError(f"write a time as quoted 'HH:MM', got {value!r}")
    return value


def _account_ids(values: Any) -> Any:
    """Account ids are quoted 12-digit text: YAML reads ``012345678901`` as a number."""
    if isinstance(values, list):
        for value in values:
            if not (isinstance(value, str) and len(value) == 12 and value.isdigit()):
                raise ValueError(f"write account ids as quoted 12-digit text, got {value!r}")
    return values


class Scope(Strict):
    """Where a policy applies; an empty list means every account (or region). ``tags``: each
    key must be on the resource with one of the allowed values."""

    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    tags: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    _quoted_accounts = field_validator("accounts", mode="before")(_account_ids)

    @field_validator("tags")
    @classmethod
    def _values_listed(cls, tags: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, allowed in tags.items():
            if not allowed:
                raise ValueError(f"tag {key!r}: list at least one allowed value")
        return tags

    def summary(self) -> str:
        parts = [
            "accounts " + (",".join(self.accounts) or "all"),
            "regions " + (",".join(self.regions) or "all"),
        ]
        parts += [f"{k} in {','.join(v)}" for k, v in self.tags.items()]
        return "; ".join(parts)


class Exclusions(Strict):
    """Resources a policy never touches: those carrying the opt-out tag (any value) and the
    listed resource ids."""

    opt_out_tag: str = Field(default=OPT_OUT_TAG, min_length=1)
    resource_ids: tuple[str, ...] = ()


class Window(Strict):
    """When changes may run: on ``days`` from ``start`` to ``end`` (``end`` before ``start``
    spans midnight into the next day), in ``timezone`` (an IANA name; default UTC)."""

    days: tuple[Weekday, ...] = WEEKDAYS
    start: time
    end: time
    timezone: str = "UTC"

    _clock_text = field_validator("start", "end", mode="before")(_clock)

    @field_validator("start", "end")
    @classmethod
    def _local_clock(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise ValueError("give the zone in timezone, not in the time")
        return value

    @field_validator("days")
    @classmethod
    def _some_days(cls, days: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not days:
            raise ValueError("list at least one day")
        return days

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r} (use an IANA name)") from None
        return name

    @model_validator(mode="after")
    def _not_empty(self) -> Window:
        if self.start == self.end:
            raise ValueError("start and end are equal: the window would be empty")
        return self

    def contains(self, now: datetime) -> bool:
        """Whether ``now`` (timezone-aware) falls in the window: ``start`` inclusive, ``end``
        exclusive; an overnight window belongs to the day it starts on."""
        if now.tzinfo is None:
            raise InvalidParameterError("now: a timezone-aware datetime is required")
        local = now.astimezone(ZoneInfo(self.timezone))
        clock, today = local.time().replace(tzinfo=None), WEEKDAYS[local.weekday()]
        if self.start < self.end:
            return today in self.days and self.start <= clock < self.end
        yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
        return (today in self.days and clock >= self.start) or (
            yesterday in self.days and clock < self.end
        )

    def summary(self) -> str:
        return f"{','.join(self.days)} {self.start:%H:%M}-{self.end:%H:%M} {self.timezone}"


class AutoConditions(Strict):
    """What must all hold for a proposal to be approved without a person."""

    max_estimated_monthly_savings: Decimal | None = Field(default=None, ge=0)
    account_tags: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    _money_text = field_validator("max_estimated_monthly_savings", mode="before")(_decimal_text)


class Approval(Strict):
    """``manual`` (default): a person approves each proposal. ``auto``: approved without one
    when every condition holds, and only then."""

    mode: Literal["manual", "auto"] = "manual"
    conditions: AutoConditions | None = None

    @model_validator(mode="after")
    def _conditions_fit_mode(self) -> Approval:
        given = self.conditions is not None and (
            self.conditions.max_estimated_monthly_savings is not None
            or self.conditions.account_tags
        )
        if self.mode == "auto" and not given:
            raise ValueError("mode auto needs explicit conditions (a savings cap, account tags)")
        if self.mode == "manual" and self.conditions is not None:
            raise ValueError("conditions apply only to mode auto")
        return self

    def describe(self) -> str:
        """The mode and its conditions in words (what an audit row says of an auto approval)."""
        if self.mode == "manual" or self.conditions is None:
            return "manual"
        parts = []
        cap = self.conditions.max_estimated_monthly_savings
        if cap is not None:
            parts.append(f"estimated monthly savings <= {cap}")
        parts += [
            f"account tag {key} in {','.join(values)}"
            for key, values in self.conditions.account_tags.items()
        ]
        return "auto when " + " and ".join(parts)
