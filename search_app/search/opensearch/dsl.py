"""Request bodies the OpenSearch backend sends: our parsed query tree as query DSL, filters,
disjunctive facet aggregations, the month histogram, the "try without" counts, more-like-this.

Pure functions of a request and a Whoosh query tree, so tests compare them with reviewed golden
files (tests/data/opensearch/) without a cluster. Every choice here mirrors what
``engine.SearchEngine`` computes with numpy masks; the comments say which part.
"""
from __future__ import annotations

import datetime as dt
from math import log

from whoosh import query as wq

from ..engine import FILTER_FACETS, PLACE_FACETS, SearchRequest, filter_group, narrower_choices

# Every value of a facet is counted (Whoosh counts them all): terms aggregations as large as the
# largest facet (places, outlets) can be, below the cluster's search.max_buckets (65,535).
FACET_SIZE = 10_000
MONTH_FORMAT = "yyyy-MM"
# Relevance ranks documents tagged with more of the query's places first (engine._place_tiers):
# each place concept a document is tagged with adds this much to its score, more than BM25 gives.
PLACE_TIER_WEIGHT = 1000.0
STORED_SOURCE = {"includes": ["stored"]}


def query_dsl(query) -> dict:
    """A Whoosh query tree (query.QueryBuilder's) as OpenSearch query DSL that matches the same
    documents: terms are already our analyzers' tokens, so nothing is analysed again."""
    if query is None or isinstance(query, wq.Every) and not query.fieldname:
        return {"match_all": {}}
    boost = {"boost": query.boost} if getattr(query, "boost", 1.0) != 1.0 else {}
    if isinstance(query, wq.Term):
        return {"term": {query.fieldname: {"value": query.text, **boost}}}
    if isinstance(query, wq.Phrase):
        return _phrase(query, boost)
    if isinstance(query, wq.Prefix):
        return {"prefix": {query.fieldname: {"value": query.text, **boost}}}
    if isinstance(query, wq.Wildcard):
        return {"wildcard": {query.fieldname: {"value": query.text, **boost}}}
    if isinstance(query, wq.AndNot):
        return {"bool": {"must": [query_dsl(query.a)], "must_not": [query_dsl(query.b)], **boost}}
    if isinstance(query, wq.Not):
        return {"bool": {"must_not": [query_dsl(query.query)], **boost}}
    if isinstance(query, wq.And):
        return {"bool": {"must": [query_dsl(child) for child in query.subqueries], **boost}}
    if isinstance(query, wq.Or):
        return {"bool": {"should": [query_dsl(child) for child in query.subqueries],
                         "minimum_should_match": 1, **boost}}
    if isinstance(query, wq.DateRange):
        return {"range": {query.fieldname: _date_bounds(query)}}
    if isinstance(query, wq.Every):
        return {"exists": {"field": query.fieldname}}
    if query is wq.NullQuery or isinstance(query, type(wq.NullQuery)):
        return {"match_none": {}}
    raise TypeError(f"no OpenSearch form for {type(query).__name__} queries")


def _phrase(query: wq.Phrase, boost: dict) -> dict:
    """Whoosh's slop is the largest step between consecutive words (1: adjacent, in order), which is
    ``match_phrase`` with slop 0. A larger one becomes an in-order ``span_near``, whose slop counts the
    positions between all the words together: the same for two words, stricter for more (the query
    parser makes only exact phrases)."""
    if query.slop == 1:
        return {"match_phrase": {query.fieldname: {"query": " ".join(query.words), "slop": 0, **boost}}}
    return {"span_near": {"clauses": [{"span_term": {query.fieldname: word}} for word in query.words],
                          "slop": query.slop - 1, "in_order": True, **boost}}


def _date_bounds(query) -> dict:
    bounds = {"format": "strict_date_hour_minute_second"}
    if query.startdate is not None:
        bounds["gt" if query.startexcl else "gte"] = query.startdate.strftime("%Y-%m-%dT%H:%M:%S")
    if query.enddate is not None:
        bounds["lt" if query.endexcl else "lte"] = query.enddate.strftime("%Y-%m-%dT%H:%M:%S")
    return bounds


def filter_clauses(request: SearchRequest) -> dict[str, dict]:
    """One clause per filter group, as engine._filter_masks: OR inside a group (a place chosen
    inside another chosen place stands for it), the groups to be ANDed by the caller."""
    clauses = {name: {"terms": {name: list(values)}} for name, values in request.filters().items()
               if name not in PLACE_FACETS}
    chosen = [(name, value) for name in PLACE_FACETS for value in getattr(request, name)]
    if chosen:
        refined = {parent for by_parent in narrower_choices(request).values() for parent in by_parent}
        places = [{"term": {name: value}} for name, value in chosen if value not in refined]
        clauses["place"] = _any_of(places)
    return clauses


def date_clause(request: SearchRequest) -> dict | None:
    """engine._date_mask: dated documents from the first day to the end of the last (inclusive)."""
    if request.date_from is None and request.date_to is None:
        return None
    bounds = {"format": "strict_date"}
    if request.date_from is not None:
        bounds["gte"] = request.date_from.isoformat()
    if request.date_to is not None:
        bounds["lt"] = (request.date_to + dt.timedelta(days=1)).isoformat()
    return {"range": {"published": bounds}}


def _any_of(clauses: list[dict]) -> dict:
    if not clauses:
        return {"match_none": {}}
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _all_of(clauses: list[dict]) -> dict:
    return {"bool": {"filter": clauses}} if clauses else {"match_all": {}}


def _filters_but(filters: dict[str, dict], dates: dict | None, dropped: str | None) -> list[dict]:
    """The filter clauses of every group but ``dropped`` ("date" drops the date range)."""
    kept = [clause for group, clause in filters.items() if group != dropped]
    return kept + ([dates] if dates is not None and dropped != "date" else [])


