"""Scheduled jobs: the run ledger that skips a job whose inputs have not changed."""
