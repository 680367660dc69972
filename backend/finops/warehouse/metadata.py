"""The one SQLAlchemy ``MetaData`` of the warehouse schema ``finops``.

Migrations own every table and view; ``finops.warehouse.tables`` describes them on this
``MetaData`` (columns and types as the migrated database has them, checked by
``tests/warehouse/test_metadata.py``), so queries are built by SQLAlchemy Core with bound
parameters and a renamed column is caught by one test rather than by a failing page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, MetaData, Table

SCHEMA = "finops"

metadata = MetaData(schema=SCHEMA)


def view_columns(table: Table, *, without: Iterable[str] = ()) -> list[Column[Any]]:
    """The columns of a view that selects ``table``'s columns as they are (all but ``without``),
    so the view is described by its table rather than a second list."""
    skipped = set(without)
    return [Column(c.name, c.type) for c in table.columns if c.name not in skipped]
