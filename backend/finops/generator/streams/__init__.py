"""Usage streams: every billable meter of every resource, plus one pseudo-stream per kind of
non-usage charge (RI fee, Savings Plan fee, tax, support, credit, refund).

A stream carries the static attributes of its CUR line items (account, product, usage type,
resource id, tags …) in an Arrow table, and its numeric model (rate, amount model, lifecycle,
workload shape) in numpy arrays, so billing can produce a day of lines with array operations.

- ``model``: line item types, amount models, ``StreamSpec`` and the packed ``Streams``.
- ``factory``: ``StreamFactory``, which adds a stream for a resource or a charge.
- ``meters``: the meters of each resource kind.
- ``build``: ``build_streams``, the charges' pseudo-streams and the packing into arrays.
- ``table``: the Arrow table of the streams' static attributes.
"""
