"""Answers kept per generation: a request asked again gets the answer a fresh engine gives, any
difference in the request (filter, page, sort, language, ...) gets its own, and a new generation
never serves the old one's."""
import copy
import dataclasses
import datetime as dt

from search_app.index.build import rebuild, update
from search_app.ingest import ingest_paths
from search_app.search import SearchEngine, SearchRequest
from search_app.search.query import QueryBuilder
from search_app.store import open_store

from devtools.soak import write_articles

from ..conftest import make_settings


def _seen(response) -> dict:
    """What a reader of a response sees (``took_ms`` aside)."""
    return {"total": response.total, "hits": [dataclasses.asdict(hit) for hit in response.hits],
            "facets": {name: [dataclasses.asdict(value) for value in values]
                       for name, values in response.facets.items()},
            "expansions": response.expansions, "suggestion": response.suggestion,
            "corrected": response.corrected_query, "relaxed": response.relaxed, "request": response.request}


BASE = SearchRequest(q="Aleppo")
VARIANTS = [
    BASE,
    SearchRequest(q="Aleppo", page=2),
    SearchRequest(q="Aleppo", per_page=5),
    SearchRequest(q="Aleppo", sort="date"),
    SearchRequest(q="Aleppo", lang=("ar",)),
    SearchRequest(q="Aleppo", governorate=("SY02",)),
    SearchRequest(q="Aleppo", date_from=dt.date(2016, 1, 1)),
    SearchRequest(q="Aleppo", expand=False),
    SearchRequest(q="Aleppo shelling"),
    SearchRequest(q="Alepo", spell=False),
    SearchRequest(q="Alepo"),
]


def test_every_variant_of_a_request_gets_the_answer_a_fresh_engine_gives(demo_settings):
    kept = SearchEngine(demo_settings.index_dir)
    answers = [_seen(kept.search(request)) for request in VARIANTS]
    assert len({repr(answer) for answer in answers}) == len(VARIANTS)  # each variant answers differently
    for request, first in zip(reversed(VARIANTS), reversed(answers)):  # asked again, from the cache
        again = _seen(kept.search(request))
        assert again == first == _seen(SearchEngine(demo_settings.index_dir).search(request))


def test_changing_a_returned_response_does_not_change_the_next_answer(demo_settings):
    engine = SearchEngine(demo_settings.index_dir)
    first = engine.search(BASE)
    expected = copy.deepcopy(_seen(first))
    first.hits.clear()
    first.facets["governorate"].clear()
    first.expansions.append("changed")
    assert _seen(engine.search(BASE)) == expected


def test_a_request_with_lists_for_tuples_is_the_same_request(demo_settings):
    """A request built from JSON (lists, not tuples) is kept and found like any other."""
    engine = SearchEngine(demo_settings.index_dir)
    listed = SearchRequest(q="Aleppo", governorate=["SY02"], lang=[], actor=iter(()))
    assert listed == VARIANTS[5] and hash(listed) == hash(VARIANTS[5])
    assert _seen(engine.search(listed))["hits"] == _seen(engine.search(VARIANTS[5]))["hits"]


def test_a_new_generation_never_serves_the_old_answer(tmp_path):
    settings = make_settings(tmp_path)
    with open_store(settings) as store:
        ingest_paths(store, [write_articles(tmp_path / "a.jsonl", 0, 10)], settings.quarantine_dir)
        rebuild(store, settings.index_dir)
        engine = SearchEngine(settings.index_dir)
        request = SearchRequest(q="report", per_page=100)
        assert engine.search(request).total == engine.search(request).total == 10
        ingest_paths(store, [write_articles(tmp_path / "b.jsonl", 10, 5)], settings.quarantine_dir)
        update(store, settings.index_dir)
    answer = engine.search(request)
    assert answer.total == 15 and len(answer.hits) == 15
    assert answer.generation != "" and _seen(answer) == _seen(SearchEngine(settings.index_dir).search(request))



def test_a_kept_parse_is_the_parse_a_fresh_builder_makes(demo_settings):
    generation = SearchEngine(demo_settings.index_dir).generation()
    texts = ["Aleppo", "Aleppo shelling", '"Aleppo shelling"', "حلب", "Alep*", "Aleppo -shelling", ""]
    for expand in (True, False):
        kept = generation.query_builder(expand)
        for text in texts:
            fresh = QueryBuilder(generation.schema, expand=expand, reader=generation.searcher().reader()).parse(text)
            assert kept.parse(text) == fresh and kept.parse(text) is kept.parse(text)
    assert generation.query_builder(True).parse("Aleppo") != generation.query_builder(False).parse("Aleppo")
