"""Former home of the cost cube; ``finops.analytics.cli`` still imports ``DEFAULT_TAG_KEYS``
from here. The cube lives in ``finops.analytics.cube``; this module goes when the job code moves
to ``finops.jobs`` (issue 14)."""

from finops.analytics.cube import DEFAULT_TAG_KEYS

__all__ = ["DEFAULT_TAG_KEYS"]
