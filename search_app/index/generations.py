"""Index generations on disk: the ``current`` link and the build manifest.

Shared by the writer (``build``, which also holds the writer lock) and the reader (search), so both
agree on the layout without the search side importing the write side.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST = "generation.json"  # written last: a generation without it is unfinished


def current_link(index_dir: Path) -> Path:
    return index_dir / "current"


def generations_dir(index_dir: Path) -> Path:
    return index_dir / "generations"


def current_generation(index_dir: Path) -> Path | None:
    """The live generation directory, or None when no index has been built yet."""
    link = current_link(index_dir)
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (index_dir / target).resolve()
    return path if (path / MANIFEST).exists() else None


def read_manifest(generation: Path) -> dict:
    return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
