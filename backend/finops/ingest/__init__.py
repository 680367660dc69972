"""Ingestion: billing exports, usage and inventory into the warehouse."""
