"""Exports of the warehouse to open formats (FOCUS)."""

from finops.export.focus import ExportedFile, ExportResult, export_focus

__all__ = ["ExportResult", "ExportedFile", "export_focus"]
