"""Enrichment of an article: language, places, actors and publication date.

Imports flow one way: enrich uses ``search_app.text`` and ``search_app.reference`` only.
"""
from importlib import import_module

# Names are read from their modules on first use (PEP 562): the search side imports
# ``enrich.places`` and ``enrich.actors`` alone, and should not pay for dateparser and langdetect.
_HOMES = {
    "actor": "actors", "actor_parent": "actors", "all_actors": "actors", "extract_actors": "actors",
    "PublishedDate": "dates", "parse_published": "dates",
    "detect_language": "langid",
    "Entity": "matcher", "Mention": "matcher", "find_mentions": "matcher",
    "PlaceTags": "places", "extract_places": "places", "place": "places", "all_places": "places",
    "governorates": "places", "districts_of": "places",
}


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Entity", "Mention", "find_mentions",
    "PlaceTags", "extract_places", "place", "all_places", "governorates", "districts_of",
    "extract_actors", "actor", "all_actors", "actor_parent",
    "detect_language",
    "PublishedDate", "parse_published",
]
