"""The search interface the web and CLI use: a request, what it selects in the live index
generation (query, filters, dates), its facet counts, and the results built from stored fields."""
from __future__ import annotations

import datetime as dt
import threading
import time
from operator import itemgetter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh import query as wq

from ..enrich.outlets import outlet_key, outlet_label
from ..enrich.places import place as place_entity
from ..index.generations import current_generation
from .facets import FacetPostings
from .generation import Generation, highlight_units, split_ids
from .matching import Matches, top
from .marks import TextMarker
from .query import ParsedQuery
from .spelling import Spelling, SpellingDecision

SORTS = ("relevance", "date")
FILTER_FACETS = ("governorate", "district", "place", "actor", "lang", "source", "year", "kind")
# Governorate, district and place (town, sub-district, region) are one dimension: a choice below a
# chosen governorate refines it (Hama + Salamiyah district = that district) instead of being ANDed
# with it, choices at the same level are ORed, and all three are counted without the dimension.
PLACE_FACETS = ("governorate", "district", "place")
RELATED_LIMIT = 5


class NoIndexError(RuntimeError):
    pass


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    governorate: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    place: tuple[str, ...] = ()  # any place id (towns, sub-districts, regions): the `place` field
    actor: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()  # outlet ids; any spelling of an outlet is read as its id
    year: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()  # article, event, report
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    expand: bool = True
    spell: bool = True  # search the correction of a word no document has (spelling.py)

    def __post_init__(self):
        # Tuples whatever sequence was given (a JSON list, say): a request is a key of the
        # generation's kept answers, and equal requests must be equal keys.
        for name in FILTER_FACETS:
            value = getattr(self, name)
            if type(value) is not tuple:
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "source", tuple(dict.fromkeys(outlet_key(value) for value in self.source)))

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in FILTER_FACETS if getattr(self, name)}


def filter_group(facet: str) -> str:
    """The filter a facet belongs to: the place levels share one, every other facet is its own."""
    return "place" if facet in PLACE_FACETS else facet


@dataclass(slots=True)
class FacetValue:
    value: str
    count: int
    selected: bool


@dataclass
class Hit:
    id: str
    title: str
    title_translation: str
    snippet: str  # HTML: escaped text with <mark> around matches
    published: str | None
    precision: str | None
    lang: str
    source: str  # the outlets' English names, "; " between them
    url: str
    governorates: list[str]
    districts: list[str]
    places: list[str]
    actors: list[str]
    translation_langs: list[str]
    score: float | None
    also_published: list[dict] = field(default_factory=list)  # other outlets' copies: id, source, url
    sources: list[str] = field(default_factory=list)  # outlet ids (or tidied names of unknown outlets)
    kind: str = "article"
    snippet_lang: str = ""  # the language of the text the snippet quotes (an Arabic original: "ar")

    @classmethod
    def from_stored(cls, stored: dict, snippet: str, snippet_lang: str, score: float | None) -> Hit:
        """The result line of a document's stored fields: its original title, the translation beside it."""
        title_ar, title_en = stored.get("title_ar", ""), stored.get("title_en", "")
        title, translation = (title_ar, title_en) if stored.get("lang") == "ar" else (title_en, title_ar)
        published = stored.get("published")
        return cls(**_described(stored), title=title or translation, title_translation=translation if title else "",
                   snippet=snippet, snippet_lang=snippet_lang,
                   published=published.date().isoformat() if published else None,
                   translation_langs=list(stored.get("translation_langs", [])),
                   score=score, also_published=list(stored.get("also", [])))


@dataclass
class Document:
    """One indexed article in full: the original, its translations, and its facet ids."""
    id: str
    url: str
    source: str
    lang: str
    published: dt.datetime | None
    precision: str | None
    title: str
    body: str
    translations: list[dict[str, str]]  # [{lang, title, body}]
    governorates: list[str]
    districts: list[str]
    places: list[str]
    actors: list[str]
    sources: list[str] = field(default_factory=list)
    kind: str = "article"

    @classmethod
    def from_stored(cls, stored: dict) -> Document:
        """A document's stored fields: the original in ``title``/``body``, the other language as a translation."""
        own = "ar" if stored.get("lang") == "ar" else "en"
        translations = [{"lang": other, "title": stored.get(f"title_{other}", ""),
                         "body": stored.get(f"body_{other}", "")}
                        for other in dict.fromkeys(stored.get("translation_langs", []))
                        if other in ("en", "ar") and other != own]
        return cls(**_described(stored), published=stored.get("published"), title=stored.get(f"title_{own}", ""),
                   body=stored.get(f"body_{own}", ""), translations=translations)


