"""Enrichment of an article: language, places, actors and publication date.

Imports flow one way: enrich uses ``search_app.text`` and ``search_app.reference`` only.
"""
from .actors import actor, actor_parent, all_actors, extract_actors
from .dates import PublishedDate, parse_published
from .langid import detect_language
from .matcher import Entity, Mention, find_mentions
from .places import PlaceTags, all_places, districts_of, extract_places, governorates, place

__all__ = [
    "Entity", "Mention", "find_mentions",
    "PlaceTags", "extract_places", "place", "all_places", "governorates", "districts_of",
    "extract_actors", "actor", "all_actors", "actor_parent",
    "detect_language",
    "PublishedDate", "parse_published",
]
