"""Types shared by the response and request models: money and percentages as decimal strings
(never floats), and decimals accepted as text or exact integers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

DECIMAL_STRING = PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="always")
"""A decimal written out in full as a JSON string (``"1200.50"``, never ``1.2005E+3``)."""

Money = Annotated[Decimal, DECIMAL_STRING]
"""An amount of money as a decimal string, at the precision the warehouse holds."""

Percent = Annotated[Decimal, DECIMAL_STRING]
"""A percentage as a decimal string (e.g. ``"37.25"``), for figures that must add up exactly."""


def decimal_text(pattern: str, below: int, what: str) -> Any:
    """A positive decimal sent as a JSON string matching ``pattern`` or as a JSON integer below
    ``below`` (money and percentages never travel as binary floats; integers stay below 2^53,
    where every JSON reader still reads them exactly); the OpenAPI schema publishes both
    forms."""
    compiled = re.compile(pattern)

    def parse(value: object) -> Decimal:
        if isinstance(value, float) and value.is_integer():  # 12.0 is a JSON integer too
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < below:
            return Decimal(value)
        if isinstance(value, str) and compiled.match(value):
            return Decimal(value)
        raise ValueError(f'{what}, written as a decimal string such as "120.50" or an integer')

    return [
        BeforeValidator(parse),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": pattern},
                    {"type": "integer", "minimum": 1, "maximum": below - 1},
                ]
            }
        ),
    ]


def _whole_number(value: object) -> object:
    """A JSON integer (``300`` or ``300.0``, as JSON Schema counts them), not a string or bool."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("must be a whole number")


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
