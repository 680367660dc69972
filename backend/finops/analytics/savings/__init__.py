"""The savings tracker: realized savings of each executed remediation and each finding fixed
outside the platform, measured from the bills that arrive after the change (docs/savings.md).

- ``subjects``: what is measured (executed proposals; findings fixed outside the platform);
- ``bills``: what is read from the bill (a resource's daily cost in both views and its usage,
  the account's billed days, the loads under a window);
- ``measure``: windows, daily averages, realized monthly savings, confidence and status (pure);
- ``store``: the ``savings_measurements`` rows; ``engine``: a run over every subject;
- ``rollups``: realized vs estimated by month, account, cost center, action and policy.
"""
