"""Ingest: readers per format, record validation, enrichment, quarantine of bad records."""
from .pipeline import IngestReport, ingest_paths

__all__ = ["IngestReport", "ingest_paths"]
