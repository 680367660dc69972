"""The simulated AWS organisation: accounts, resources with lifecycles and workload profiles,
commitments, cost anomalies, and the situations planted in it (the ground truth).

Everything is drawn from one ``numpy`` generator seeded with the options' seed, in a fixed order,
so the same options always give the same estate.

- ``model``: what an estate is made of (dataclasses only).
- ``factory``: identifiers, tags, lifecycles and one factory per resource kind.
- ``builder``: the estate under construction, its ordinary workload and the situation record.
- ``plant_*``: one function per planted situation kind, grouped by concern.
- ``build``: ``build_estate``, which runs them in order.
"""