def facet_aggregations(request: SearchRequest) -> dict:
    """Disjunctive counts (engine._facet_counts): each facet counted over the query's matches with
    every filter but its own group's (the search's ``post_filter`` narrows only the hits), the
    month as a date histogram."""
    filters, dates = filter_clauses(request), date_clause(request)
    narrower = narrower_choices(request)
    aggregations: dict = {}
    for name in FILTER_FACETS + ("month",):
        if name == "month":
            values = {"date_histogram": {"field": "published", "calendar_interval": "month",
                                         "format": MONTH_FORMAT, "min_doc_count": 1}}
        else:
            values = {"terms": {"field": name, "size": FACET_SIZE}}
        inner = {"values": values}
        for parent, chosen in narrower.get(name, {}).items():
            # Hama with its Salamiyah district chosen stands for that district: count what it shows.
            inner[f"within:{parent}"] = {"filter": _any_of([{"term": {level: value}} for level, value in chosen])}
        aggregations[f"facet:{name}"] = {"filter": _all_of(_filters_but(filters, dates, filter_group(name))),
                                         "aggs": inner}
    return aggregations


def scored_query(query, place_concepts: list[tuple[str, ...]] = ()) -> dict:
    """The query, ranked with the place tiers first when it names places."""
    base = query_dsl(query)
    if not place_concepts:
        return base
    return {"function_score": {
        "query": base,
        "functions": [{"filter": {"terms": {"place": list(ids)}}, "weight": PLACE_TIER_WEIGHT}
                      for ids in place_concepts],
        "score_mode": "sum", "boost_mode": "sum"}}


def _sort(request: SearchRequest, query) -> list | None:
    """Newest first for a browse or sort=date (undated last; the index order, id, among equals)."""
    if query is None or request.sort == "date":
        return [{"published": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]
    return None


def search_body(request: SearchRequest, query, place_concepts=(), first: int | None = None,
                size: int | None = None) -> dict:
    """One page of hits (narrowed by every filter), the facet counts and the month histogram."""
    first = (request.page - 1) * request.per_page if first is None else first
    body = {"query": scored_query(query, place_concepts if query is not None and request.sort != "date" else ()),
            "from": first, "size": request.per_page if size is None else size,
            "track_total_hits": True, "_source": STORED_SOURCE,
            "aggs": facet_aggregations(request)}
    narrowing = _filters_but(filter_clauses(request), date_clause(request), None)
    if narrowing:
        body["post_filter"] = _all_of(narrowing)
    order = _sort(request, query)
    if order:
        body["sort"] = order
    return body


def documents_body(request: SearchRequest, query, place_concepts, limit: int) -> dict:
    """The first ``limit`` matches of every filter in the request's order (exports, feeds)."""
    narrowing = _filters_but(filter_clauses(request), date_clause(request), None)
    scored = scored_query(query, place_concepts if query is not None and request.sort != "date" else ())
    body = {"query": {"bool": {"must": [scored], "filter": narrowing}} if narrowing else scored,
            "from": 0, "size": limit, "track_total_hits": False, "_source": STORED_SOURCE}
    order = _sort(request, query)
    if order:
        body["sort"] = order
    return body


def without_body(request: SearchRequest, query) -> dict:
    """engine.without: the total with each filter group dropped, and with the query dropped ("q":
    a ``global`` aggregation, which ignores the query, filtered by every filter)."""
    filters, dates = filter_clauses(request), date_clause(request)
    groups = list(filters) + (["date"] if dates is not None else [])
    aggregations = {f"without:{group}": {"filter": _all_of(_filters_but(filters, dates, group))} for group in groups}
    if query is not None:
        aggregations["without:q"] = {"global": {},
                                     "aggs": {"filtered": {"filter": _all_of(_filters_but(filters, dates, None))}}}
    return {"query": query_dsl(query), "size": 0, "track_total_hits": False, "aggs": aggregations}


def count_body(query) -> dict:
    return {"query": query_dsl(query)}


def term_statistics_body(token_texts: dict[str, str]) -> dict:
    """A term vectors request for an artificial document holding an article's tokens by field:
    each term's frequency in the collection (``ttf``), as Whoosh's key_terms reads it."""
    return {"doc": token_texts, "fields": sorted(token_texts), "term_statistics": True, "field_statistics": False,
            "positions": False, "offsets": False, "payloads": False}


def key_terms(weights: dict[str, float], collection: dict[str, int], documents: int, number: int) -> list[tuple[str, float]]:
    """Whoosh's ``Searcher.key_terms`` with its Bo1 model and normalisation: ``weights`` the
    article's term frequencies in one field, ``collection`` their frequencies in the whole index
    (terms the index lacks are left out), ``documents`` the number of documents."""
    if not weights or not documents:
        return []
    scored, best = [], 0.0
    for term, weight in weights.items():
        frequency = collection.get(term)
        if not frequency:
            continue
        share = frequency / documents
        score = weight * log((1.0 + share) / share, 2) + log(1.0 + share, 2)
        best = max(best, score)
        scored.append((score, term))
    if not best:
        return []
    share = best / documents  # Bo1Model.normalizer
    norm = (best * log((1.0 + share) / share) + log(1.0 + share)) / log(2.0)
    ranked = sorted(((score / norm, term) for score, term in scored), key=lambda item: (-item[0], item[1]))
    return [(term, weight) for weight, term in ranked[:number]]


def related_body(query, article_id: str, size: int) -> dict:
    """The related query's weighted terms, the article itself left out."""
    return {"query": {"bool": {"must": [query_dsl(query)], "must_not": [{"ids": {"values": [article_id]}}]}},
            "size": size, "track_total_hits": False, "_source": STORED_SOURCE}
