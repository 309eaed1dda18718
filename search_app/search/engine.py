"""Search over the live index generation: matching, filters, facet counts, ranking, snippets."""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from whoosh.filedb.filestore import FileStorage
from whoosh import query as wq

from ..enrich.outlets import outlet_key, outlet_label
from ..enrich.places import place as place_entity
from ..index.generations import current_generation, read_manifest
from ..index.postings import GenerationArrays
from .facets import FacetPostings, published_days
from .matching import Matches, QueryEvaluator, top
from .marks import TextMarker
from .snippets import Unit, find_matches, make_snippet, merge_matches
from .query import QueryBuilder
from .spelling import NO_SPELLING, Speller, Spelling

SORTS = ("relevance", "date")
FILTER_FACETS = ("governorate", "district", "place", "actor", "lang", "source", "year", "kind")
# Governorate, district and place (town, sub-district, region) are one dimension: a choice below a
# chosen governorate refines it (Hama + Salamiyah district = that district) instead of being ANDed
# with it, choices at the same level are ORed, and all three are counted without the dimension.
PLACE_FACETS = ("governorate", "district", "place")
RELATED_LIMIT = 5
RELATED_FIELDS = ("body_en", "body_ar", "title_en", "title_ar")
RELATED_TERMS = 12  # key terms per field
SNIPPET_CHARS = 240
_EPOCH = dt.datetime(1970, 1, 1)


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
        object.__setattr__(self, "source", tuple(dict.fromkeys(outlet_key(value) for value in self.source)))

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in FILTER_FACETS if getattr(self, name)}


def filter_group(facet: str) -> str:
    """The filter a facet belongs to: the place levels share one, every other facet is its own."""
    return "place" if facet in PLACE_FACETS else facet


@dataclass
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


class _Generation:
    """An opened index generation: per-thread searchers, shared facet postings and dates."""

    def __init__(self, path: Path):
        self.path = path
        # Without mmap: Whoosh would copy every file of a compound segment into memory
        # (BytesIO over the map), about 1.2 GB and half a second at 100,000 articles.
        self.index = FileStorage(str(path), supports_mmap=False).open_index()
        # Read once: Whoosh's ``index.schema`` unpickles the table of contents on every access,
        # and each copy brings fresh analyzers whose word caches start empty.
        self.schema = self.index.schema
        self.manifest = read_manifest(path)
        self._local = threading.local()
        # A reader of its own: facet postings are read lazily, from whichever thread asks first,
        # and a reader's file handles must not be shared between threads.
        arrays = GenerationArrays(path)  # postings saved as numpy arrays by the indexer
        self.facets = FacetPostings(self.index.reader(), arrays)
        self.evaluator = QueryEvaluator(self.facets.doc_count, self.facets.live, arrays=arrays)
        self.published_days = self._published_days()
        self.speller = Speller(self.schema)

    def searcher(self):
        # Whoosh searchers are not safe to share between threads; each thread gets its own.
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.index.searcher()
        return searcher

    def _published_days(self) -> np.ndarray:
        """Days since 1970 per document (-1 when undated), for date filters and date order."""
        return published_days(self.searcher().reader(), self.facets.doc_count)

    def matches(self, query) -> Matches:
        """Live documents matching ``query`` and their scores (numpy; cached for this generation)."""
        return self.evaluator.evaluate(self.searcher(), query)


