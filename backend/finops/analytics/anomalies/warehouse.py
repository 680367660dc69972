"""Former home of the cost-cube reader; ``finops.analytics.cli`` still imports it from here.

The cost rows live in ``finops.warehouse.cost_rows`` and the cube in ``finops.analytics.cube``;
this module goes when the job code moves to ``finops.jobs`` (issue 14)."""

from finops.analytics.cube import load_cube
from finops.warehouse.cost_rows import data_bounds

__all__ = ["data_bounds", "load_cube"]
