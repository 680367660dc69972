"""The warehouse as the code sees it: one description of every table and view (``metadata``,
``tables``), the cost metrics (``metrics``), the daily cost rows that anomalies, forecasts and
budgets read (``cost_rows``), the audit writer (``audit``), money helpers (``money``) and the
team scope that row-level security enforces (``scope``).

Nothing here imports from ``finops.analytics`` or ``finops.api``: data flows from the warehouse
to them, never back."""
