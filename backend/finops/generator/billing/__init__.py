"""Billing: turns the estate's streams into line items, in integer money.

- ``batch``: ``LineBatch`` (line items as columns), money helpers and running totals.
- ``engine``: ``BillingEngine``, one day of hourly usage at a time with reservations and savings
  plans applied.
- ``monthly``: the monthly charges and a restatement's lines.
"""
