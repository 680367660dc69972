"""The generator closing the loop (issue 17): the actions executed against a generated estate,
read from the warehouse, billed into the following period(s) with those changes in effect, and
the ground truth of each action's realized savings (``savings_truth.json``).

- ``actions``: ``ExecutedAction`` (read from the remediation log) and ``OwnerChange`` (what an
  owner did besides: restarted a stopped instance, grew the usage, bought a Savings Plan).
- ``worlds``: an estate with a set of changes in effect from given hours.
- ``truth``: realized savings per action = what the bill went down by, against the same
  estate without that action.
- ``run``: ``continue_estate`` (``finops generate next-period``).
"""