def _described(stored: dict) -> dict:
    """What a hit and a document both say of an article, from its stored fields."""
    outlets = list(stored.get("outlets") or split_ids(stored.get("source")))
    return {"id": stored["id"], "url": stored.get("url", ""), "lang": stored.get("lang", ""),
            "source": "; ".join(outlet_label(key, "en") for key in outlets), "sources": outlets,
            "kind": stored.get("kind", "article"), "precision": stored.get("precision"),
            "governorates": split_ids(stored.get("governorate")), "districts": split_ids(stored.get("district")),
            "places": split_ids(stored.get("place")), "actors": split_ids(stored.get("actor"))}


@dataclass
class SearchResponse:
    request: SearchRequest
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    expansions: list[str] = field(default_factory=list)
    suggestion: str | None = None
    corrected_query: str | None = None  # searched instead of request.q, whose words no document has
    relaxed: bool = False  # no story matched every concept; these match some of them
    generation: str = ""


@dataclass
class Selection:
    """What a request selects, as masks over document numbers: the query's matches (``base``),
    one mask per filter group (OR inside a group) and the date range (None when open)."""
    base: np.ndarray
    filters: dict[str, np.ndarray]
    dates: np.ndarray | None = None

    @classmethod
    def of(cls, generation: Generation, request: SearchRequest, base: np.ndarray) -> Selection:
        return cls(base, _filter_masks(generation.facets, request),
                   generation.date_mask(request.date_from, request.date_to))

    def final(self, dropping: str | None = None) -> np.ndarray:
        """The base ANDed with every filter group and the dates, or with all of them but the
        group ``dropping`` ("date" drops the dates): disjunctive facet counts and the counts a
        zero-result page offers are the selection with one filter dropped."""
        mask = self.base.copy()
        for group, group_mask in self.filters.items():
            if group != dropping:
                mask &= group_mask
        if self.dates is not None and dropping != "date":
            mask &= self.dates
        return mask


@dataclass
class Searched:
    """What a request searches in one generation: the query actually searched (the spelling
    correction's when that was searched, the any-concept fallback when no story has every
    concept, ``relaxed``), the parse it came from, and what it selects."""
    parsed: ParsedQuery
    query: wq.Query | None
    selection: Selection
    spelling: Spelling
    relaxed: bool = False