class SearchEngine:
    """Follows ``index/current``: a new generation is picked up on the next request."""

    def __init__(self, index_dir: Path, dictionary=None):
        self.index_dir = index_dir
        self.dictionary = dictionary  # text.dictionary.BilingualDictionary: words the glossary lacks
        self._generation: _Generation | None = None
        self._lock = threading.Lock()

    def generation(self) -> _Generation:
        path = current_generation(self.index_dir)
        if path is None:
            raise NoIndexError(f"no index in {self.index_dir}; run `search-app index rebuild` "
                               "(after `search-app ingest FILE`), or `search-app demo`")
        live = self._generation
        if live is None or live.path != path:
            with self._lock:
                if self._generation is None or self._generation.path != path:
                    self._generation = _Generation(path)
                live = self._generation
        return live

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        generation = self.generation()
        parsed, base, spelling = self._understood(generation, request)
        facets = generation.facets
        query, relaxed = parsed.query, False
        if parsed.relaxed_query is not None and not base.any():
            # No story has every concept: show those with some, best first, and say so.
            query, relaxed = parsed.relaxed_query, True
            base = self._match(generation, query)
        filter_masks = self._filter_masks(facets, request)
        date_mask = self._date_mask(generation, request)
        final = base.copy()
        for mask in filter_masks.values():
            final &= mask
        if date_mask is not None:
            final &= date_mask
        counts = self._facet_counts(generation, request, base, filter_masks, date_mask)
        total = int(np.count_nonzero(final))
        narrowed = total != int(np.count_nonzero(base))
        tiers = self._place_tiers(facets, parsed.place_concepts)
        docnums, scores = self._page(generation, query, final, request, total, narrowed, tiers)
        hits = [self._hit(generation, query, docnum, score) for docnum, score in zip(docnums, scores)]
        suggestion = self._suggestion(generation, request, spelling)
        return SearchResponse(request=request, total=total, hits=hits, facets=counts,
                              took_ms=round((time.perf_counter() - started) * 1000, 2),
                              expansions=parsed.expansions, suggestion=suggestion, relaxed=relaxed,
                              corrected_query=spelling.corrected, generation=generation.path.name)

    @staticmethod
    def _match(generation: _Generation, query) -> np.ndarray:
        """Unscored match set as a mask over document numbers (everything live for a browse)."""
        facets = generation.facets
        if query is None:
            return facets.live.copy()
        base = np.zeros(facets.doc_count, dtype=bool)
        base[generation.matches(query).ids] = True
        return base

    @staticmethod
    def _date_mask(generation: _Generation, request: SearchRequest) -> np.ndarray | None:
        if request.date_from is None and request.date_to is None:
            return None
        days = generation.published_days
        mask = days >= 0
        if request.date_from is not None:
            mask &= days >= (dt.datetime.combine(request.date_from, dt.time()) - _EPOCH).days
        if request.date_to is not None:
            mask &= days <= (dt.datetime.combine(request.date_to, dt.time()) - _EPOCH).days
        return mask

    @staticmethod
    def _facet_counts(generation, request, base, filter_masks, date_mask) -> dict[str, list[FacetValue]]:
        """Disjunctive counts: each facet is counted with every filter but its own."""
        facets = generation.facets
        counted = {}
        for name in FILTER_FACETS + ("month",):
            mask = base.copy()
            for other, other_mask in filter_masks.items():
                if other != filter_group(name):
                    mask &= other_mask
            if date_mask is not None:
                mask &= date_mask
            selected = set(getattr(request, name, ()))
            counts = facets.counts(name, mask)
            for value in selected - counts.keys():
                counts[value] = 0
            for parent, narrower in narrower_choices(request).get(name, {}).items():
                # Hama with its Salamiyah district chosen stands for that district: count what it shows.
                inside = np.zeros(facets.doc_count, dtype=bool)
                for level, value in narrower:
                    inside |= facets.mask_for(level, (value,))
                counts[parent] = int(np.count_nonzero(mask & inside))
            counted[name] = sorted(
                (FacetValue(value, count, value in selected) for value, count in counts.items()),
                key=lambda item: (-item.count, item.value))
        return counted

    @staticmethod
    def _place_tiers(facets: FacetPostings, place_concepts) -> np.ndarray | None:
        """Per document, how many of the query's place concepts it is tagged with: relevance ranks
        these tiers first, so a story tagged Hama outranks one where حماه is only a surname."""
        if not place_concepts:
            return None
        tiers = np.zeros(facets.doc_count, dtype=np.int8)
        for place_ids in place_concepts:
            tiers += facets.mask_for("place", place_ids)
        return tiers

    @staticmethod
    def _page(generation, query, final, request, total, narrowed,
              tiers: np.ndarray | None = None) -> tuple[list[int], list[float | None]]:
        first = (request.page - 1) * request.per_page
        if first >= total:
            return [], []
        if query is None or request.sort == "date":
            candidates = np.flatnonzero(final)
            order = np.argsort(-generation.published_days[candidates].astype(np.int64), kind="stable")
            chosen = candidates[order[first:first + request.per_page]]
            return [int(n) for n in chosen], [None] * len(chosen)
        # Whoosh's BM25F scores, ranked as its collector ranks them (score, then docnum), within tiers.
        docnums, scores = top(generation.matches(query), final if narrowed else None, first + request.per_page,
                              tiers)
        return docnums[first:].tolist(), [round(score, 4) for score in scores[first:].tolist()]

    def _hit(self, generation, query, docnum: int, score: float | None) -> Hit:
        return hit_from_stored(generation.schema, query, generation.searcher().stored_fields(docnum), score)

    def _understood(self, generation, request: SearchRequest):
        """(parsed query, match mask before filters, spelling) of what to search: the query as
        typed, or its spelling correction when some word of it is in no document, the typed
        query finds nothing and the correction finds something (``spell=False`` turns this off).
        ``spelling.corrected`` is set only when the correction is what was searched."""
        parsed = self._query_builder(generation, request.expand).parse(request.q)
        base = self._match(generation, parsed.query)
        if not request.q.strip():
            return parsed, base, NO_SPELLING
        spelling = self._spelling(generation, request.q)
        if base.any():  # found as typed: only the archive's rare typos may earn a did-you-mean
            return parsed, base, Spelling(None, None if spelling.corrected else spelling.suggested, spelling.words)
        if request.spell and spelling.corrected:
            corrected = self._query_builder(generation, request.expand).parse(spelling.corrected)
            corrected_base = self._match(generation, corrected.query)
            relaxed = corrected.relaxed_query
            if corrected_base.any() or (relaxed is not None and self._match(generation, relaxed).any()):
                return corrected, corrected_base, spelling
        return parsed, base, Spelling(None, spelling.suggested, spelling.words)

    def _query_builder(self, generation, expand: bool) -> QueryBuilder:
        return QueryBuilder(generation.schema, expand=expand, dictionary=self.dictionary,
                            reader=generation.searcher().reader())

    @staticmethod
    def _spelling(generation, text: str) -> Spelling:
        return generation.speller.correct(text, generation.searcher().reader())

    def _suggestion(self, generation, request: SearchRequest, spelling: Spelling) -> str | None:
        """Did-you-mean, when no correction was searched instead: the query with its misspelt words
        (and the archive's rare typos, ``Damscus``) corrected, offered when that finds something."""
        suggestion = spelling.suggested
        if spelling.corrected or not suggestion or suggestion == request.q:
            return None
        parsed = self._query_builder(generation, request.expand).parse(suggestion)
        return suggestion if self._match(generation, parsed.query).any() else None

    def stats(self) -> dict:
        generation = self.generation()
        return {"generation": generation.path.name, **generation.manifest, "dictionary": self.dictionary_status()}

    def check(self) -> None:
        self.generation()

    def dictionary_status(self) -> dict:
        """Whether query words the glossary lacks are translated, and by which dictionaries."""
        names = self.dictionary.names if self.dictionary is not None else []
        return {"in_use": bool(names), "dictionaries": names}

    @staticmethod
    def _filter_masks(facets: FacetPostings, request: SearchRequest) -> dict[str, np.ndarray]:
        """One mask per filter group (OR inside a group; the caller ANDs the groups)."""
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

    def _base(self, generation, request: SearchRequest, relax: bool = True):
        """(query, match mask before filters, the parsed query it came from) as search() has them,
        spelling correction and the relaxed fallback included."""
        parsed, base, _ = self._understood(generation, request)
        query = parsed.query
        if relax and parsed.relaxed_query is not None and not base.any():
            query, base = parsed.relaxed_query, self._match(generation, parsed.relaxed_query)
        return query, base, parsed

    def _matching(self, generation, request: SearchRequest, relax: bool = True):
        """(query, mask of the documents matching the query and every filter, the parsed query)."""
        query, final, parsed = self._base(generation, request, relax)
        for mask in self._filter_masks(generation.facets, request).values():
            final &= mask
        date_mask = self._date_mask(generation, request)
        if date_mask is not None:
            final &= date_mask
        return query, final, parsed

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
        parsed = self._query_builder(generation, expand).parse(q)
        query = parsed.query if parsed.query is not None else parsed.relaxed_query
        return TextMarker(generation.schema, highlight_units(query))

    def without(self, request: SearchRequest) -> dict[str, int]:
        """How many results there would be with one filter dropped, by filter group ("place",
        "actor", ..., "date"), and with the query dropped ("q"): what a zero-result page offers."""
        generation = self.generation()
        facets = generation.facets
        query, base, _ = self._base(generation, request)
        filter_masks = self._filter_masks(facets, request)
        date_mask = self._date_mask(generation, request)

        def total(kept: np.ndarray, dropped: str | None) -> int:
            mask = kept.copy()
            for group, group_mask in filter_masks.items():
                if group != dropped:
                    mask &= group_mask
            if date_mask is not None and dropped != "date":
                mask &= date_mask
            return int(np.count_nonzero(mask))

        counts = {group: total(base, group) for group in filter_masks}
        if date_mask is not None:
            counts["date"] = total(base, "date")
        if query is not None:
            counts["q"] = total(facets.live, None)
        return counts

    def iter_documents(self, request: SearchRequest, limit: int):
        """The first ``limit`` matches in the request's order, in full (exports and feeds)."""
        generation = self.generation()
        query, final, parsed = self._matching(generation, request)
        total = int(np.count_nonzero(final))
        ordered = replace(request, page=1, per_page=max(1, limit))
        tiers = self._place_tiers(generation.facets, parsed.place_concepts)  # of what was searched: a correction's
        docnums, _ = self._page(generation, query, final, ordered, total, True, tiers)
        for docnum in docnums:
            yield document_from_stored(generation.searcher().stored_fields(docnum))

    def more_like_this(self, article_id: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        """Related stories in both languages: the article's key terms in each language it has, and
        its places and actors (ids, so an Arabic-only story finds English ones about the same
        town); at least two of each language when the best candidates hold them."""
        generation = self.generation()
        searcher = generation.searcher()
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        query = related_query(searcher, docnum)
        if query is None:
            return []
        # The array evaluator, not Whoosh's collector: an article's ~50 weighted terms match much of
        # a real corpus, and stepping Whoosh's matchers through them took 0.3-1 s a page.
        matches = generation.matches(query)
        others = matches.ids != docnum
        docnums, scores = top(Matches(matches.ids[others], matches.scores[others]), None, limit * 6)
        ranked = [(number, round(score, 4), searcher.stored_fields(number).get("lang", ""))
                  for number, score in zip(docnums.tolist(), scores.tolist())]
        return [self._hit(generation, None, number, score) for number, score, _ in mix_languages(ranked, limit)]


def hit_from_stored(schema, query, stored: dict, score: float | None) -> Hit:
    """A result as the page shows it, from an indexed document's stored fields (``schema``'s
    analyzers find the query's terms for the snippet). Every backend builds its hits here."""
    original_is_arabic = stored.get("lang") == "ar"
    title_ar, title_en = stored.get("title_ar", ""), stored.get("title_en", "")
    title, translation = (title_ar, title_en) if original_is_arabic else (title_en, title_ar)
    published = stored.get("published")
    snippet, snippet_lang = _snippet(schema, query, stored, original_is_arabic)
    return Hit(
        id=stored["id"], title=title or translation, title_translation=translation if title else "",
        snippet=snippet, snippet_lang=snippet_lang,
        published=published.date().isoformat() if published else None,
        precision=stored.get("precision"), lang=stored.get("lang", ""), source=_source_names(stored),
        sources=_own_outlets(stored), kind=stored.get("kind", "article"),
        url=stored.get("url", ""), governorates=_split(stored.get("governorate")),
        districts=_split(stored.get("district")), places=_split(stored.get("place")),
        actors=_split(stored.get("actor")), translation_langs=list(stored.get("translation_langs", [])),
        score=score, also_published=list(stored.get("also", [])))


def _snippet(schema, query, stored, original_is_arabic) -> tuple[str, str]:
    """(HTML, language) of the best highlighted fragments: from the body that shows the most
    of the query's concepts, the original on a tie; its opening when nothing matched."""
    bodies = ["body_ar", "body_en"] if original_is_arabic else ["body_en", "body_ar"]
    units = highlight_units(query)
    best = None
    for body_field in bodies:
        text = stored.get(body_field)
        if not text:
            continue
        matches = merge_matches(
            find_matches(text, schema[body_field].analyzer, units.get(body_field, ())),
            find_matches(text, schema["exact"].analyzer, units.get("exact", ())))
        shown = len({match.group for match in matches})
        if best is None or shown > best[0]:
            best = (shown, body_field, text, matches)
    if best is None:
        return "", ""
    _, body_field, text, matches = best
    return make_snippet(text, matches, SNIPPET_CHARS), body_field.removeprefix("body_")


def document_from_stored(stored: dict) -> Document:
    """An indexed document in full, from its stored fields (every backend's exports and feeds)."""
    lang = stored.get("lang", "")
    own = "ar" if lang == "ar" else "en"
    translations = [{"lang": other, "title": stored.get(f"title_{other}", ""),
                     "body": stored.get(f"body_{other}", "")}
                    for other in dict.fromkeys(stored.get("translation_langs", []))
                    if other in ("en", "ar") and other != own]
    return Document(
        id=stored["id"], url=stored.get("url", ""), source=_source_names(stored), lang=lang,
        sources=_own_outlets(stored), kind=stored.get("kind", "article"),
        published=stored.get("published"), precision=stored.get("precision"),
        title=stored.get(f"title_{own}", ""), body=stored.get(f"body_{own}", ""),
        translations=translations, governorates=_split(stored.get("governorate")),
        districts=_split(stored.get("district")), places=_split(stored.get("place")),
        actors=_split(stored.get("actor")))


def related_query(searcher, docnum: int) -> wq.Or | None:
    """What "more like this" looks for in the Whoosh index (``related_query_of``)."""
    return related_query_of(searcher.stored_fields(docnum),
                            lambda fieldname: searcher.key_terms([docnum], fieldname, numterms=RELATED_TERMS))


def related_query_of(stored: dict, key_terms) -> wq.Or | None:
    """What "more like this" looks for: the article's key terms in each language it has
    (``key_terms(fieldname)``: [(term, weight)], Whoosh's Bo1 model), and its places and actors
    (a governorate counts less than a town: it is shared by more stories)."""
    clauses = []
    for fieldname in RELATED_FIELDS:
        if stored.get(fieldname):
            clauses += [wq.Term(fieldname, term, boost=weight) for term, weight in key_terms(fieldname)]
    governorates = set(_split(stored.get("governorate")))
    clauses += [wq.Term("place", value, boost=0.4 if value in governorates else 1.0)
                for value in _split(stored.get("place"))]
    clauses += [wq.Term("actor", value, boost=0.8) for value in _split(stored.get("actor"))]
    return wq.Or(clauses) if clauses else None


_last_units = threading.local()
# Which analyzer made a field's terms, so a snippet of a body finds them: titles and bodies of a
# language share one, and the exact fields hold the unstemmed names of both scripts.
_ANALYZED_AS = {"title_en": "body_en", "body_en": "body_en", "title_ar": "body_ar", "body_ar": "body_ar",
                "exact_title": "exact", "exact": "exact"}


def highlight_units(query) -> dict[str, list[Unit]]:
    """What a snippet marks, by the field whose analyzer made it: each term, prefix and phrase of
    the query's positive side (an excluded word is never marked), its group the concept it
    belongs to (the parts of a top-level And). Worked out once per query for all its hits."""
    last = getattr(_last_units, "value", None)
    if last is not None and last[0] is query:
        return last[1]
    by_field: dict[str, list[Unit]] = {}
    concepts = query.subqueries if isinstance(query, wq.And) else [query] if query is not None else []
    for group, concept in enumerate(concepts):
        for fieldname, unit in _units(concept, group):
            analyzed_as = _ANALYZED_AS.get(fieldname)
            if analyzed_as is not None:
                by_field.setdefault(analyzed_as, []).append(unit)
    by_field = {name: list(dict.fromkeys(units)) for name, units in by_field.items()}
    _last_units.value = (query, by_field)
    return by_field


def _own_outlets(stored: dict) -> list[str]:
    return list(stored.get("outlets") or _split(stored.get("source")))


def _source_names(stored: dict) -> str:
    return "; ".join(outlet_label(key, "en") for key in _own_outlets(stored))


def _units(query, group: int):
    if isinstance(query, wq.AndNot):
        yield from _units(query.a, group)
    elif isinstance(query, wq.Not):
        return
    elif isinstance(query, wq.Phrase):
        yield query.fieldname, Unit(tuple(query.words), group)
    elif isinstance(query, wq.Term):
        yield query.fieldname, Unit((query.text,), group)
    elif isinstance(query, wq.Prefix):
        yield query.fieldname, Unit((query.text,), group, prefix=True)
    else:
        for child in query.children():
            yield from _units(child, group)


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(",") if part]


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
