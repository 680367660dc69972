"""The DuckDB type money and quantities are staged in, defined once for every format."""

from __future__ import annotations

# 20 decimal places hold every value exports carry (FOCUS files: up to 15; CUR parquet doubles:
# their shortest round-trip text) and 18 integer digits any bill needs
MONEY = "DECIMAL(38, 20)"
