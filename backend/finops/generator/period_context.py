"""What every line item of one billing period of one export shares: the period, the payer and
the invoice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from finops.generator.timeline import Period, to_datetime


@dataclass(frozen=True, slots=True)
class PeriodContext:
    """Values that are constant over one billing period of one export."""

    period: Period
    payer_id: str
    payer_name: str
    invoice_id: str

    @property
    def start_s(self) -> int:
        return int(to_datetime(self.period.start).timestamp())

    @property
    def end_s(self) -> int:
        return int(to_datetime(self.period.end).timestamp())


def invoice_id(seed: int, label: str) -> str:
    digest = hashlib.sha256(f"invoice|{seed}|{label}".encode()).digest()
    return str(2_000_000_000 + int.from_bytes(digest[:4], "little") % 900_000_000)
