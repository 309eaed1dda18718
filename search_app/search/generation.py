"""One opened index generation: what the engine asks of it by document number (match and date
masks, a ranked page, stored fields, snippets) and the per-thread searchers behind that."""
from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
from cachetools import LRUCache
from whoosh.filedb.filestore import FileStorage
from whoosh import query as wq

from ..index.generations import read_manifest
from ..index.postings import GenerationArrays
from .facets import FacetPostings
from .matching import Matches, QueryEvaluator, top
from .query import ParsedQuery, QueryBuilder
from .snippets import Unit, find_matches, make_snippet, merge_matches
from .spelling import Speller, Spelling

SNIPPET_CHARS = 240
RELATED_FIELDS = ("body_en", "body_ar", "title_en", "title_ar")
RELATED_TERMS = 12  # key terms per field
STORED_KEPT = 2000  # documents' stored fields kept per generation (~5 MB at the benchmark's sizes)
PARSES_KEPT = 512  # parsed queries kept per generation (a few KB each)
SNIPPETS_KEPT = 64, 100  # per generation: for the last 64 queries, up to 100 documents' snippets each
ANSWERS_KEPT = 64  # whole responses kept per generation (~150 KB each with their facet counts)
_EPOCH = dt.datetime(1970, 1, 1)


class Generation:
    """An opened index generation: per-thread searchers, shared facet postings and dates."""

    def __init__(self, path: Path):
        self.path = path
        # Without mmap: Whoosh would copy every file of a compound segment into memory
        # (BytesIO over the map), the whole index on every open.
        self.index = FileStorage(str(path), supports_mmap=False).open_index()
        # Read once: Whoosh's ``index.schema`` unpickles the table of contents on every access,
        # and each copy brings fresh analyzers whose word caches start empty.
        self.schema = self.index.schema
        self.manifest = read_manifest(path)
        self._local = threading.local()
        # A reader of its own: facet postings are read lazily, from whichever thread asks first,
        # and a reader's file handles must not be shared between threads.
        arrays = GenerationArrays(path)  # postings saved as numpy arrays by the indexer
        self.facets = FacetPostings(self.index.reader(), arrays, path)
        self.evaluator = QueryEvaluator(self.facets.doc_count, self.facets.live, arrays=arrays)
        # Days since 1970 per document (-1 when undated), for date filters and date order.
        self.published_days = self.facets.published_days()
        self.speller = Speller(self.schema)
        self._stored: LRUCache = LRUCache(maxsize=STORED_KEPT)
        self._answers: LRUCache = LRUCache(maxsize=ANSWERS_KEPT)
        self._kept_lock = threading.Lock()  # for every kept table: an LRU's order changes on every read
        self._snippets: LRUCache = LRUCache(maxsize=SNIPPETS_KEPT[0])  # query -> {article id: snippet}
        self._parses: LRUCache = LRUCache(maxsize=PARSES_KEPT)  # (text, expand, dictionary) -> ParsedQuery

    def searcher(self):
        # Whoosh searchers are not safe to share between threads; each thread gets its own.
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.index.searcher()
        return searcher

    def matches(self, query) -> Matches:
        """Live documents matching ``query`` and their scores (numpy; cached for this generation)."""
        return self.evaluator.evaluate(self.searcher(), query)

    def match_mask(self, query) -> np.ndarray:
        """Unscored match set as a mask over document numbers (everything live for a browse)."""
        if query is None:
            return self.facets.live.copy()
        mask = np.zeros(self.facets.doc_count, dtype=bool)
        mask[self.matches(query).ids] = True
        return mask

    def date_mask(self, date_from: dt.date | None, date_to: dt.date | None) -> np.ndarray | None:
        """Documents published within the dates (either may be open); None when neither is set."""
        if date_from is None and date_to is None:
            return None
        days = self.published_days
        mask = days >= 0
        if date_from is not None:
            mask &= days >= (dt.datetime.combine(date_from, dt.time()) - _EPOCH).days
        if date_to is not None:
            mask &= days <= (dt.datetime.combine(date_to, dt.time()) - _EPOCH).days
        return mask

    def place_tiers(self, place_concepts) -> np.ndarray | None:
        """Per document, how many of the query's place concepts it is tagged with: relevance ranks
        these tiers first, so a story tagged Hama outranks one where حماه is only a surname."""
        if not place_concepts:
            return None
        tiers = np.zeros(self.facets.doc_count, dtype=np.int8)
        for place_ids in place_concepts:
            tiers += self.facets.mask_for("place", place_ids)
        return tiers

    def ranked_page(self, query, final: np.ndarray, total: int, first: int, size: int, by_date: bool,
                    narrowed: bool, tiers: np.ndarray | None = None) -> tuple[list[int], list[float | None]]:
        """(document numbers, scores) of ``size`` documents of ``final`` from rank ``first``: newest
        first for a browse or ``by_date``, else by score. ``narrowed``: ``final`` is fewer than the
        query's matches, so ranking must skip the others."""
        if first >= total:
            return [], []
        if query is None or by_date:
            candidates = np.flatnonzero(final)
            order = np.argsort(-self.published_days[candidates].astype(np.int64), kind="stable")
            chosen = candidates[order[first:first + size]]
            return [int(n) for n in chosen], [None] * len(chosen)
        # Whoosh's BM25F scores, ranked as its collector ranks them (score, then docnum), within tiers.
        docnums, scores = top(self.matches(query), final if narrowed else None, first + size, tiers)
        return docnums[first:].tolist(), [round(score, 4) for score in scores[first:].tolist()]

    def stored_fields(self, docnum: int) -> dict:
        """A document's stored fields (callers read them, never change them). The last few
        thousand read are kept: a result page's documents recur as people refine a search, and
        Whoosh unpickles and decompresses them anew on every read."""
        return self._kept(self._stored, docnum, lambda: self.searcher().stored_fields(docnum))

    def _kept(self, table: LRUCache, key, compute):
        """``table[key]``, worked out by ``compute()`` and kept when missing (outside the lock:
        another thread may work out the same, which costs time, never a wrong answer)."""
        with self._kept_lock:
            found = table.get(key)
        if found is None:
            found = compute()
            with self._kept_lock:
                table[key] = found
        return found

    def answer(self, key, compute):
        """``compute()``, kept for this generation under ``key`` (a whole request: its query,
        filters, page, sort...) for the last few dozen asked. Nothing a generation answers changes
        while it is live, and people do ask again: the next page, a facet clicked and unclicked,
        a feed polled. A new generation starts empty, so it never serves an old answer."""
        try:
            hash(key)
        except TypeError:  # a list where a tuple belongs: answered, not kept
            return compute()
        return self._kept(self._answers, key, compute)

    def snippet(self, query, stored: dict) -> tuple[str, str]:
        """``snippet_of``, kept per query and document: a facet click or the next page of a query
        shows many of the documents it showed before."""
        kept = self._snippets_for(query)
        found = kept.get(stored.get("id"))
        if found is None:
            found = snippet_of(self.schema, query, stored)
            if len(kept) < SNIPPETS_KEPT[1]:
                kept[stored.get("id")] = found
        return found

    def _snippets_for(self, query) -> dict:
        """The kept snippets of ``query`` (found once per page: hashing a query walks all of it)."""
        last = getattr(self._local, "snippets", None)
        if last is not None and last[0] is query:
            return last[1]
        try:
            hash(query)
        except TypeError:  # an unhashable query: its snippets are made, not kept
            return {}
        with self._kept_lock:
            kept = self._snippets.get(query)
            if kept is None:
                kept = self._snippets[query] = {}
        self._local.snippets = (query, kept)
        return kept

    def query_builder(self, expand: bool, dictionary=None) -> _KeptParses:
        """What parses queries for this generation (``parse(text)``), each distinct text parsed once
        for the last few hundred: the spelling decision, the next page, a facet click and the
        article page all parse the same text again, and expansion is a large part of a parse."""
        return _KeptParses(self, expand, dictionary)

    def _parsed(self, text: str, expand: bool, dictionary) -> ParsedQuery:
        def parse() -> ParsedQuery:
            builder = QueryBuilder(self.schema, expand=expand, dictionary=dictionary, reader=self.searcher().reader())
            return builder.parse(text)
        return self._kept(self._parses, (text, expand, dictionary), parse)

    def spelling(self, text: str) -> Spelling:
        return self.speller.correct(text, self.searcher().reader())

    def related_query(self, docnum: int) -> wq.Or | None:
        return related_query(self.searcher(), docnum)


