"""Recognise a billing file's format from its columns, and name its columns canonically.

- ``cur2``: AWS Data Exports CUR 2.0 (underscore names, ``product`` and ``resource_tags`` maps)
- ``cur``: legacy CUR, with ``lineItem/UnblendedCost`` names or the Athena spelling
  ``line_item_unblended_cost``, tags as one column per key
- ``focus``: FOCUS 1.0–1.2 (``BilledCost``, ``ChargePeriodStart`` …) from any provider
- ``azure``, ``gcp``, ``oci``: providers' native exports (``providers/``), mapped to FOCUS
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from finops.errors import IngestError
from finops.ingest.billing.providers.detect import NATIVE_FORMATS, native_format

FORMATS = ("cur2", "cur", "focus", *NATIVE_FORMATS)

_CAMEL_BOUNDARY = re.compile(r"(?<!^)(?=[A-Z])")


def athena_name(column: str) -> str:
    """``lineItem/UnblendedCost`` -> ``line_item_unblended_cost`` (AWS's Athena rule: an
    underscore before every capital, so ``reservation/ReservationARN`` ->
    ``reservation_reservation_a_r_n``); names already in that spelling are unchanged."""
    if "/" not in column:
        return column.strip().lower()
    category, name = column.split("/", 1)
    return f"{_snake(category)}_{_snake(name)}"


def _snake(part: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", part.strip()).lower()


def focus_name(column: str) -> str:
    """``BilledCost`` -> ``billed_cost``; ``x_Custom`` keeps its case (custom columns)."""
    if column.startswith("x_"):
        return column
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", column.strip()).lower()


@dataclass(frozen=True)
class FileColumns:
    """A file's format and its columns: canonical name -> the name in the file."""

    source_format: str
    columns: dict[str, str]
    tag_columns: dict[str, str]  # tag key as the provider spells it -> column in the file
    types: dict[str, str]  # column in the file -> DuckDB type


def classify(path: str, names_and_types: list[tuple[str, str]]) -> FileColumns:
    """Decide the format of one file from its columns, or raise naming the file."""
    names = [n for n, _ in names_and_types]
    types = dict(names_and_types)
    if {"BilledCost", "ChargePeriodStart"} <= set(names) or {"billedcost", "chargeperiodstart"} <= {
        n.lower() for n in names
    }:
        columns = {focus_name(n): n for n in names}
        return FileColumns("focus", columns, {}, types)
    native = native_format(names)
    if native == "gcp":
        return FileColumns(native, {n: n for n in names}, {}, types)
    if native is not None:  # azure, oci: names matched case-insensitively
        oci_tags = {n.split("/", 1)[1]: n for n in names if n.lower().startswith("tags/")}
        return FileColumns(native, {n.strip().lower(): n for n in names}, oci_tags, types)
    if "line_item_unblended_cost" in names and ("product" in names or "billing_period" in names):
        return FileColumns("cur2", {n: n for n in names}, {}, types)
    canonical = {athena_name(n): n for n in names}
    if "line_item_unblended_cost" in canonical:
        tags: dict[str, str] = {}
        for original in names:
            if original.startswith("resourceTags/"):
                tags[original.split("/", 1)[1]] = original
            elif original.startswith("resource_tags_"):
                tags[original[len("resource_tags_") :]] = original
        return FileColumns("cur", canonical, tags, types)
    raise IngestError(
        f"{path}: not a recognised billing export (no CUR line_item_unblended_cost / "
        f"lineItem/UnblendedCost column, no FOCUS BilledCost + ChargePeriodStart columns, and "
        f"not an Azure, Google Cloud or OCI native export); "
        f"first columns: {', '.join(names[:8])}"
    )
