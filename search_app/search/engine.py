"""Search over the live index generation: matching, filters, facet counts, ranking, snippets."""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import highlight
from whoosh import index as whoosh_index

from ..generations import current_generation, read_manifest
from .facets import FacetPostings
from .query import QueryBuilder

SORTS = ("relevance", "date")
FILTER_FACETS = ("governorate", "district", "actor", "lang", "source", "year")
SNIPPET_CHARS = 240
_EPOCH = dt.datetime(1970, 1, 1)


class NoIndexError(RuntimeError):
    pass


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    governorate: tuple[str, ...] = ()
    district: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    year: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    expand: bool = True

    def filters(self) -> dict[str, tuple[str, ...]]:
        return {name: getattr(self, name) for name in FILTER_FACETS if getattr(self, name)}


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
    source: str
    url: str
    governorates: list[str]
    districts: list[str]
    places: list[str]
    actors: list[str]
    translation_langs: list[str]
    score: float | None


@dataclass
class SearchResponse:
    request: SearchRequest
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    expansions: list[str] = field(default_factory=list)
    suggestion: str | None = None
    generation: str = ""


class _Generation:
    """An opened index generation: per-thread searchers, shared facet postings and dates."""

    def __init__(self, path: Path):
        self.path = path
        self.index = whoosh_index.open_dir(str(path))
        self.manifest = read_manifest(path)
        self._local = threading.local()
        self.facets = FacetPostings(self.searcher().reader())
        self.published_days = self._published_days()

    def searcher(self):
        # Whoosh searchers are not safe to share between threads; each thread gets its own.
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.index.searcher()
        return searcher

    def _published_days(self) -> np.ndarray:
        """Days since 1970 per document (-1 when undated), for date filters and date order."""
        reader = self.searcher().reader()
        days = np.full(self.facets.doc_count, -1, dtype=np.int32)
        if reader.has_column("published"):
            for docnum, value in enumerate(reader.column_reader("published")):
                if value is not None and value > _EPOCH:
                    days[docnum] = (value - _EPOCH).days
        return days


class SearchEngine:
    """Follows ``index/current``: a new generation is picked up on the next request."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._generation: _Generation | None = None
        self._lock = threading.Lock()

    def generation(self) -> _Generation:
        path = current_generation(self.index_dir)
        if path is None:
            raise NoIndexError(f"no index in {self.index_dir}; run `search-app index rebuild`")
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
        searcher = generation.searcher()
        parsed = QueryBuilder(generation.index.schema, expand=request.expand).parse(request.q)
        facets = generation.facets
        if parsed.query is None:
            base = facets.live.copy()
        else:
            base = np.zeros(facets.doc_count, dtype=bool)
            matched = np.fromiter(searcher.docs_for_query(parsed.query), dtype=np.int32)
            base[matched] = True
        filter_masks = {name: facets.mask_for(name, values) for name, values in request.filters().items()}
        date_mask = self._date_mask(generation, request)
        final = base.copy()
        for mask in filter_masks.values():
            final &= mask
        if date_mask is not None:
            final &= date_mask
        counts = self._facet_counts(generation, request, base, filter_masks, date_mask)
        total = int(np.count_nonzero(final))
        narrowed = total != int(np.count_nonzero(base))
        docnums, scores = self._page(generation, parsed.query, final, request, total, narrowed)
        hits = [self._hit(generation, parsed.query, docnum, score) for docnum, score in zip(docnums, scores)]
        suggestion = self._suggestion(generation, request.q) if total == 0 and request.q.strip() else None
        return SearchResponse(request=request, total=total, hits=hits, facets=counts,
                              took_ms=round((time.perf_counter() - started) * 1000, 2),
                              expansions=parsed.expansions, suggestion=suggestion,
                              generation=generation.path.name)

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
                if other != name:
                    mask &= other_mask
            if date_mask is not None:
                mask &= date_mask
            selected = set(getattr(request, name, ()))
            counts = facets.counts(name, mask)
            for value in selected - counts.keys():
                counts[value] = 0
            counted[name] = sorted(
                (FacetValue(value, count, value in selected) for value, count in counts.items()),
                key=lambda item: (-item.count, item.value))
        return counted

    @staticmethod
    def _page(generation, query, final, request, total, narrowed) -> tuple[list[int], list[float | None]]:
        first = (request.page - 1) * request.per_page
        if first >= total:
            return [], []
        if query is None or request.sort == "date":
            candidates = np.flatnonzero(final)
            order = np.argsort(-generation.published_days[candidates].astype(np.int64), kind="stable")
            chosen = candidates[order[first:first + request.per_page]]
            return [int(n) for n in chosen], [None] * len(chosen)
        searcher = generation.searcher()
        allowed = set(np.flatnonzero(final).tolist()) if narrowed else None
        results = searcher.search(query, filter=allowed, limit=first + request.per_page)
        page = list(results)[first:]
        return [hit.docnum for hit in page], [round(hit.score, 4) for hit in page]

    def _hit(self, generation, query, docnum: int, score: float | None) -> Hit:
        stored = generation.searcher().stored_fields(docnum)
        original_is_arabic = stored.get("lang") == "ar"
        title_ar, title_en = stored.get("title_ar", ""), stored.get("title_en", "")
        title, translation = (title_ar, title_en) if original_is_arabic else (title_en, title_ar)
        published = stored.get("published")
        return Hit(
            id=stored["id"], title=title or translation, title_translation=translation if title else "",
            snippet=self._snippet(generation, query, stored, original_is_arabic),
            published=published.date().isoformat() if published else None,
            precision=stored.get("precision"), lang=stored.get("lang", ""), source=stored.get("source", ""),
            url=stored.get("url", ""), governorates=_split(stored.get("governorate")),
            districts=_split(stored.get("district")), places=_split(stored.get("place")),
            actors=_split(stored.get("actor")), translation_langs=list(stored.get("translation_langs", [])),
            score=score)

    @staticmethod
    def _snippet(generation, query, stored, original_is_arabic) -> str:
        """Best highlighted fragment, original language first; escaped text when nothing matched."""
        schema = generation.index.schema
        bodies = ["body_ar", "body_en"] if original_is_arabic else ["body_en", "body_ar"]
        terms = query.all_terms() if query is not None else set()
        formatter = highlight.HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
        for body_field in bodies:
            text = stored.get(body_field)
            if not text:
                continue
            for analyzed_as, term_fields in ((body_field, {body_field, body_field.replace("body", "title")}),
                                             ("exact", {"exact", "exact_title"})):
                field_terms = {term for name, term in terms if name in term_fields}
                if not field_terms:
                    continue
                snippet = highlight.highlight(text, field_terms, schema[analyzed_as].analyzer, fragmenter,
                                              formatter, top=2)
                if snippet:
                    return snippet
        text = next((stored.get(name) for name in bodies if stored.get(name)), "")
        return highlight.htmlescape(text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else ""),
                                    quote=False)

    @staticmethod
    def _suggestion(generation, text: str) -> str | None:
        searcher = generation.searcher()
        corrector = searcher.corrector("exact")
        words = text.split()
        corrected = []
        for word in words[:10]:
            candidates = corrector.suggest(word.lower(), limit=1, maxdist=2)
            corrected.append(candidates[0] if candidates else word)
        suggestion = " ".join(corrected)
        return suggestion if suggestion.lower() != text.lower() else None

    def stats(self) -> dict:
        generation = self.generation()
        return {"generation": generation.path.name, **generation.manifest}


def _split(value: str | None) -> list[str]:
    return [part for part in (value or "").split(",") if part]
