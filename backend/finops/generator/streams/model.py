"""What a stream is: line item types, amount models, ``StreamSpec`` (one stream before packing)
and ``Streams`` (all of them as arrays), with the money scale every cost is counted in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum

import numpy as np
import numpy.typing as npt
import pyarrow as pa

COST_SCALE = 10**8  # costs are integers of 1e-8 dollars
NEVER = 2**40  # "not terminated" hour


class LineType(IntEnum):
    USAGE = 0
    DISCOUNTED_USAGE = 1
    SP_COVERED_USAGE = 2
    SP_NEGATION = 3
    SP_RECURRING_FEE = 4
    RI_FEE = 5
    FEE = 6
    TAX = 7
    CREDIT = 8
    REFUND = 9


LINE_TYPE_NAMES: tuple[str, ...] = (
    "Usage",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "SavingsPlanRecurringFee",
    "RIFee",
    "Fee",
    "Tax",
    "Credit",
    "Refund",
)


class Model(IntEnum):
    HOURS = 0  # 1 unit per active hour
    GB_MONTH = 1  # base GB prorated per hour of the month
    VARIABLE = 2  # base × workload shape × anomaly
    STORAGE = 3  # base GB × growth × anomaly, prorated per hour of the month
    CHARGE = 4  # a non-usage charge computed by billing


@dataclass(slots=True)
class StreamSpec:
    """Everything about one stream, before it is packed into arrays."""

    account_id: str
    account_name: str
    region: str
    az: str
    product_code: str
    servicecode: str
    usage_type: str
    operation: str
    resource_id: str
    product_family: str
    pricing_unit: str
    description: str
    rate: Decimal
    model: Model
    base: float
    launch: int
    terminate: int
    tags: dict[str, str]
    product: dict[str, str]
    native_type: LineType = LineType.USAGE
    schedule: int = 0
    diurnal: float = 0.0
    weekend: float = 1.0
    noise: float = 0.0
    growth: float = 0.0
    anomaly: int = -1
    usage_kind: str = ""
    instance_type: str = ""
    normalization_factor: float = 0.0
    sp_eligible: bool = False
    owner: str = ""  # reservation / savings plan ARN for fee streams


@dataclass(frozen=True, slots=True)
class ChargeStreams:
    """The index of each non-usage charge's pseudo-stream."""

    ri_fee: dict[str, int]  # reservation ARN -> stream
    sp_fee: dict[str, int]  # savings plan ARN -> stream
    tax: dict[tuple[str, str], int]  # (account, product code) -> stream
    support: int
    credit: int
    refund: int
    domain_fee: int


@dataclass(slots=True)
class Streams:
    specs: list[StreamSpec]
    static: pa.Table
    rate_units: npt.NDArray[np.float64]  # dollars-per-unit × COST_SCALE
    model: npt.NDArray[np.int8]
    base: npt.NDArray[np.float64]
    launch: npt.NDArray[np.int64]
    terminate: npt.NDArray[np.int64]
    schedule: npt.NDArray[np.int8]
    diurnal: npt.NDArray[np.float64]
    weekend: npt.NDArray[np.float64]
    noise: npt.NDArray[np.float64]
    growth: npt.NDArray[np.float64]
    anomaly: npt.NDArray[np.int32]
    key: npt.NDArray[np.uint64]
    type_code: npt.NDArray[np.int32]  # EC2 instance (region, type) code for RI matching, else -1
    sp_eligible: npt.NDArray[np.bool_]
    account_code: npt.NDArray[np.int32]
    product_code_index: npt.NDArray[np.int32]
    usage_streams: npt.NDArray[np.int64]  # indices of streams with a usage model
    type_codes: dict[tuple[str, str], int]
    account_ids: list[str]
    product_codes: list[str]
    charges: ChargeStreams

    def __len__(self) -> int:
        return len(self.specs)


MAP_TYPE = pa.map_(pa.string(), pa.string())
