"""Warehouse access: the embedded server, engines and migrations."""
