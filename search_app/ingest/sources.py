"""What the operator named on the command line, as a list of sources: files, feed addresses, and
every readable file under a directory."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .readers import READERS
from .urls import is_web_url


@dataclass
class Sources:
    items: list[Path | str] = field(default_factory=list)  # files and feed URLs, in reading order
    skipped: list[Path] = field(default_factory=list)  # files under a directory of no known type


def _walk(directory: Path, sources: Sources) -> None:
    """Files under ``directory`` in name order, hidden files and folders left out."""
    for root, folders, files in os.walk(directory):
        folders[:] = sorted(folder for folder in folders if not folder.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if path.suffix.lower() in READERS:
                sources.items.append(path)
            else:
                sources.skipped.append(path)


def expand_sources(arguments: Iterable[Path | str]) -> Sources:
    """Feed URLs as they are, directories as the files under them, anything else as a file path."""
    sources = Sources()
    for argument in arguments:
        if isinstance(argument, str) and is_web_url(argument):
            sources.items.append(argument)
        elif Path(argument).is_dir():
            _walk(Path(argument), sources)
        else:
            sources.items.append(Path(argument))
    return sources
