"""``ground_truth.json``: every planted situation, with impacts measured from the generated bill.

- ``impacts``: impacts only the bill can tell (anomalies, unused commitments) and each
  optimization's impact at the effective price.
- ``sizing``: the size each oversized instance fits, from its simulated utilization.
- ``budget``: the budget-overrun situation set from the last month's spend.
- ``document``: the JSON document and ``write_ground_truth``.
"""
