"""Outlets: the sources a record names, as one canonical outlet each.

The same outlet reaches the archive as ``Reuters News``, ``reuters`` and ``Reuters``, as a
newspaper code (``aawsat``) or as a web address. The registry (``reference/sources.json``) gives
each known outlet an id, its English and Arabic names, other spellings and domains; a name it
does not know keeps its own spelling, with spacing (and an all-lower-case code's case) tidied,
so it still counts as one outlet.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from search_app.reference import load_outlets

from ..text.arabic import normalize_arabic

# "The Independent (in SOHR)": an outlet quoted by another; the quoted one is the outlet.
_RELAYED = re.compile(r"\s*\((?:in|on|via)\s+[^)]*\)\s*$", re.IGNORECASE)
_NOT_LETTERS = re.compile(r"[\W_]+")
_LOOKS_LIKE_ADDRESS = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z]{2,}(?:[/?].*)?$", re.IGNORECASE)
UNKNOWN_NAMES = frozenset({"", "unknown", "n/a", "none"})


@dataclass(frozen=True)
class Outlet:
    id: str
    en: str
    ar: str


def _lookup_key(name: str) -> str:
    """Case, punctuation, spaces, a leading "the" and Arabic spelling variants do not matter."""
    folded = unicodedata.normalize("NFKC", name).casefold().strip()
    folded = re.sub(r"^the\s+", "", folded)
    return _NOT_LETTERS.sub("", normalize_arabic(folded))


@lru_cache(maxsize=None)
def outlets() -> dict[str, Outlet]:
    return {record["id"]: Outlet(record["id"], record["en"], record["ar"] or record["en"])
            for record in load_outlets()}


@lru_cache(maxsize=None)
def _ids_by_name() -> dict[str, str]:
    found = {}
    for record in load_outlets():
        for name in [record["id"], record["en"], record["ar"], *record["aliases"]]:
            if name:
                found.setdefault(_lookup_key(name), record["id"])
    return found


@lru_cache(maxsize=None)
def _ids_by_domain() -> dict[str, str]:
    return {domain.lower(): record["id"] for record in load_outlets() for domain in record["domains"]}


def outlet_of_address(address: str) -> str | None:
    """The registry id of a web address's site (a subdomain counts as its site), or None."""
    host = (urlsplit(address if "//" in address else f"//{address}").hostname or "").removeprefix("www.")
    parts = host.split(".")
    for start in range(len(parts) - 1):
        found = _ids_by_domain().get(".".join(parts[start:]))
        if found:
            return found
    return None


def source_names(source: str) -> list[str]:
    """The outlets a source field names: ``SOHR;Airwars`` is two; a relayed "(in SOHR)" is dropped."""
    names = []
    for part in (source or "").split(";"):
        name = " ".join(_RELAYED.sub("", part).split())
        if name.casefold() not in UNKNOWN_NAMES and name not in names:
            names.append(name)
    return names


def outlet_key(name: str) -> str:
    """The facet value of one source name: a registry id, or the name itself, tidied."""
    name = " ".join(_RELAYED.sub("", name).split())
    known = _ids_by_name().get(_lookup_key(name))
    if known is None and _LOOKS_LIKE_ADDRESS.match(name):
        known = outlet_of_address(name)
    if known is not None:
        return known
    tidy = name.replace(",", " ")  # commas separate a facet field's values
    tidy = " ".join(tidy.split())
    return " ".join(word[:1].upper() + word[1:] for word in tidy.split()) if tidy.islower() else tidy


def outlet_keys(source: str, url: str = "") -> tuple[str, ...]:
    """Every outlet of a record, once each; a record naming none is its URL's site when known."""
    keys, names = [], source_names(source)
    for name in names:
        key = outlet_key(name)
        if key not in outlets() and url and len(names) == 1:
            key = outlet_of_address(url) or key  # a feed's own title for a site the registry knows
        if key not in keys:
            keys.append(key)
    if not keys and url:
        known = outlet_of_address(url)
        keys = [known] if known else []
    return tuple(keys)


def outlet_label(key: str, ui: str) -> str:
    """An outlet's name in the interface language; an unknown source's own name."""
    known = outlets().get(key)
    if known is None:
        return key
    return known.ar if ui == "ar" else known.en
