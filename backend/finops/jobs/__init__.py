"""Scheduled jobs: one module per job, each a typed function of its run date that the CLI, the
DAGs and the demo call (``run_date.py`` resolves the date, ``ledger.py`` skips a job whose
inputs have not changed, ``scheduled.py`` lists the analytics jobs by name)."""
