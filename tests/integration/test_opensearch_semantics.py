"""What the OpenSearch backend sends means what the Whoosh engine computes: the same matches, facet
counts, "try without" counts and exports, request by request, over the demo corpus.

The requests are read by tests/opensearch_sim.py, an in-memory reading of the documented meaning of
the DSL, aggregations and index APIs we use (not a cluster: the contract suite runs against a real one
when SEARCH_APP_OPENSEARCH_URL is set). The real build (`index.opensearch.rebuild`) and the real
backend run against it; only the cluster is simulated.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

pytest.importorskip("opensearchpy", reason="the [opensearch] extra is not installed")

from search_app.index import opensearch as opensearch_index  # noqa: E402
from search_app.search.engine import SearchEngine, SearchRequest  # noqa: E402
from search_app.search.opensearch import OpenSearchBackend  # noqa: E402
from search_app.store import open_store  # noqa: E402
from tests.opensearch_sim import SimulatedCluster, analyze  # noqa: E402

REQUESTS = [
    SearchRequest(q="conscription Hama"),
    SearchRequest(q="conscription Hama", governorate=("SY05",)),
    SearchRequest(q="conscription", governorate=("SY05", "SY07"), lang=("en",)),
    SearchRequest(q="حماه"), SearchRequest(q="حماة", expand=False), SearchRequest(q="Hamah"),
    SearchRequest(q='"military service"'), SearchRequest(q='"Deir ez-Zor"'), SearchRequest(q="Deir Ezzor"),
    SearchRequest(q="conscription -Hama"), SearchRequest(q="shelling NOT Idlib"), SearchRequest(q="-Aleppo"),
    SearchRequest(q="Alep*"), SearchRequest(q="Hama OR Homs"), SearchRequest(q="title:Hama"),
    SearchRequest(q="التجنيد في حماة"), SearchRequest(q="SDF Raqqa"), SearchRequest(q="Jordan"),
    SearchRequest(q="displacement", date_from=dt.date(2019, 1, 1), date_to=dt.date(2020, 12, 31)),
    SearchRequest(date_from=dt.date(2019, 10, 5), date_to=dt.date(2019, 10, 5)),
    SearchRequest(governorate=("SY05",), district=("SY0502",)),
    SearchRequest(actor=("sdf",), year=("2019", "2020")),
    SearchRequest(q="conscription Hama zzyzxq"),  # nothing has every word: the relaxed fallback
    SearchRequest(q="Hama", sort="date", page=2, per_page=5),
    SearchRequest(),
]


@pytest.fixture(scope="module")
def backends(demo_settings):
    cluster = SimulatedCluster()
    settings = replace(demo_settings, backend="opensearch", opensearch_url="http://simulated:9200")
    with open_store(settings) as store:
        built = opensearch_index.rebuild(store, settings, client=cluster)
    assert built.documents > 100
    return SearchEngine(demo_settings.index_dir), OpenSearchBackend(settings, client=cluster), cluster


def _facets(response):
    return {name: [(v.value, v.count, v.selected) for v in values] for name, values in response.facets.items()}


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: f"{r.q or 'browse'}-{sorted(r.filters())}")
def test_same_matches_and_counts_as_whoosh(backends, request_):
    whoosh, opensearch, _ = backends
    every = replace(request_, page=1, per_page=500, spell=False)
    expected, found = whoosh.search(every), opensearch.search(every)
    assert found.total == expected.total
    assert {hit.id for hit in found.hits} == {hit.id for hit in expected.hits}
    assert _facets(found) == _facets(expected)
    assert found.relaxed == expected.relaxed and found.expansions == expected.expansions
    assert opensearch.without(every) == whoosh.without(every)
    assert ({document.id for document in opensearch.iter_documents(every, 1000)}
            == {document.id for document in whoosh.iter_documents(every, 1000)})


def test_pages_by_date_hold_the_same_stories(backends):
    whoosh, opensearch, _ = backends
    request = SearchRequest(q="Hama", sort="date", page=2, per_page=5, spell=False)
    assert [hit.published for hit in opensearch.search(request).hits] == \
        [hit.published for hit in whoosh.search(request).hits]


def test_hits_are_the_same_results_but_for_the_score(backends):
    whoosh, opensearch, _ = backends
    request = SearchRequest(q="conscription Hama", governorate=("SY05",), per_page=500, spell=False)
    expected = {hit.id: replace(hit, score=None) for hit in whoosh.search(request).hits}
    found = {hit.id: replace(hit, score=None) for hit in opensearch.search(request).hits}
    assert found == expected  # titles, snippets, places, outlets: built from the same stored fields


def test_more_like_this_finds_related_stories_in_both_languages(backends):
    whoosh, opensearch, _ = backends
    article = whoosh.search(SearchRequest(q="conscription Hama", per_page=1)).hits[0].id
    related = opensearch.more_like_this(article)
    assert related and article not in {hit.id for hit in related}
    assert {hit.lang for hit in related} == {"en", "ar"}
    overlap = {hit.id for hit in related} & {hit.id for hit in whoosh.more_like_this(article)}
    assert overlap  # the same Bo1 key terms; scores differ (Lucene's BM25)


def test_stats_and_the_alias(backends):
    whoosh, opensearch, cluster = backends
    stats = opensearch.stats()
    assert stats["documents"] == whoosh.stats()["documents"]
    assert cluster.aliases["syria-news"] == stats["generation"] and stats["store_seq"] > 0


def test_positions_survive_the_token_encoding():
    assert analyze("deir ez|ezzor zor|ezzor province") == {
        "deir": [0], "ez": [1], "ezzor": [1, 2], "zor": [2], "province": [3]}


def _write(path, first: int, count: int):
    import json

    path.write_text("".join(json.dumps({
        "url": f"https://example.org/sim/{n}", "source": "Example", "lang": "en", "published": "2020-03-01",
        "title": f"Shelling report {n} from Idlib", "body": f"Report number {n}: shelling hit Idlib overnight."},
        ensure_ascii=False) + "\n" for n in range(first, first + count)), encoding="utf-8")
    return path


def test_update_rebuild_swap_and_prune_on_the_cluster(tmp_path):
    from search_app.ingest import ingest_paths
    from tests.conftest import make_settings

    cluster = SimulatedCluster()
    settings = replace(make_settings(tmp_path), backend="opensearch", opensearch_url="http://simulated:9200",
                       keep_generations=2)
    backend = OpenSearchBackend(settings, client=cluster)
    with open_store(settings) as store:
        ingest_paths(store, [_write(tmp_path / "a.jsonl", 0, 10)], settings.quarantine_dir)
        first = opensearch_index.update(store, settings, client=cluster)  # no index yet: a rebuild
        assert first.kind == "rebuild" and backend.search(SearchRequest(q="shelling")).total == 10
        gone = sorted(hit.id for hit in backend.search(SearchRequest(q="shelling", per_page=50)).hits)[0]
        with store.transaction():
            store.delete(gone)
        ingest_paths(store, [_write(tmp_path / "b.jsonl", 10, 3)], settings.quarantine_dir)
        updated = opensearch_index.update(store, settings, client=cluster)
        assert updated.kind == "update" and updated.generation == first.generation
        assert opensearch_index.update(store, settings, client=cluster).kind == "unchanged"
        found = {hit.id for hit in backend.search(SearchRequest(q="shelling", per_page=50)).hits}
        assert len(found) == 12 and gone not in found

        def killed(articles, total):
            for number, article in enumerate(articles):
                if number == 5:
                    raise KeyboardInterrupt
                yield article

        with pytest.raises(KeyboardInterrupt):
            opensearch_index.rebuild(store, settings, progress=killed, client=cluster)
        assert backend.stats()["generation"] == first.generation.name  # the alias never moved
        built = {name for name in cluster.indices_by_name if not name.endswith(".words")}
        assert len(built) == 2  # the unfinished index waits for the next pruning
        second = opensearch_index.rebuild(store, settings, client=cluster)
        third = opensearch_index.rebuild(store, settings, client=cluster)
    assert backend.stats()["generation"] == third.generation.name
    # keep 2: the live index and the newest other one; the unfinished and the first are gone
    kept = {second.generation.name, third.generation.name}
    assert set(cluster.indices_by_name) == kept | {f"{name}.words" for name in kept}  # word lists go with them
    assert opensearch_index.status(settings, client=cluster)["documents"] == 12


PAGES = ["/?q=conscription+Hama", "/?q=conscription+Hama&governorate=SY05&lang=ar", "/?q=zzyzxq+qqxv",
         "/?from=2019-01-01&to=2019-12-31", "/place/SY05", "/actor/sdf", "/stats", "/healthz",
         "/api/search?q=%D8%AD%D9%85%D8%A7%D8%A9&per_page=100", "/api/facets?q=shelling", "/api/stats",
         "/export.csv?q=conscription", "/export.jsonl?q=Hama&governorate=SY05", "/feed.atom?q=Hama"]


@pytest.fixture(scope="module")
def clients(backends, demo_settings):
    from search_app.web import create_app

    whoosh_app = create_app(demo_settings)
    opensearch_app = create_app(replace(demo_settings, backend="opensearch", opensearch_url="http://simulated:9200"))
    # The web asks its backend for everything through this one slot; here it is given the
    # backend that talks to the simulated cluster instead of opening a connection itself.
    opensearch_app.extensions["search_engine"] = backends[1]
    return whoosh_app.test_client(), opensearch_app.test_client()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_the_same_on_either_backend(clients, page):
    whoosh, opensearch = clients
    expected, found = whoosh.get(page), opensearch.get(page)
    assert found.status_code == expected.status_code == 200
    if page.startswith("/api/search"):
        ids = lambda response: {result["id"] for result in response.get_json()["results"]}  # noqa: E731
        assert found.get_json()["total"] == expected.get_json()["total"] and ids(found) == ids(expected)
        assert found.get_json()["facets"] == expected.get_json()["facets"]
    if page.startswith("/export"):
        assert sorted(found.get_data(as_text=True).splitlines()) == sorted(expected.get_data(as_text=True).splitlines())


def test_an_unreachable_cluster_is_a_clear_page_not_a_traceback(demo_settings):
    from search_app.web import create_app

    app = create_app(replace(demo_settings, backend="opensearch", opensearch_url="http://127.0.0.1:9"))
    page = app.test_client().get("/?q=Hama")
    assert page.status_code == 503 and "does not answer" in page.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 503


def test_the_commands_and_the_site_through_the_real_client_over_http(tmp_path):
    """opensearch-py itself (paths, verbs, gzip bodies, 404s) against the simulation behind HTTP."""
    from click.testing import CliRunner

    from search_app.cli import main
    from search_app.settings import Settings
    from search_app.web import create_app
    from tests.opensearch_sim import SimulatedServer

    with SimulatedServer() as url:
        env = {"SEARCH_APP_DATA_DIR": str(tmp_path / "data"), "SEARCH_APP_INDEX_DIR": str(tmp_path / "index"),
               "SEARCH_APP_BACKEND": "opensearch", "SEARCH_APP_OPENSEARCH_URL": url,
               "SEARCH_APP_OPENSEARCH_REPLICAS": "0", "SEARCH_APP_DICTIONARY_DIR": "off"}
        run = lambda *args: CliRunner().invoke(main, list(args), env=env)  # noqa: E731
        missing = run("index", "status")
        assert missing.exit_code == 1 and "no index behind the alias syria-news" in missing.output
        assert run("ingest", str(_write(tmp_path / "a.jsonl", 0, 10))).exit_code == 0
        built = run("index", "rebuild")
        assert built.exit_code == 0 and "rebuild: generation syria-news-" in built.output, built.output
        assert "alias syria-news -> syria-news-" in run("index", "status").output
        assert "10 results" in run("search", "shelling").output
        settings = Settings.from_env(env)
        app = create_app(settings).test_client()
        first = app.get("/api/search", query_string={"q": "shelling"}).get_json()["results"][0]["id"]
        assert run("delete", first).exit_code == 0
        updated = run("index", "update")
        assert updated.exit_code == 0 and updated.output.startswith("update:"), updated.output
        answer = app.get("/api/search", query_string={"q": "shelling", "per_page": 50}).get_json()
        assert answer["total"] == 9 and first not in {result["id"] for result in answer["results"]}
        assert app.get("/healthz").get_json()["status"] == "ok"
        other = answer["results"][0]["id"]
        page = app.get(f"/article/{other}")
        assert page.status_code == 200 and "Shelling report" in page.get_data(as_text=True)


def test_a_query_over_the_clusters_clause_limit_is_searched_as_typed(demo_settings):
    """A long query expands to hundreds of terms and phrases; past the cluster's clause limit the
    backend answers with the words as typed (what Whoosh answers with expansion off)."""
    cluster = SimulatedCluster(max_clauses=30)  # "conscription Hama" expands to 54 clauses, 8 as typed
    settings = replace(demo_settings, backend="opensearch", opensearch_url="http://simulated:9200")
    with open_store(settings) as store:
        opensearch_index.rebuild(store, settings, client=cluster)
    backend, whoosh = OpenSearchBackend(settings, client=cluster), SearchEngine(demo_settings.index_dir)
    request = SearchRequest(q="conscription Hama", per_page=500, spell=False)
    as_typed = replace(request, expand=False)
    found = backend.search(request)
    assert {hit.id for hit in found.hits} == {hit.id for hit in whoosh.search(as_typed).hits}
    assert found.total == whoosh.search(as_typed).total < whoosh.search(request).total
    assert found.request == request  # the page still shows the request as made
    assert backend.without(request) == whoosh.without(as_typed)
    assert len(list(backend.iter_documents(request, 100))) == min(100, found.total)


@pytest.mark.parametrize("typed", ["Damscus", "Alepo shelling", "conscripton Hama", "Chemcial attack", "Chemicl attack",
                                   "حلبب", "Hama", "zzyzxq"])
def test_spelling_corrections_and_suggestions_are_the_engines(backends, typed):
    """The speller reads the build's word list and the cluster's counts: the same correction searched
    and the same did-you-mean as the Whoosh engine offers."""
    whoosh, opensearch, _ = backends
    for spell in (True, False):
        request = SearchRequest(q=typed, spell=spell, per_page=500)
        expected, found = whoosh.search(request), opensearch.search(request)
        assert (found.corrected_query, found.suggestion) == (expected.corrected_query, expected.suggestion)
        assert {hit.id for hit in found.hits} == {hit.id for hit in expected.hits} and found.total == expected.total
