"""Actor facets of a text: ids from the actor alias table (English, Arabic, abbreviations and
former names share one id). ``part_of`` parents are not added: a text about the YPG is not
tagged SDF; ask ``actor_parent`` when a roll-up is wanted.

A name counts only in the role that makes its owner an actor (``roles.acting_actors``): a country
that acts, not one that is a destination; an outlet that is the story's subject, not one that is
quoted or is the record's ``source``."""
from __future__ import annotations

import re
from functools import lru_cache

from search_app.reference import load_actors, load_context_words
from search_app.text.countries import country_names
from search_app.text.normalize import normalized_tokens

from .matcher import find_mentions, text_tokens
from .names import Entity, actor_entities
from .roles import Span, acting_actors

_SOURCE_SEPARATORS = re.compile(r"[;,|/]")


def extract_actors(text: str, *, source: str | None = None) -> tuple[str, ...]:
    """Actor ids of ``text``; ``source`` is the record's outlet (or outlets, ";"-joined)."""
    spans = [Span(m.start, m.end, m.entity.id, m.stripped) for m in find_mentions(text) if m.entity.kind == "actor"]
    if not spans:
        return ()
    return tuple(sorted(acting_actors(list(text_tokens(text)), spans, _outlets_named(source))))


@lru_cache(maxsize=256)
def _outlets_named(source: str | None) -> frozenset[str]:
    """The outlets that are also actors among the record's sources ("SOHR", "sohr;Airwars")."""
    if not source:
        return frozenset()
    outlets = frozenset(load_context_words()["outlets"])
    return frozenset(m.entity.id for part in _SOURCE_SEPARATORS.split(source) if part.strip()
                     for m in find_mentions(part, for_query=True) if m.entity.id in outlets)


def actor(actor_id: str) -> Entity:
    try:
        return actor_entities()[actor_id]
    except KeyError:
        raise KeyError(f"unknown actor: {actor_id!r}") from None


def all_actors() -> list[Entity]:
    return list(actor_entities().values())


@lru_cache(maxsize=None)
def _parents() -> dict[str, str]:
    return {record["id"]: record["part_of"] for record in load_actors() if record.get("part_of")}


def actor_parent(actor_id: str) -> str | None:
    """The id of the actor this one is part of (ypg -> sdf), or None."""
    actor(actor_id)
    return _parents().get(actor_id)


@lru_cache(maxsize=None)
def _actor_countries() -> dict[str, str]:
    """Actor id -> CLDR region code, for the actors that are countries: those whose English or
    Arabic label is a country's name (Jordan, الأردن; not عمان, which also names Oman)."""
    names = country_names()
    found = {}
    for entity in actor_entities().values():
        codes = {names.get(tuple(normalized_tokens(label))) for label in (entity.en, entity.ar)} - {None}
        if len(codes) == 1:
            found[entity.id] = codes.pop()
    return found


def actor_country(actor_id: str) -> str | None:
    """The region code of an actor that is a country (jordan -> JO), else None."""
    return _actor_countries().get(actor_id)


@lru_cache(maxsize=None)
def country_actor(code: str) -> str | None:
    """The actor id of a country that the actor table carries (JO -> jordan), else None."""
    return next((actor_id for actor_id, country in _actor_countries().items() if country == code), None)
