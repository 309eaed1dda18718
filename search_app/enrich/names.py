"""The name index of places and actors: every entity of the reference data, and each of its
names normalised into the token tuples ``matcher`` looks up (Latin articles spelled "al", with
article-free and article-fused forms), with what each name needs to count (its senses).

Built once per process (or read from the table cache); ``matcher`` finds and resolves the names.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from search_app.reference import load_actors, load_places
from search_app.text.arabic import TOKEN_PATTERN, has_arabic, normalize_arabic
# The same folding rules as fold_latin, used here without its casefold to recover source case.
from search_app.text.latin import DROPPED_APOSTROPHES, SPACED_HYPHENS
from search_app.text.normalize import normalized_tokens
from search_app.text.table_cache import cached_table

LATIN_ARTICLES = frozenset("al el ad ar as ash at az an ath ez es ed er et adh".split())
ARTICLE = "al"


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str  # 'place' | 'actor'
    level: str  # governorate | district | subdistrict | town | region, or the actor's type
    en: str
    ar: str
    names_en: tuple[str, ...]
    names_ar: tuple[str, ...]
    governorate: str | None
    district: str | None


@dataclass(frozen=True)
class Mention:
    start: int  # token offsets into normalized_tokens(text), end exclusive
    end: int
    entity: Entity
    stripped: str = ""  # a clitic (بـ, وال, ...) or possessive "s" read off the first token


@dataclass(frozen=True)
class Sense:
    """One entity a name may denote, with what it takes for that name to count."""
    entity: Entity
    ambiguous: str | None  # the reason the name needs context, None if it needs none
    cased: tuple[str, ...] | None  # source-case tokens an acronym must match exactly
    cased_in_query: bool  # the acronym needs its capitals in a query too
    capitalised: bool  # a Latin ambiguous place name must be written with a capital (Bab, al-Sham)


# ---------------------------------------------------------------------------------------------
# Entities


def _place_rollup(records: dict[str, dict], code: str) -> tuple[str | None, str | None]:
    record = records.get(code)
    if record is None:
        return None, None
    return record["governorate"], record["district"]


def _single(values: Iterable[str | None]) -> str | None:
    found = {value for value in values if value}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=None)
def place_entities() -> dict[str, Entity]:
    """Every place by id (p-code, or town/region id), in reference order."""
    records = {record["id"]: record for record in load_places()}
    entities = {}
    for record in records.values():
        governorate, district = record["governorate"], record["district"]
        if record["level"] == "region":
            related = [_place_rollup(records, code) for code in record.get("related_pcodes", [])]
            governorate = _single(gov for gov, _ in related)
            district = _single(dist for _, dist in related) if governorate else None
        entities[record["id"]] = Entity(
            id=record["id"], kind="place", level=record["level"], en=record["en"], ar=record["ar"],
            names_en=tuple(record["names_en"]), names_ar=tuple(record["names_ar"]),
            governorate=governorate, district=district,
        )
    return entities


@lru_cache(maxsize=None)
def actor_entities() -> dict[str, Entity]:
    """Every actor by id, in reference order."""
    return {
        record["id"]: Entity(
            id=record["id"], kind="actor", level=record["type"], en=record["en"], ar=record["ar"],
            names_en=tuple(record["names_en"]), names_ar=tuple(record["names_ar"]),
            governorate=None, district=None,
        )
        for record in load_actors()
    }


# ---------------------------------------------------------------------------------------------
# The name index


_AS_ARTICLE = {article: ARTICLE for article in LATIN_ARTICLES}


def canonical(tokens: Iterable[str]) -> tuple[str, ...]:
    """Every Latin article spelled "al" (ez-Zor, as-Suwayda); a C-level pass over the tokens."""
    return tuple(map(_AS_ARTICLE.get, tokens, tokens))


def key_forms(name: str) -> list[tuple[str, ...]]:
    """The name's token tuple first, then its article-free and article-fused forms."""
    tokens = normalized_tokens(name)
    key = canonical(tokens)
    forms = [key]
    if ARTICLE in key:
        without = tuple(token for token in key if token != ARTICLE)
        if without:
            forms.append(without)
        for i in range(1, len(tokens) - 1):
            if key[i] == ARTICLE:
                forms.append(key[:i] + (tokens[i] + tokens[i + 1],) + key[i + 2:])
    return [form for form in forms if form]


