"""Place facets of a text: OCHA p-codes of the governorates, districts, sub-districts, towns and
regions it names, each name rolled up to the units that contain it.

Roll-up: a town adds its sub-district, district and governorate; a sub-district its district and
governorate; a district its governorate. A region (Ghouta, Qalamoun, Hauran, ...) adds the
governorate, and the district, that all of its related p-codes fall in, and nothing when they
span several (Hauran is Dar'a and As-Sweida: it tags neither).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from search_app.reference import load_places

from .matcher import find_mentions
from .names import Entity, place_entities


@dataclass(frozen=True)
class PlaceTags:
    governorates: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    subdistricts: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()


@lru_cache(maxsize=None)
def _town_subdistricts() -> dict[str, str]:
    return {record["id"]: record["parent"] for record in load_places() if record["level"] == "town"}


@lru_cache(maxsize=None)
def _ids_by_code() -> dict[str, str]:
    """Towns can also be looked up by their OCHA community code (C-code)."""
    return {record["pcode"]: record["id"] for record in load_places()
            if record["level"] == "town" and record.get("pcode")}


def extract_places(text: str) -> PlaceTags:
    found = {level: set() for level in ("governorate", "district", "subdistrict", "town", "region")}
    for mention in find_mentions(text):
        entity = mention.entity
        if entity.kind != "place":
            continue
        found[entity.level].add(entity.id)
        if entity.level == "town":
            found["subdistrict"].add(_town_subdistricts()[entity.id])
        if entity.district:
            found["district"].add(entity.district)
        if entity.governorate:
            found["governorate"].add(entity.governorate)
    return PlaceTags(
        governorates=tuple(sorted(found["governorate"])),
        districts=tuple(sorted(found["district"])),
        subdistricts=tuple(sorted(found["subdistrict"])),
        towns=tuple(sorted(found["town"])),
        regions=tuple(sorted(found["region"])),
    )


def place(pcode_or_id: str) -> Entity:
    """The place with this p-code (SY05, SY0501, SY050100), town or region id, or town C-code."""
    entities = place_entities()
    key = pcode_or_id if pcode_or_id in entities else _ids_by_code().get(pcode_or_id)
    if key is None:
        raise KeyError(f"unknown place: {pcode_or_id!r}")
    return entities[key]


def all_places() -> list[Entity]:
    """Every place: governorates, districts, sub-districts, towns, then regions."""
    return list(place_entities().values())


def governorates() -> list[Entity]:
    """The 14 governorates, SY01..SY14."""
    return sorted((e for e in place_entities().values() if e.level == "governorate"), key=lambda e: e.id)


def districts_of(gov_pcode: str) -> list[Entity]:
    return sorted((e for e in place_entities().values() if e.level == "district" and e.governorate == gov_pcode),
                  key=lambda e: e.id)
