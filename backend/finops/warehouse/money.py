"""Money: amounts are ``Decimal``; a computed amount (from a float model) is rounded to the cent
half up, once, where it is stored or shown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: float) -> Decimal:
    """A float amount (a model's output) as Decimal cents, rounded half up from its shortest
    exact representation (``repr``), so 0.125 is 0.13 and not 0.12."""
    return Decimal(repr(float(value))).quantize(CENT, ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    """An exact amount rounded half up to the cent."""
    return value.quantize(CENT, ROUND_HALF_UP)
