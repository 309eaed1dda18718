"""What every search backend owes the pages above it, written once and run against each backend
(Whoosh always; OpenSearch when SEARCH_APP_OPENSEARCH_URL is set). Only the SearchBackend
interface is used: the same calls the web, API, exports and CLI make."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from search_app.index.backends import rebuild_index, update_index
from search_app.search import SearchBackend, SearchRequest, open_backend
from search_app.search.engine import NoIndexError
from search_app.store import open_store
from tests.conftest import demo_records

from .conftest import build

HAMA = "SY05"
CONSCRIPTION = ("conscript", "military service", "reservist", "تجنيد", "التجنيد", "خدمة العلم", "الخدمة الإلزامية")
HAMA_NAMES = ("Hama", "Hamah", "حماة", "حماه")


def ids(response) -> set[str]:
    return {hit.id for hit in response.hits}


def everything(backend, **request) -> set[str]:
    """Every match of the request (one page holding them all)."""
    response = backend.search(SearchRequest(per_page=500, **request))
    assert response.total == len(response.hits), "a page of 500 holds the demo corpus's matches"
    return ids(response)


def counts(response, facet: str) -> dict[str, int]:
    return {value.value: value.count for value in response.facets[facet]}


def _texts(record) -> str:
    return " ".join([record["title"], record["body"]] + [t["title"] + " " + t["body"]
                                                           for t in record.get("translations", [])])


def test_every_backend_is_a_search_backend(demo_backend):
    assert isinstance(demo_backend, SearchBackend)


def test_conscription_hama_finds_the_stories_in_both_languages(demo_backend):
    expected = {r["_id"] for r in demo_records()
                if any(word in _texts(r) for word in CONSCRIPTION)
                and any(re.search(rf"\b{name}\b", _texts(r)) if name.isascii() else name in _texts(r)
                        for name in HAMA_NAMES)}
    response = demo_backend.search(SearchRequest(q="conscription Hama", per_page=100))
    found = ids(response)
    assert expected and expected <= found
    languages = {hit.lang for hit in response.hits if hit.id in expected}
    assert languages == {"en", "ar"}
    assert "حماة" in response.expansions or "حماه" in response.expansions
    hit = response.hits[0]
    assert hit.title and hit.snippet and "<mark" in hit.snippet


def test_choosing_hama_keeps_the_count_its_facet_showed(demo_backend):
    unfiltered = demo_backend.search(SearchRequest(q="conscription Hama"))
    shown = counts(unfiltered, "governorate")[HAMA]
    filtered = demo_backend.search(SearchRequest(q="conscription Hama", governorate=(HAMA,), per_page=100))
    assert filtered.total == shown == len(filtered.hits)
    assert all(HAMA in hit.governorates for hit in filtered.hits)
    assert next(v for v in filtered.facets["governorate"] if v.value == HAMA).selected


def test_facet_counts_are_disjunctive(demo_backend):
    """With Hama chosen the other governorates keep their counts; other facets narrow to Hama."""
    unfiltered = demo_backend.search(SearchRequest(q="conscription"))
    filtered = demo_backend.search(SearchRequest(q="conscription", governorate=(HAMA,)))
    assert counts(filtered, "governorate") == counts(unfiltered, "governorate")
    assert len(counts(filtered, "governorate")) > 1
    assert sum(counts(filtered, "lang").values()) == filtered.total < unfiltered.total
    other = next(code for code in counts(unfiltered, "governorate") if code != HAMA)
    both = demo_backend.search(SearchRequest(q="conscription", governorate=(HAMA, other)))
    assert both.total == everything(demo_backend, q="conscription", governorate=(HAMA,)).__len__() + \
        len(everything(demo_backend, q="conscription", governorate=(other,))) - \
        len(everything(demo_backend, q="conscription", governorate=(HAMA,))
            & everything(demo_backend, q="conscription", governorate=(other,)))


def test_filters_narrow_every_result(demo_backend):
    arabic = demo_backend.search(SearchRequest(lang=("ar",), per_page=500))
    assert arabic.hits and all(hit.lang == "ar" for hit in arabic.hits)
    browse = demo_backend.search(SearchRequest(per_page=1))
    assert arabic.total == counts(browse, "lang")["ar"]
    actor = max(counts(browse, "actor").items(), key=lambda item: item[1])[0]
    with_actor = demo_backend.search(SearchRequest(actor=(actor,), lang=("en",), per_page=500))
    assert with_actor.hits and all(actor in hit.actors and hit.lang == "en" for hit in with_actor.hits)
    assert with_actor.total == counts(demo_backend.search(SearchRequest(actor=(actor,))), "lang")["en"]


def test_a_browse_lists_everything_newest_first(demo_backend):
    response = demo_backend.search(SearchRequest(per_page=500))
    dates = [hit.published for hit in response.hits if hit.published]
    assert response.total == len(response.hits) > 100
    assert dates == sorted(dates, reverse=True)


def test_date_ranges_include_both_ends_and_the_histogram_counts_months(demo_backend):
    browse = demo_backend.search(SearchRequest(per_page=500))
    dated = sorted(hit.published for hit in browse.hits if hit.published)
    first, last = dt.date.fromisoformat(dated[len(dated) // 4]), dt.date.fromisoformat(dated[3 * len(dated) // 4])
    ranged = demo_backend.search(SearchRequest(date_from=first, date_to=last, per_page=500))
    inside = [day for day in dated if first.isoformat() <= day <= last.isoformat()]
    assert ranged.total == len(inside) and {hit.published for hit in ranged.hits} <= set(inside)
    assert first.isoformat() in {hit.published for hit in ranged.hits}
    assert last.isoformat() in {hit.published for hit in ranged.hits}
    months = counts(ranged, "month")
    assert sum(months.values()) == ranged.total
    assert all(first.isoformat()[:7] <= month <= last.isoformat()[:7] for month in months)
    by_month = {}
    for day in inside:
        by_month[day[:7]] = by_month.get(day[:7], 0) + 1
    assert months == by_month


def test_every_spelling_of_hama_finds_the_same_stories(demo_backend):
    found = [everything(demo_backend, q=name) for name in HAMA_NAMES]
    assert found[0] and all(spelling == found[0] for spelling in found)
    # Without expansion the two Arabic spellings still meet: ة and ه are one letter once normalised.
    assert everything(demo_backend, q="حماة", expand=False) == everything(demo_backend, q="حماه", expand=False)


def test_a_misspelt_word_is_searched_corrected_and_said_so(demo_backend):
    response = demo_backend.search(SearchRequest(q="Damscus", per_page=500))
    assert response.corrected_query == "Damascus"
    assert ids(response) == everything(demo_backend, q="Damascus")
    as_typed = demo_backend.search(SearchRequest(q="Damscus", spell=False))
    assert as_typed.total == 0 and as_typed.corrected_query is None


def test_an_english_query_finds_arabic_only_stories(demo_backend):
    arabic_only = {r["_id"] for r in demo_records() if r.get("lang") == "ar" and not r.get("translations")
                   and "تجنيد" in _texts(r)}
    found = everything(demo_backend, q="conscription")
    assert arabic_only and arabic_only & found
    assert not arabic_only & everything(demo_backend, q="conscription", expand=False)


def test_phrases_and_exclusions(demo_backend):
    phrase = everything(demo_backend, q='"military service"')
    words = everything(demo_backend, q="military service", expand=False)
    assert phrase and phrase <= words
    without = everything(demo_backend, q="conscription -Hama")
    assert without and not without & everything(demo_backend, q="Hama")
    assert without | everything(demo_backend, q="conscription Hama") >= everything(demo_backend, q="conscription")


def test_without_counts_what_dropping_each_filter_would_show(demo_backend):
    request = SearchRequest(q="conscription", governorate=(HAMA,), lang=("en",), date_from=dt.date(1990, 1, 1))
    found = demo_backend.without(request)
    assert found["place"] == demo_backend.search(SearchRequest(q="conscription", lang=("en",),
                                                               date_from=dt.date(1990, 1, 1))).total
    assert found["lang"] == demo_backend.search(SearchRequest(q="conscription", governorate=(HAMA,),
                                                              date_from=dt.date(1990, 1, 1))).total
    assert found["q"] == demo_backend.search(SearchRequest(governorate=(HAMA,), lang=("en",),
                                                           date_from=dt.date(1990, 1, 1))).total
    assert set(found) == {"place", "lang", "date", "q"}


def test_exports_and_more_like_this_and_marks(demo_backend):
    request = SearchRequest(q="conscription Hama", governorate=(HAMA,))
    documents = list(demo_backend.iter_documents(request, 1000))
    assert {document.id for document in documents} == everything(demo_backend, q="conscription Hama",
                                                                  governorate=(HAMA,))
    assert all(document.title and document.body for document in documents)
    article = documents[0].id
    related = demo_backend.more_like_this(article)
    assert related and article not in {hit.id for hit in related} and len(related) <= 5
    assert demo_backend.more_like_this("no-such-article") == []
    marked = demo_backend.text_marker("conscription Hama").mark("Conscription in Hama", "en")
    assert marked.count("<mark") == 2
    stats = demo_backend.stats()
    assert stats["documents"] == demo_backend.search(SearchRequest(per_page=1)).total and stats["generation"]


def test_no_index_yet_is_said_plainly(fresh_settings):
    backend = open_backend(fresh_settings)
    with pytest.raises(NoIndexError, match="index rebuild"):
        backend.search(SearchRequest(q="Hama"))
    with pytest.raises(NoIndexError):
        backend.check()


def _write(path, records):
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")
    return path


def _stories(first: int, count: int) -> list[dict]:
    return [{"url": f"https://example.org/contract/{n}", "source": "Example", "lang": "en",
             "published": f"2020-03-{1 + n % 28:02d}", "title": f"Shelling report {n} from Idlib",
             "body": f"Report number {n}: shelling hit the outskirts of Idlib city overnight."}
            for n in range(first, first + count)]


def test_update_applies_additions_and_deletions(fresh_settings, tmp_path):
    settings = build(fresh_settings, [_write(tmp_path / "a.jsonl", _stories(0, 12))])
    backend = open_backend(settings)
    assert backend.search(SearchRequest(q="shelling")).total == 12
    gone = sorted(everything(backend, q="shelling"))[0]
    with open_store(settings) as store:
        with store.transaction():
            store.delete(gone)
        from search_app.ingest import ingest_paths

        ingest_paths(store, [_write(tmp_path / "b.jsonl", _stories(12, 3))], settings.quarantine_dir)
        assert update_index(store, settings).kind == "update"
        assert update_index(store, settings).kind == "unchanged"
    after = everything(backend, q="shelling")
    assert len(after) == 14 and gone not in after
    assert backend.search(SearchRequest(q='"report 13"')).total == 1
    assert backend.stats()["documents"] == 14


def test_a_rebuild_swaps_atomically_and_a_killed_one_changes_nothing(fresh_settings, tmp_path):
    settings = build(fresh_settings, [_write(tmp_path / "a.jsonl", _stories(0, 10))])
    backend = open_backend(settings)
    before = backend.stats()["generation"]

    class Killed(Exception):
        pass

    def dies_midway(articles, total):
        for number, article in enumerate(articles):
            if number == total // 2:
                raise Killed
            yield article

    with open_store(settings) as store:
        from search_app.ingest import ingest_paths

        ingest_paths(store, [_write(tmp_path / "b.jsonl", _stories(10, 5))], settings.quarantine_dir)
        with pytest.raises(Killed):
            rebuild_index(store, settings, progress=dies_midway)
        assert backend.stats()["generation"] == before
        assert backend.search(SearchRequest(q="shelling")).total == 10  # the old index, whole
        rebuild_index(store, settings)
    assert backend.stats()["generation"] != before  # the same backend object follows the swap
    assert backend.search(SearchRequest(q="shelling")).total == 15
