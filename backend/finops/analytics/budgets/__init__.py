"""Budgets per scope and period, alerts on actual and forecast cost, notifications."""
