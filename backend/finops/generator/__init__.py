"""Deterministic demo estate generator: a simulated AWS organisation whose billing exports
(CUR 2.0, legacy CUR, FOCUS 1.2), utilization metrics and inventory agree, plus the ground
truth of every situation planted in it."""

from finops.generator.api import generate
from finops.generator.options import GenerateOptions, GeneratorError
from finops.generator.results import BillingTotals, GenerateResult

__all__ = ["BillingTotals", "GenerateOptions", "GenerateResult", "GeneratorError", "generate"]