class _CombiningMarks(dict):
    """A ``str.translate`` table that deletes combining marks, filled in as characters are met
    (a C-speed pass over the text instead of a Python test per character)."""

    def __missing__(self, code: int):
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_DROP_COMBINING = _CombiningMarks()


def source_case_tokens(text: str) -> list[str]:
    """normalized_tokens(text) before casefolding: the same tokens in their source case."""
    folded = unicodedata.normalize("NFKD", normalize_arabic(text)).translate(_DROP_COMBINING)
    folded = SPACED_HYPHENS.sub(" ", DROPPED_APOSTROPHES.sub("", folded))
    return _TOKEN.findall(folded)


_TOKEN = re.compile(TOKEN_PATTERN)


def _is_acronym(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isascii() and ch.isupper() for ch in letters)


def _senses_of(entity: Entity, name: str, reason: str | None) -> Sense:
    acronym = _is_acronym(name)
    letters = sum(ch.isalpha() for ch in name)
    needs_case = acronym and (letters <= 3 or reason is not None)
    return Sense(
        entity=entity,
        ambiguous=reason,
        cased=tuple(source_case_tokens(name)) if needs_case else None,
        cased_in_query=needs_case and reason is not None,
        capitalised=(reason is not None and entity.kind == "place" and not acronym and not has_arabic(name)),
    )


def _named_senses() -> Iterable[tuple[str, Sense]]:
    for record in load_places():
        entity = place_entities()[record["id"]]
        notes = record.get("ambiguous", {})
        for name in record["names_en"] + record["names_ar"]:
            yield name, _senses_of(entity, name, notes.get(name))
    for record in load_actors():
        entity = actor_entities()[record["id"]]
        flagged = set(record.get("ambiguous", ()))
        for name in record["names_en"] + record["names_ar"]:
            yield name, _senses_of(entity, name, "needs context" if name in flagged else None)


def _merge(old: Sense, new: Sense) -> Sense:
    """Two names of one entity share a key: the less demanding one decides."""
    return Sense(
        entity=old.entity,
        ambiguous=None if old.ambiguous is None or new.ambiguous is None else old.ambiguous,
        cased=None if old.cased is None or new.cased is None else old.cased,
        cased_in_query=old.cased_in_query and new.cased_in_query,
        capitalised=old.capitalised and new.capitalised,
    )


@dataclass(frozen=True)
class NameIndex:
    senses: dict[tuple[str, ...], tuple[Sense, ...]]
    prefixes: frozenset[tuple[str, ...]]  # every key and every leading part of a key


@cached_table
def name_index() -> NameIndex:
    by_key: dict[tuple[str, ...], dict[tuple[str, str], Sense]] = {}
    derived = []
    for name, sense in _named_senses():
        first, *others = key_forms(name)
        slot = by_key.setdefault(first, {})
        entity_key = (sense.entity.kind, sense.entity.id)
        slot[entity_key] = _merge(slot[entity_key], sense) if entity_key in slot else sense
        derived.extend((form, entity_key, sense) for form in others)
    # Derived forms never override what a name says explicitly (Tall stays ambiguous though
    # "At Tall" is not).
    for form, entity_key, sense in derived:
        by_key.setdefault(form, {}).setdefault(entity_key, sense)
    senses = {key: tuple(slot.values()) for key, slot in by_key.items()}
    prefixes = {key[:n] for key in senses for n in range(1, len(key) + 1)}
    return NameIndex(senses=senses, prefixes=frozenset(prefixes))
