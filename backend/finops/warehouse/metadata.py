"""The one SQLAlchemy ``MetaData`` of the warehouse schema ``finops``.

Migrations own every table and view; ``finops.warehouse.tables`` describes them on this
``MetaData`` (columns and types as the migrated database has them, checked by
``tests/warehouse/test_metadata.py``), so queries are built by SQLAlchemy Core with bound
parameters and a renamed column is caught by one test rather than by a failing page."""

from __future__ import annotations

from sqlalchemy import MetaData

SCHEMA = "finops"

metadata = MetaData(schema=SCHEMA)
