"""Reference data shipped with the package: the place gazetteer and the actor alias table.

Built from ``../shared/reference`` by ``scripts/build_reference.py``; see ``ATTRIBUTION.md``.
The loaders parse each file once per process; treat the returned structures as read-only.
"""
import json
from functools import lru_cache
from pathlib import Path

# The files beside this module (importlib.resources would import zipfile and its readers: ~10 ms
# of a search process's first query, for a package that is never installed zipped).
_HERE = Path(__file__).resolve().parent


def _load(name: str) -> dict:
    return json.loads((_HERE / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_places() -> list[dict]:
    """Governorates, districts, sub-districts, towns and regions, in that order."""
    return _load("places.json")["places"]


@lru_cache(maxsize=None)
def load_actors() -> list[dict]:
    """Actors with their English and Arabic names, aliases and ``part_of`` links."""
    return _load("actors.json")["actors"]


@lru_cache(maxsize=None)
def load_outlets() -> list[dict]:
    """News outlets with their English and Arabic names, other spellings and web domains."""
    return _load("sources.json")["outlets"]


@lru_cache(maxsize=None)
def load_context_words() -> dict:
    """Word lists the tagging rules read context with (given names, reporting verbs, ...)."""
    return _load("context_words.json")
