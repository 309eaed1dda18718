"""The query workload: eight query types, each a pool of different queries of the same shape.

Each type but "repeated" draws distinct queries, and warm-up queries are never measured again,
so a cache keyed by the query cannot make a type look faster than a stream of new user queries
would. "repeated" is the one type that asks the same thing over and over (a user paging through
facets of one search, or a popular query).
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from importlib.resources import files

from search_app.enrich.matcher import find_mentions
from search_app.text.arabic import ARABIC_LETTERS

KINDS = ("one_word", "two_words", "phrase", "filter", "facets", "arabic", "page5", "repeated")
LABELS = {
    "one_word": "one word",
    "two_words": "two words (conscription Hama)",
    "phrase": "phrase",
    "filter": "words + governorate filter",
    "facets": "words + full facet counts",
    "arabic": "Arabic query",
    "page5": "page 5",
    "repeated": "same query repeated",
}
FACET_NAMES = ("governorate", "actor", "month", "lang", "source")  # what the FTS5 baseline counts

PLACES_EN = ("Hama", "Aleppo", "Homs", "Idlib", "Damascus", "Raqqa", "Daraa", "Lattakia", "Tartous", "Quneitra")
PLACES_AR = ("حماة", "حلب", "حمص", "إدلب", "دمشق", "الرقة", "درعا", "اللاذقية", "طرطوس", "القنيطرة")
PLACE_PHRASES = ("{} province", "city of {}", "countryside of {}", "in {}")
GOVERNORATE_CODES = ("SY02", "SY07", "SY03", "SY01", "SY09", "SY05", "SY04", "SY12", "SY11", "SY08")
EXTRA_EN = ("shelling", "airstrikes", "displacement", "ceasefire", "checkpoint", "hospital", "protest",
            "detainees", "refugees", "electricity", "reconstruction", "negotiations", "smuggling",
            "earthquake", "conscription", "prices", "wounded", "offensive", "sanctions", "bread")


@dataclass(frozen=True)
class Query:
    kind: str
    q: str
    governorate: tuple[str, ...] = ()
    page: int = 1
    facets: bool = False  # the FTS5 baseline counts facets only when asked; our engine always does

    def as_dict(self) -> dict:
        return asdict(self)


def _glossary() -> list[dict]:
    return json.loads(files("search_app.reference").joinpath("glossary.json").read_text("utf-8"))["concepts"]


def _plain(word: str, arabic: bool) -> bool:
    if arabic:
        return bool(re.fullmatch(f"[{ARABIC_LETTERS}]{{3,}}", word))
    return bool(re.fullmatch(r"[a-z]{4,}", word))


def _pools():
    concepts = _glossary()
    english = list(EXTRA_EN) + [t for c in concepts for t in c["en"] if _plain(t, False)]
    arabic = [t for c in concepts for t in c["ar"] if _plain(t, True)]
    phrases = [t for c in concepts for t in c["en"]
               if re.fullmatch(r"[a-z]{3,} [a-z]{3,}", t)]
    # No place or actor names among "plain" words (those are in the place lists on purpose).
    english = [w for w in dict.fromkeys(english) if not find_mentions(w, for_query=True)]
    arabic = [w for w in dict.fromkeys(arabic) if not find_mentions(w, for_query=True)]
    return english, arabic, list(dict.fromkeys(phrases))


def plan(warmup: int = 8, measured: int = 40, seed: int = 7) -> dict[str, tuple[list[Query], list[Query]]]:
    """Per type: (warm-up queries, measured queries), all distinct within the type."""
    rng = random.Random(seed)
    english, arabic, phrases = _pools()
    n = warmup + measured

    def distinct(make, first: list[str] = ()) -> list[str]:
        seen = list(dict.fromkeys(first))
        for _ in range(50 * n):
            if len(seen) >= n:
                break
            candidate = make()
            if candidate not in seen:
                seen.append(candidate)
        return seen[:n]

    words = lambda: rng.choice(english)  # noqa: E731
    built = {
        "one_word": [Query("one_word", q) for q in distinct(words)],
        "two_words": [Query("two_words", q) for q in distinct(
            lambda: f"{rng.choice(english)} {rng.choice(PLACES_EN)}", ["conscription Hama"])],
        "phrase": [Query("phrase", f'"{q}"') for q in distinct(
            lambda: rng.choice(phrases) if rng.random() < 0.5 else rng.choice(PLACE_PHRASES).format(
                rng.choice(PLACES_EN)))],
        "filter": [Query("filter", q, governorate=(rng.choice(GOVERNORATE_CODES),)) for q in distinct(words)],
        "facets": [Query("facets", q, facets=True) for q in distinct(words)],
        "arabic": [Query("arabic", q) for q in distinct(
            lambda: f"{rng.choice(arabic)} {rng.choice(PLACES_AR)}", ["تجنيد حماة"])],
        "page5": [Query("page5", q, page=5) for q in distinct(words)],
    }
    result = {}
    for kind, queries in built.items():
        # "conscription Hama" and "تجنيد حماة" are measured, not spent on warm-up
        measured_part = queries[:measured] if kind in ("two_words", "arabic") else queries[warmup:]
        warm_part = queries[measured:] if kind in ("two_words", "arabic") else queries[:warmup]
        result[kind] = (warm_part, measured_part)
    repeated = Query("repeated", "conscription Hama", facets=True)
    result["repeated"] = ([repeated], [repeated] * measured)
    return result


def plan_from_dict(data: dict) -> dict[str, tuple[list[Query], list[Query]]]:
    return {kind: ([Query(**q) for q in warm], [Query(**q) for q in measured])
            for kind, (warm, measured) in data.items()}


def plan_to_dict(built: dict) -> dict:
    return {kind: ([q.as_dict() for q in warm], [q.as_dict() for q in measured])
            for kind, (warm, measured) in built.items()}
