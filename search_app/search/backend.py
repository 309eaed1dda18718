"""The search backend interface: everything the web, the API, exports, feeds and the CLI ask of an index.

Two implementations: ``engine.SearchEngine`` (Whoosh generations on this machine, the default) and
``opensearch.OpenSearchBackend`` (an OpenSearch cluster). Callers get one from ``open_backend`` and
never learn which it is; both answer with the same result types, and for the same store and request
the same matches and facet counts (tests/contract holds them to it; scores may differ).
"""
from __future__ import annotations

from typing import Iterator, Protocol, runtime_checkable

from ..settings import Settings
from .engine import Document, FacetValue, Hit, NoIndexError, SearchRequest, SearchResponse
from .marks import TextMarker

__all__ = ["SearchBackend", "open_backend", "Document", "FacetValue", "Hit", "NoIndexError", "SearchRequest",
           "SearchResponse", "TextMarker"]


@runtime_checkable
class SearchBackend(Protocol):
    """What is asked of an index. Every method raises ``NoIndexError`` when nothing is built yet."""

    def search(self, request: SearchRequest) -> SearchResponse:
        """One page of hits with disjunctive facet counts (each facet counted without its own filter),
        the month histogram (facet "month"), expansions, spelling and the relaxed fallback."""

    def without(self, request: SearchRequest) -> dict[str, int]:
        """Totals with one filter group dropped ("place", "actor", ..., "date") and with the query
        dropped ("q"): what a page with no results offers."""

    def iter_documents(self, request: SearchRequest, limit: int) -> Iterator[Document]:
        """The first ``limit`` matches in the request's order, in full (exports and feeds)."""

    def more_like_this(self, article_id: str, limit: int = 5) -> list[Hit]:
        """Related stories in both languages (empty for an id the index does not hold)."""

    def text_marker(self, q: str, expand: bool = True) -> TextMarker:
        """What marks the matches of ``q`` in a whole text (the article page)."""

    def stats(self) -> dict:
        """What answers: ``generation`` (a name), ``documents``, ``built_at``, ``dictionary`` and
        backend details for /healthz and /stats."""

    def check(self) -> None:
        """Raise ``NoIndexError`` unless an index is there to answer (before a long download)."""

    def dictionary_status(self) -> dict:
        """Whether query words the glossary lacks are translated, and by which dictionaries."""

    def warm_up(self) -> None:
        """Load what a first query needs, so no reader waits for it."""


def open_backend(settings: Settings) -> SearchBackend:
    """The backend ``SEARCH_APP_BACKEND`` names, reading the configured index."""
    from ..text.dictionary import open_dictionary

    dictionary = open_dictionary(settings.dictionary_dir, settings.cache_dir)
    if settings.backend == "opensearch":
        from .opensearch import OpenSearchBackend

        return OpenSearchBackend(settings, dictionary=dictionary)
    from .engine import SearchEngine

    return SearchEngine(settings.index_dir, dictionary=dictionary)
