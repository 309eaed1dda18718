"""Actor facets of a text: ids from the actor alias table (English, Arabic, abbreviations and
former names share one id). ``part_of`` parents are not added: a text about the YPG is not
tagged SDF; ask ``actor_parent`` when a roll-up is wanted."""
from __future__ import annotations

from functools import lru_cache

from search_app.reference import load_actors

from .matcher import Entity, actor_entities, find_mentions


def extract_actors(text: str, *, source: str | None = None) -> tuple[str, ...]:
    return tuple(sorted({m.entity.id for m in find_mentions(text) if m.entity.kind == "actor"}))


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