class _KeptParses:
    """``QueryBuilder.parse`` through its generation's kept parses. A parse is shared: callers
    read it and never change it."""

    def __init__(self, generation: Generation, expand: bool, dictionary):
        self._generation, self._expand, self._dictionary = generation, expand, dictionary

    def parse(self, text: str) -> ParsedQuery:
        return self._generation._parsed(text, self._expand, self._dictionary)


def snippet_of(schema, query, stored: dict) -> tuple[str, str]:
    """(HTML, language) of the best highlighted fragments: from the body that shows the most
    of the query's concepts, the original on a tie; its opening when nothing matched. ``schema``'s
    analyzers find the query's terms (every backend indexes with them)."""
    bodies = ["body_ar", "body_en"] if stored.get("lang") == "ar" else ["body_en", "body_ar"]
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
    governorates = set(split_ids(stored.get("governorate")))
    clauses += [wq.Term("place", value, boost=0.4 if value in governorates else 1.0)
                for value in split_ids(stored.get("place"))]
    clauses += [wq.Term("actor", value, boost=0.8) for value in split_ids(stored.get("actor"))]
    return wq.Or(clauses) if clauses else None


def split_ids(value: str | None) -> list[str]:
    """The ids of a stored comma-separated facet field."""
    return [part for part in (value or "").split(",") if part]


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
