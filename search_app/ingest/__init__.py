"""Ingest: readers per format, record validation, enrichment, quarantine of bad records."""
from __future__ import annotations

__all__ = ["IngestReport", "ingest_paths"]

# `search-app ingest` exits 1 when nothing at all could be read, and this when something was read
# but records were rejected (they are in quarantine) or an input could not be read.
INCOMPLETE_EXIT_STATUS = 3


def __getattr__(name: str):
    # Loaded on first use, so the readers can be imported (and tested) without the enrichment stack.
    if name in __all__:
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
