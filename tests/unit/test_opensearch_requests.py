"""The request bodies the OpenSearch backend sends, compared with golden files in tests/data/opensearch/.

No cluster runs here, so the bodies are pinned: a change to what we send shows up as a diff to review.
Regenerate after an intended change with ``SEARCH_APP_REGENERATE_GOLDEN=1 pytest tests/unit/test_opensearch_requests.py``
and read the diff before committing it.

Reviewed by hand once against the OpenSearch documentation (2.x query DSL, aggregations, index and
document APIs), checking:
- term queries on text fields match the indexed token exactly (no analysis at query time): our terms are
  already our analyzers' output; ``boost`` is a per-clause parameter of term, prefix, match_phrase and bool;
- ``match_phrase`` with ``slop: 0`` is an exact in-order phrase (Whoosh's default slop of 1); larger Whoosh
  slops become ``span_near`` with ``in_order: true`` and ``slop`` = positions allowed between the words;
- ``bool`` ``should`` with ``minimum_should_match: 1`` is an OR, also beside ``must``/``filter``; a
  ``bool`` with only ``must_not`` matches every other document (Whoosh's ``-word`` alone);
- ``post_filter`` narrows the hits after aggregations ran, so each facet's ``filter`` aggregation (every
  filter group but its own) gives disjunctive counts; a top-level ``global`` aggregation ignores the query
  (the "without the query" count); aggregation names may hold any character but ``[``, ``]`` and ``>``;
- ``terms`` aggregations of ``size`` 10,000 return every value of our facets (counts are exact when
  ``size`` covers every value a shard holds); ``date_histogram`` takes ``calendar_interval: month``,
  ``format`` for ``key_as_string`` and ``min_doc_count: 1`` (only months with stories, as Whoosh's month
  facet has);
- ``range`` on a date with ``format: strict_date``, ``gte`` the first day and ``lt`` the day after the last;
- ``function_score`` with filter functions, ``weight``, ``score_mode: sum`` and ``boost_mode: sum`` adds the
  place tiers to the BM25 score; sorting on a ``date`` field with ``missing: _last``, then ``id`` (keyword);
- the index: a ``whitespace`` tokenizer with ``max_token_length`` 1,048,576 (Lucene's largest: no item is
  cut in two), then ``pattern_capture`` with ``preserve_original: false`` emits every capture of ``([^|]+)`` at the
  token's own position (Lucene's PatternCaptureGroupTokenFilter; a token without a capture is kept as it
  is); ``dynamic: strict``; an ``object`` with ``enabled: false`` is
  kept in ``_source`` but not indexed; ``_source.excludes`` keeps the token fields out of ``_source``;
  ``strict_date_hour_minute_second`` is a built-in date format;
- the bulk body is newline-delimited JSON, an action line (``index``/``delete`` with ``_index``, ``_id``)
  followed by the document for ``index``;
- ``POST _aliases`` applies all its ``remove``/``add`` actions atomically;
- term vectors of an artificial document (``doc``) with ``term_statistics: true`` give each term's ``ttf``
  (total term frequency in the shard, the whole index with one shard).
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from search_app.index.build import article_document
from search_app.index.opensearch import (alias_swap_actions, bulk_lines, index_definition, opensearch_document,
                                         token_schema, token_stream)
from search_app.models import Article, Translation
from search_app.search.engine import SearchRequest
from search_app.search.generation import RELATED_TERMS, related_query_of
from search_app.search.opensearch import dsl
from search_app.search.query import QueryBuilder

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "opensearch"
REGENERATE = os.environ.get("SEARCH_APP_REGENERATE_GOLDEN") == "1"


def matches_golden(name: str, body) -> bool:
    path = GOLDEN / name
    text = (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n" if name.endswith(".json")
            else "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in body))
    if REGENERATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with SEARCH_APP_REGENERATE_GOLDEN=1 and review it"
    return path.read_text(encoding="utf-8") == text


def parsed(q: str, expand: bool = True):
    return QueryBuilder(token_schema(), expand=expand).parse(q)


def search_body(request: SearchRequest) -> dict:
    found = parsed(request.q, request.expand)
    return dsl.search_body(request, found.query, found.place_concepts)


def test_conscription_hama_with_filters():
    request = SearchRequest(q="conscription Hama", governorate=("SY05",), lang=("ar", "en"), kind=("article",))
    assert matches_golden("search_conscription_hama_filtered.json", search_body(request))


def test_disjunctive_facets_with_a_district_chosen_inside_its_governorate():
    request = SearchRequest(governorate=("SY05", "SY07"), district=("SY0502",), actor=("sdf",), year=("2019",))
    assert matches_golden("facets_disjunctive.json", dsl.facet_aggregations(request))
    # Hama (SY05) is refined by its district: the place filter ORs Homs and the district, not Hama.
    assert dsl.filter_clauses(request)["place"] == {"bool": {"should": [{"term": {"governorate": "SY07"}},
                                                                        {"term": {"district": "SY0502"}}],
                                                             "minimum_should_match": 1}}


def test_date_range_newest_first_with_the_month_histogram():
    request = SearchRequest(q="shelling", date_from=dt.date(2019, 1, 1), date_to=dt.date(2019, 12, 31), sort="date",
                            page=2, per_page=10)
    body = search_body(request)
    assert matches_golden("search_date_range_histogram.json", body)
    assert body["post_filter"] == {"bool": {"filter": [{"range": {"published": {
        "format": "strict_date", "gte": "2019-01-01", "lt": "2020-01-01"}}}]}}


def test_arabic_spelling_variants_send_the_same_request():
    taa_marbuta, haa = search_body(SearchRequest(q="حماة", expand=False)), search_body(SearchRequest(q="حماه", expand=False))
    assert taa_marbuta == haa
    assert matches_golden("search_arabic_spelling_variant.json", haa)


def test_phrase():
    assert matches_golden("search_phrase.json", search_body(SearchRequest(q='"military service" Aleppo')))


def test_not_and_exclusion():
    assert matches_golden("search_not.json", search_body(SearchRequest(q="conscription -Hama NOT Homs")))
    only_excluded = parsed("-Hama", expand=False).query
    assert dsl.query_dsl(only_excluded)["bool"]["must"] == [{"match_all": {}}]


def test_without_counts():
    request = SearchRequest(q="conscription", governorate=("SY05",), lang=("en",), date_from=dt.date(2015, 1, 1))
    found = parsed(request.q)
    assert matches_golden("without_counts.json", dsl.without_body(request, found.query))


def _story() -> dict:
    """An article written for this test (no corpus text), as the Whoosh index stores it."""
    article = Article(
        id="test-hama-1", url="https://example.org/hama-draft", source="Example Wire", lang="en",
        title="Conscription raids in Hama countryside", published="2019-10-05T00:00:00+00:00",
        published_precision="day",
        body="Security forces set up checkpoints in Deir ez-Zor and Hama to detain young men evading "
             "conscription. Families in Salamiyah said the raids on conscripts began at dawn.",
        translations=(Translation("ar", "حملات تجنيد في ريف حماة", "أقامت القوات حواجز في حماة لاعتقال الشبان "
                                                                  "المتخلفين عن الخدمة الإلزامية."),),
        governorates=("SY05", "SY09"), districts=("SY0502",), places=("SY05", "SY0502", "SY09"), actors=("sdf",))
    return article_document(article)


def test_more_like_this_requests():
    stored = _story()
    stored["title_ar"], stored["body_ar"] = "حملات تجنيد في ريف حماة", "أقامت القوات حواجز في حماة."
    schema = token_schema()
    fields = [name for name in ("body_en", "body_ar", "title_en", "title_ar") if stored.get(name)]
    vectors = dsl.term_statistics_body({name: token_stream(schema[name].analyzer, stored[name]) for name in fields})
    assert matches_golden("more_like_this_term_vectors.json", vectors)
    # Collection frequencies as a cluster might answer them (here: one more than the term's length),
    # so the weighting and the related query built from it are pinned too.
    def key_terms(name):
        weights = {}
        for token in schema[name].analyzer(stored[name], mode="index"):
            weights[token.text] = weights.get(token.text, 0) + 1
        return dsl.key_terms(weights, {term: len(term) + 1 for term in weights}, 1000, RELATED_TERMS)
    query = related_query_of(stored, key_terms)
    assert matches_golden("more_like_this_search.json", dsl.related_body(query, stored["id"], 30))


def test_bulk_body_of_two_documents_and_a_delete():
    first = _story()
    second = dict(first, id="test-hama-2", title_en="Draft dodgers flee Hama", body_en="Young men fled Hama.",
                  title_ar="", body_ar="", exact_title="Draft dodgers flee Hama", exact="Young men fled Hama.")
    lines = bulk_lines("syria-news-20261207t101500000000", [opensearch_document(first), opensearch_document(second)],
                       deleted_ids=["gone-1"])
    assert matches_golden("bulk_two_documents.ndjson", lines)
    document = lines[2]
    assert "deir ez|ezzor zor|ezzor" in document["exact"]  # Deir ez-Zor: "ezzor" shares both parts' places
    assert document["stored"]["published"] == "2019-10-05T00:00:00" and document["governorate"] == ["SY05", "SY09"]


def test_alias_swap_is_one_atomic_request():
    body = alias_swap_actions("syria-news", "syria-news-20261207t101500000000",
                              ["syria-news-20261206t101500000000"])
    assert matches_golden("alias_swap.json", body)
    first_build = alias_swap_actions("syria-news", "syria-news-20261207t101500000000", [])
    assert first_build == {"actions": [{"add": {"index": "syria-news-20261207t101500000000", "alias": "syria-news"}}]}


def test_index_mapping_and_settings():
    body = index_definition(shards=3, replicas=1)
    assert matches_golden("index_definition.json", body)
    assert body["settings"]["index"]["number_of_shards"] == 3


@pytest.mark.parametrize("text, expected", [
    ("Deir ez-Zor province", "deir ez|ezzor zor|ezzor province"),
    ("The men of Hama", "men hama"),  # stop words leave no hole: Whoosh renumbers positions too
    ("Hama " + "x" * 40_000 + " Homs", "hama | homs"),  # Lucene refuses terms over 32,766 bytes: left out
])
def test_tokens_keep_whoosh_positions(text, expected):
    analyzer = token_schema()["body_en" if "men" in text else "exact"].analyzer
    assert token_stream(analyzer, text) == expected


def test_every_query_the_builder_makes_has_an_opensearch_form():
    for q in ("conscription Hama", '"Deir ez-Zor"', "Alep*", "title:Hama", "source:reuters", "Hama OR Homs",
              "-Hama", "NOT Homs shelling", "التجنيد في حماة", "Jordan", "SDF Raqqa 2019"):
        found = parsed(q)
        for query in (found.query, found.relaxed_query):
            json.dumps(dsl.query_dsl(query))


def test_without_the_extra_the_backend_says_what_to_install(monkeypatch, tmp_path):
    from search_app.index.opensearch import OpenSearchUnavailable, connect
    from search_app.settings import Settings

    settings = Settings.from_env({"SEARCH_APP_BACKEND": "opensearch", "SEARCH_APP_OPENSEARCH_URL": "http://localhost:9200"})
    with pytest.raises(OpenSearchUnavailable, match="SEARCH_APP_OPENSEARCH_URL"):
        connect(Settings.from_env({"SEARCH_APP_BACKEND": "opensearch"}))
    monkeypatch.setitem(__import__("sys").modules, "opensearchpy", None)  # as if opensearch-py were not installed
    with pytest.raises(OpenSearchUnavailable, match=r"pip install 'search-app\[opensearch\]'"):
        connect(settings)