class SearchEngine:
    """Follows ``index/current``: a new generation is picked up on the next request."""

    def __init__(self, index_dir: Path, dictionary=None):
        self.index_dir = index_dir
        self.dictionary = dictionary  # text.dictionary.BilingualDictionary: words the glossary lacks
        self._generation: Generation | None = None
        self._lock = threading.Lock()

    def generation(self) -> Generation:
        path = current_generation(self.index_dir)
        if path is None:
            raise NoIndexError(f"no index in {self.index_dir}; run `search-app index rebuild` "
                               "(after `search-app ingest FILE`), or `search-app demo`")
        live = self._generation
        if live is None or live.path != path:
            with self._lock:
                if self._generation is None or self._generation.path != path:
                    self._generation = Generation(path)
                live = self._generation
        return live

    def search(self, request: SearchRequest) -> SearchResponse:
        """The answer to ``request`` in the live generation; a request asked again of the same
        generation (the same query, filters, page, sort...) is answered from the generation's
        cache of the last few dozen. Callers read a response and never change it (its hits and
        facet values are shared with the cache; the lists holding them are the caller's own)."""
        started = time.perf_counter()
        generation = self.generation()
        kept = generation.answer((request, self.dictionary), lambda: self._answer(generation, request))
        return replace(kept, request=request, hits=list(kept.hits), expansions=list(kept.expansions),
                       facets={name: list(values) for name, values in kept.facets.items()},
                       took_ms=round((time.perf_counter() - started) * 1000, 2))

    def _answer(self, generation: Generation, request: SearchRequest) -> SearchResponse:
        searched = self._searched(generation, request)
        selection, query = searched.selection, searched.query
        final = selection.final()
        counts = _facet_counts(generation.facets, request, selection)
        total = int(np.count_nonzero(final))
        narrowed = total != int(np.count_nonzero(selection.base))
        tiers = generation.place_tiers(searched.parsed.place_concepts)
        docnums, scores = generation.ranked_page(
            query, final, total, (request.page - 1) * request.per_page, request.per_page,
            request.sort == "date", narrowed, tiers)
        hits = [self._hit(generation, query, docnum, score) for docnum, score in zip(docnums, scores)]
        suggestion = self._suggestion(generation, request, searched.spelling)
        return SearchResponse(request=request, total=total, hits=hits, facets=counts, took_ms=0.0,
                              expansions=searched.parsed.expansions, suggestion=suggestion,
                              relaxed=searched.relaxed, corrected_query=searched.spelling.corrected,
                              generation=generation.path.name)

    def _searched(self, generation: Generation, request: SearchRequest) -> Searched:
        """What search() searches for ``request``: spelling correction and the relaxed fallback included."""
        understood = self._spelling_decision(generation, request.expand).understand(request.q, request.spell)
        return Searched(understood.parsed, understood.query, Selection.of(generation, request, understood.matches),
                        understood.spelling, understood.relaxed)

    @staticmethod
    def _hit(generation: Generation, query, docnum: int, score: float | None) -> Hit:
        stored = generation.stored_fields(docnum)
        snippet, snippet_lang = generation.snippet(query, stored)
        return Hit.from_stored(stored, snippet, snippet_lang, score)

    def _spelling_decision(self, generation: Generation, expand: bool) -> SpellingDecision[np.ndarray]:
        """The spelling choice over this generation: a query's matches are its match mask (before
        filters), kept as the selection's base."""
        return SpellingDecision(parse=generation.query_builder(expand, self.dictionary).parse,
                                correct=generation.spelling, matching=generation.match_mask, finds=np.any)

    def _suggestion(self, generation: Generation, request: SearchRequest, spelling: Spelling) -> str | None:
        return self._spelling_decision(generation, request.expand).suggestion(request.q, spelling)

    def stats(self) -> dict:
        generation = self.generation()
        return {"generation": generation.path.name, **generation.manifest, "dictionary": self.dictionary_status()}

    def check(self) -> None:
        self.generation()

    def dictionary_status(self) -> dict:
        """Whether query words the glossary lacks are translated, and by which dictionaries."""
        names = self.dictionary.names if self.dictionary is not None else []
        return {"in_use": bool(names), "dictionaries": names}

    def warm_up(self) -> None:
        """Open the live generation and load what a first misspelt query needs (the index's
        lexicon, both scripts' word lists: about a second) and the bilingual dictionary (a few
        seconds), so no reader waits for them."""
        try:
            self.search(SearchRequest(q="Alepo حلبب", per_page=1))
        except NoIndexError:
            pass

    def text_marker(self, q: str, expand: bool = True) -> TextMarker:
        """What marks the matches of the query ``q`` in a whole text (the article page)."""
        generation = self.generation()
        if not q.strip():
            return TextMarker()
        parsed = generation.query_builder(expand, self.dictionary).parse(q)
        query = parsed.query if parsed.query is not None else parsed.relaxed_query
        return TextMarker(generation.schema, highlight_units(query))

    def without(self, request: SearchRequest) -> dict[str, int]:
        """How many results there would be with one filter dropped, by filter group ("place",
        "actor", ..., "date"), and with the query dropped ("q"): what a zero-result page offers."""
        generation = self.generation()
        searched = self._searched(generation, request)
        selection = searched.selection
        counts = {group: int(np.count_nonzero(selection.final(dropping=group))) for group in selection.filters}
        if selection.dates is not None:
            counts["date"] = int(np.count_nonzero(selection.final(dropping="date")))
        if searched.query is not None:
            everything = replace(selection, base=generation.facets.live)
            counts["q"] = int(np.count_nonzero(everything.final()))
        return counts

    def iter_documents(self, request: SearchRequest, limit: int):
        """The first ``limit`` matches in the request's order, in full (exports and feeds)."""
        generation = self.generation()
        searched = self._searched(generation, request)
        final = searched.selection.final()
        tiers = generation.place_tiers(searched.parsed.place_concepts)  # of what was searched: a correction's
        docnums, _ = generation.ranked_page(searched.query, final, int(np.count_nonzero(final)), 0,
                                            max(1, limit), request.sort == "date", True, tiers)
        for docnum in docnums:
            yield Document.from_stored(generation.stored_fields(docnum))

    def more_like_this(self, article_id: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        """Related stories in both languages: the article's key terms in each language it has, and
        its places and actors (ids, so an Arabic-only story finds English ones about the same
        town); at least two of each language when the best candidates hold them."""
        generation = self.generation()
        searcher = generation.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        query = generation.related_query(docnum)
        if query is None:
            return []
        # The array evaluator, not Whoosh's collector: an article's ~50 weighted terms match much of
        # a real corpus, and stepping Whoosh's matchers through them all is too slow for a page.
        matches = generation.matches(query)
        others = matches.ids != docnum
        docnums, scores = top(Matches(matches.ids[others], matches.scores[others]), None, limit * 6)
        ranked = [(number, round(score, 4), searcher.stored_fields(number).get("lang", ""))
                  for number, score in zip(docnums.tolist(), scores.tolist())]
        return [self._hit(generation, None, number, score) for number, score, _ in mix_languages(ranked, limit)]


def _facet_counts(facets: FacetPostings, request: SearchRequest, selection: Selection) -> dict[str, list[FacetValue]]:
    """Disjunctive counts: each facet is counted with every filter but its own."""
    counted = {}
    masks: dict[str | None, np.ndarray] = {}  # a facet whose group no filter chose counts the final mask
    chosen_narrower = narrower_choices(request)
    for name in FILTER_FACETS + ("month",):
        group = filter_group(name)
        dropping = group if group in selection.filters else None
        mask = masks.get(dropping)
        if mask is None:
            mask = masks[dropping] = selection.final(dropping=dropping)
        selected = set(getattr(request, name, ()))
        counts = facets.counts(name, mask)
        for value in selected - counts.keys():
            counts[value] = 0
        for parent, narrower in chosen_narrower.get(name, {}).items():
            # Hama with its Salamiyah district chosen stands for that district: count what it shows.
            inside = np.zeros(facets.doc_count, dtype=bool)
            for level, value in narrower:
                inside |= facets.mask_for(level, (value,))
            counts[parent] = int(np.count_nonzero(mask & inside))
        # most counted first, then by value: sorted by value, then stably by count (two C-level
        # sorts; a key function building a tuple per value costs more than the objects below)
        ordered = sorted(sorted(counts.items()), key=itemgetter(1), reverse=True)
        counted[name] = [FacetValue(value, count, value in selected) for value, count in ordered]
    return counted


def _filter_masks(facets: FacetPostings, request: SearchRequest) -> dict[str, np.ndarray]:
    """One mask per filter group (OR inside a group; the selection ANDs the groups)."""
    masks = {name: facets.mask_for(name, values) for name, values in request.filters().items()
             if name not in PLACE_FACETS}
    chosen = [(name, value) for name in PLACE_FACETS for value in getattr(request, name)]
    if chosen:
        # parents of a chosen place: the narrower choice stands for them
        refined = {parent for by_parent in narrower_choices(request).values() for parent in by_parent}
        mask = np.zeros(facets.doc_count, dtype=bool)
        for name, value in chosen:
            if value not in refined:
                mask |= facets.mask_for(name, (value,))
        masks["place"] = mask
    return masks


def narrower_choices(request: SearchRequest) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """{"governorate"|"district": {parent: [(level, chosen place inside it)]}}: the places chosen
    below another place, by the governorate and the district they lie in."""
    found: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for name in PLACE_FACETS[1:]:
        for value in getattr(request, name):
            entity = _place_or_none(value)
            if entity is None:
                continue
            parents = [("governorate", entity.governorate)] + ([("district", entity.district)] if name == "place" else [])
            for level, parent in parents:
                if parent and parent != value:
                    found.setdefault(level, {}).setdefault(parent, []).append((name, value))
    return found


def _place_or_none(code: str):
    try:
        return place_entity(code)
    except KeyError:
        return None


def mix_languages(ranked: list[tuple], limit: int, minimum: int = 2) -> list[tuple]:
    """The best ``limit`` of ranked (docnum, score, lang) items, where a language with fewer than
    ``minimum`` gets its best remaining items in place of the weakest of the largest language."""
    chosen = list(ranked[:limit])
    for lang in sorted({item[2] for item in ranked}):
        spare = [item for item in ranked[limit:] if item[2] == lang]
        while spare and sum(item[2] == lang for item in chosen) < minimum:
            sizes = {other: sum(item[2] == other for item in chosen) for other in {i[2] for i in chosen}}
            largest = max(sizes, key=sizes.get)
            if largest == lang or sizes[largest] <= minimum:
                break
            chosen.remove(next(item for item in reversed(chosen) if item[2] == largest))
            chosen.append(spare.pop(0))
    return sorted(chosen, key=ranked.index)
