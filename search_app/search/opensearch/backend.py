"""The OpenSearch backend: the search interface over an index behind an alias on a cluster.

Queries are parsed and expanded by our QueryBuilder against the same Whoosh schema (its analyzers
make the terms) and sent as DSL (``dsl``); hits, snippets and documents are built from the stored
fields by the engine's own functions; spelling by the engine's speller over the word list each build
writes beside its index (``index.opensearch.words_index``).
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace

from whoosh import query as wq

from ...index.opensearch import (STORED_DATE_FORMAT, OpenSearchUnavailable, connect, index_meta, live_index,
                                 read_words, token_schema, token_stream)
from ...settings import Settings
from ..engine import (FILTER_FACETS, RELATED_LIMIT, Document, FacetValue, Hit, NoIndexError, SearchRequest,
                      SearchResponse, mix_languages, narrower_choices)
from ..generation import RELATED_FIELDS, RELATED_TERMS, highlight_units, related_query_of, snippet_of
from ..marks import TextMarker
from ..query import QueryBuilder
from ..spelling import Speller, Spelling, SpellingDecision
from . import dsl

FREQUENCY_CACHE = 10_000  # (field, term) document frequencies kept for the dictionary's filter


class QueryTooLarge(NoIndexError):
    """The expanded query has more clauses than the cluster allows (indices.query.bool.max_clause_count):
    searched again as typed, without expansions."""


class OpenSearchBackend:
    """Reads the alias ``SEARCH_APP_OPENSEARCH_INDEX``: a rebuild's swap is seen on the next request."""

    def __init__(self, settings: Settings, dictionary=None, client=None):
        self.settings = settings
        self.alias = settings.opensearch_index
        self.dictionary = dictionary
        self._client = client
        self._lock = threading.Lock()
        self._reader = _IndexReader(self._count, self._words)
        self._spellers: dict[str, Speller] = {}  # of the live index only: its word list is read once

    @property
    def client(self):
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = connect(self.settings)
        return self._client

    @contextmanager
    def _answering(self):
        """Whatever keeps the cluster from answering reaches the pages as "no index", with why."""
        try:
            from opensearchpy.exceptions import ConnectionError as Unreachable, NotFoundError, TransportError
        except ImportError:
            Unreachable = NotFoundError = TransportError = ()  # connect() says what to install
        try:
            yield
        except OpenSearchUnavailable as error:
            raise NoIndexError(str(error)) from None
        except NotFoundError:
            raise NoIndexError(f"no index behind the alias {self.alias!r} at {self.settings.opensearch_url}; "
                               "run `search-app index rebuild`") from None
        except Unreachable as error:
            raise NoIndexError(f"OpenSearch at {self.settings.opensearch_url} does not answer: {error}") from None
        except TransportError as error:
            if "clauses" in str(error):  # too_many_clauses / too_many_nested_clauses
                raise QueryTooLarge(str(error)) from None
            raise NoIndexError(f"OpenSearch at {self.settings.opensearch_url} refused: {error}") from None

    def _search(self, body: dict) -> dict:
        with self._answering():
            return self.client.search(index=self.alias, body=body)

    def _count(self, query) -> int:
        with self._answering():
            return int(self.client.count(index=self.alias, body=dsl.count_body(query))["count"])

    def _builder(self, expand: bool) -> QueryBuilder:
        return QueryBuilder(token_schema(), expand=expand, dictionary=self.dictionary, reader=self._reader)

    def _words(self) -> list[str]:
        with self._answering():
            return read_words(self.client, self._live_name())

    def _speller(self) -> Speller:
        live = self._live_name()
        found = self._spellers.get(live)
        if found is None:
            found = Speller(token_schema())
            self._spellers = {live: found}
            self._reader.known.clear()  # another index: other frequencies
        return found

    def _spelling_decision(self, expand: bool) -> SpellingDecision[wq.Query | None]:
        """The engine's spelling choice, with count requests: a query "finds" when the cluster
        counts a match for it (nothing is kept of its matches but the query)."""
        return SpellingDecision(parse=self._builder(expand).parse,
                                correct=lambda text: self._speller().correct(text, self._reader),
                                finds=lambda query: self._count(query) > 0)

    def _searched(self, request: SearchRequest):
        """(parsed, query, relaxed, spelling): what is searched, the correction and relaxed fallback included."""
        understood = self._spelling_decision(request.expand).understand(request.q, request.spell)
        return understood.parsed, understood.query, understood.relaxed, understood.spelling

    def _suggestion(self, request: SearchRequest, spelling: Spelling) -> str | None:
        return self._spelling_decision(request.expand).suggestion(request.q, spelling)

    @staticmethod
    def _within_clause_limit(method, request: SearchRequest, *args):
        """``method(request, ...)``, or of the words as typed when the expansions pass the limit."""
        try:
            return method(request, *args)
        except QueryTooLarge:
            if not request.expand:
                raise
            return method(replace(request, expand=False), *args)

    def search(self, request: SearchRequest) -> SearchResponse:
        return replace(self._within_clause_limit(self._search_page, request), request=request)

    def _search_page(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        live = self._live_name()
        parsed, query, relaxed, spelling = self._searched(request)
        first = (request.page - 1) * request.per_page
        size = max(0, min(request.per_page, dsl.FACET_SIZE - first))  # past max_result_window: counts only
        answer = self._search(dsl.search_body(request, query, parsed.place_concepts, min(first, dsl.FACET_SIZE), size))
        scored = query is not None and request.sort != "date"
        hits = [_hit(query, _stored(item["_source"]["stored"]), round(item["_score"], 4) if scored else None)
                for item in answer["hits"]["hits"]]
        return SearchResponse(request=request, total=answer["hits"]["total"]["value"], hits=hits,
                              facets=_facet_counts(request, answer["aggregations"]),
                              took_ms=round((time.perf_counter() - started) * 1000, 2),
                              expansions=parsed.expansions, relaxed=relaxed, generation=live,
                              suggestion=self._suggestion(request, spelling), corrected_query=spelling.corrected)

    def without(self, request: SearchRequest) -> dict[str, int]:
        return self._within_clause_limit(self._without, request)

    def _without(self, request: SearchRequest) -> dict[str, int]:
        _, query, _, _ = self._searched(request)
        aggregations = self._search(dsl.without_body(request, query))["aggregations"]
        counts = {}
        for name, found in aggregations.items():
            group = name.removeprefix("without:")
            counts[group] = found["filtered"]["doc_count"] if group == "q" else found["doc_count"]
        return counts

    def iter_documents(self, request: SearchRequest, limit: int):
        answer = self._within_clause_limit(self._documents, request, limit)
        for item in answer["hits"]["hits"]:
            yield Document.from_stored(_stored(item["_source"]["stored"]))

    def _documents(self, request: SearchRequest, limit: int) -> dict:
        parsed, query, _, _ = self._searched(request)
        return self._search(dsl.documents_body(request, query, parsed.place_concepts, max(1, min(limit, dsl.FACET_SIZE))))

    def more_like_this(self, article_id: str, limit: int = RELATED_LIMIT) -> list[Hit]:
        with self._answering():
            found = self.client.search(index=self.alias, body={"query": {"ids": {"values": [article_id]}},
                                                               "size": 1, "_source": dsl.STORED_SOURCE})
        if not found["hits"]["hits"]:
            return []
        stored = _stored(found["hits"]["hits"][0]["_source"]["stored"])
        query = related_query_of(stored, self._key_terms(stored))
        if query is None:
            return []
        answer = self._search(dsl.related_body(query, article_id, limit * 6))
        ranked = [(_stored(item["_source"]["stored"]), round(item["_score"], 4),
                   item["_source"]["stored"].get("lang", "")) for item in answer["hits"]["hits"]]
        return [_hit(None, stored, score)
                for stored, score, _ in mix_languages(ranked, limit)]

    def _key_terms(self, stored: dict):
        """key_terms(fieldname) for related_query_of: Whoosh's Bo1 weighting, with the collection
        frequencies read from the cluster in one term vectors request."""
        schema = token_schema()
        fields = [name for name in RELATED_FIELDS if stored.get(name)]
        weights = {name: Counter(token.text for token in schema[name].analyzer(stored[name], mode="index"))
                   for name in fields}
        with self._answering():
            vectors = self.client.termvectors(index=self._live_name(), body=dsl.term_statistics_body(
                {name: token_stream(schema[name].analyzer, stored[name]) for name in fields}))
            documents = int(self.client.count(index=self.alias)["count"])
        collection = {name: {term: info.get("ttf", 0) for term, info in
                             vectors.get("term_vectors", {}).get(name, {}).get("terms", {}).items()}
                      for name in fields}
        return lambda name: dsl.key_terms(weights.get(name, {}), collection.get(name, {}), documents, RELATED_TERMS)

    def text_marker(self, q: str, expand: bool = True) -> TextMarker:
        if not q.strip():
            return TextMarker()
        parsed = self._builder(expand).parse(q)
        query = parsed.query if parsed.query is not None else parsed.relaxed_query
        return TextMarker(token_schema(), highlight_units(query))

    def _live_name(self) -> str:
        with self._answering():
            live = live_index(self.client, self.alias)
        if live is None:
            raise NoIndexError(f"no index behind the alias {self.alias!r} at {self.settings.opensearch_url}; "
                               "run `search-app index rebuild`")
        return live

    def check(self) -> None:
        self._live_name()

    def stats(self) -> dict:
        live = self._live_name()
        with self._answering():
            meta = index_meta(self.client, live)
            documents = int(self.client.count(index=live)["count"])
        return {"generation": live, "alias": self.alias, "backend": "opensearch", **meta, "documents": documents,
                "dictionary": self.dictionary_status()}

    def dictionary_status(self) -> dict:
        names = self.dictionary.names if self.dictionary is not None else []
        return {"in_use": bool(names), "dictionaries": names}

    def warm_up(self) -> None:
        try:
            self.search(SearchRequest(q="Aleppo حلب", per_page=1))
        except NoIndexError:
            pass


class _IndexReader:
    """What QueryBuilder and the Speller ask of a Whoosh reader: document frequencies (count
    requests, remembered), the document count and the exact field's words (the build's word list)."""

    def __init__(self, count, words):
        self.count = count  # documents matching a query
        self.words = words  # the live index's word list
        self.known: dict[tuple[str, str], int] = {}

    def lexicon(self, fieldname: str):
        return (word.encode("utf-8") for word in self.words())

    def doc_frequency(self, fieldname: str, text: str) -> int:
        key = (fieldname, text)
        found = self.known.get(key)
        if found is None:
            found = self.count(wq.Term(fieldname, text))
            if len(self.known) >= FREQUENCY_CACHE:  # threads share it: a lost entry is only asked again
                self.known.clear()
            self.known[key] = found
        return found

    def doc_count(self) -> int:
        return self.count(None)


def _hit(query, stored: dict, score: float | None) -> Hit:
    """A result line as the Whoosh engine makes it: the snippet by our own code on the stored text."""
    return Hit.from_stored(stored, *snippet_of(token_schema(), query, stored), score)


def _stored(stored: dict) -> dict:
    """Stored fields as the Whoosh index returns them: ``published`` a datetime."""
    published = stored.get("published")
    if isinstance(published, str):
        stored = {**stored, "published": dt.datetime.strptime(published, STORED_DATE_FORMAT)}
    return stored


def _facet_counts(request: SearchRequest, aggregations: dict) -> dict[str, list[FacetValue]]:
    """The aggregations' buckets as engine._facet_counts returns them: chosen values with no
    matches at 0, a place refined by a narrower choice counted as what it shows."""
    counted = {}
    for name in FILTER_FACETS + ("month",):
        found = aggregations[f"facet:{name}"]
        counts = {bucket.get("key_as_string", bucket["key"]): bucket["doc_count"]
                  for bucket in found["values"]["buckets"] if bucket["doc_count"]}
        selected = set(getattr(request, name, ()))
        for value in selected - counts.keys():
            counts[value] = 0
        for parent in narrower_choices(request).get(name, {}):
            counts[parent] = found[f"within:{parent}"]["doc_count"]
        counted[name] = sorted((FacetValue(value, count, value in selected) for value, count in counts.items()),
                               key=lambda item: (-item.count, item.value))
    return counted

