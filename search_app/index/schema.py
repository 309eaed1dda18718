"""The Whoosh schema: text fields per language, an exact field, and facet fields of ids."""
from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from ..enrich.actors import all_actors
from ..enrich.places import all_places
from ..text.analyzers import arabic_analyzer, english_analyzer, exact_analyzer
from ..text.arabic import has_arabic
from ..text.normalize import normalized_tokens

# Facet fields hold ids (p-codes, actor slugs, years); labels are looked up per UI language.
FACET_FIELDS = ("governorate", "district", "place", "actor", "year", "month", "lang", "source", "kind")


class StoredDate(DATETIME):
    """A date stored and kept as a sortable column, but not indexed: date filters and sorting
    read the column as numpy arrays, and indexing it would add eight terms a document, each
    written to the term table, that no query uses."""

    indexed = False


def build_schema(protected_en: frozenset[str] = frozenset(),
                 protected_ar: frozenset[str] = frozenset()) -> Schema:
    """``protected_*``: name tokens the stemmers must leave alone (Hamas is not Hama)."""
    english = english_analyzer(protected_en)
    arabic = arabic_analyzer(protected_ar)
    exact = exact_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title_en=TEXT(analyzer=english, stored=True),
        body_en=TEXT(analyzer=english, stored=True),
        title_ar=TEXT(analyzer=arabic, stored=True),
        body_ar=TEXT(analyzer=arabic, stored=True),
        exact_title=TEXT(analyzer=exact),
        exact=TEXT(analyzer=exact),
        governorate=KEYWORD(stored=True, commas=True),
        district=KEYWORD(stored=True, commas=True),
        place=KEYWORD(stored=True, commas=True),
        actor=KEYWORD(stored=True, commas=True),
        year=ID(stored=True),
        month=ID(stored=True),
        lang=ID(stored=True),
        source=KEYWORD(stored=True, commas=True),  # outlet ids (or tidied names): events have several
        kind=ID(stored=True),
        published=StoredDate(stored=True, sortable=True),
        precision=STORED,
        url=STORED,
        translation_langs=STORED,
        also=STORED,  # other outlets' copies of the same story: [{id, source, url}]
        outlets=STORED,  # the item's own outlets (``source`` also counts its copies' outlets)
    )


def protected_name_tokens() -> tuple[frozenset[str], frozenset[str]]:
    """Single-token place and actor names, which the stemmers must not touch."""
    latin, arabic = set(), set()
    for entity in list(all_places()) + list(all_actors()):
        for name in entity.names_en + entity.names_ar:
            tokens = normalized_tokens(name)
            target = arabic if has_arabic(name) else latin
            target.update(tokens if len(tokens) == 1 else ())
    return frozenset(latin), frozenset(arabic)
