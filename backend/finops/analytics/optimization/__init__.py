"""Rightsizing, idle and waste findings: deterministic, fingerprinted, priced from the bill."""
