"""Typing mistakes over an index of the real corpora (FA-KES and the Arabic news): misspelt
gazetteer and actor names are corrected, real words of English and Arabic news are not."""
import random

import pytest

from devtools import typos
from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.ingest.columns import parse_column_map
from search_app.ingest.presets import PRESETS
from search_app.ingest.raw import ReadOptions
from search_app.search import SearchEngine, SearchRequest
from search_app.store import open_store
from search_app.text.arabic import has_arabic

from ..conftest import make_settings

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]  # an index of the real corpora

# Misspellings people make of names these corpora are full of, and the word each must become.
MUST_CORRECT = [("Aleppoo", "Aleppo"), ("Alepo", "Aleppo"), ("Idlb", "Idlib"), ("Damascsu", "Damascus"),
                ("Dmascus", "Damascus"), ("Palmira", "Palmyra"), ("Manbijj", "Manbij"), ("Doumaa", "Douma"),
                ("Raqqqa", "Raqqa"), ("Kobanii", "Kobani"), ("chemcial", "chemical"),
                ("دمشقق", "دمشق"), ("حلبب", "حلب"), ("ادلبب", "إدلب")]
# Words of real reporting that the index may not have; none may become something else.
MUST_STAY = ["bicycle", "weather", "reconciliation", "Jordanian", "parliamentarians", "Hamah", "sarin",
             "kidnapped", "الطقس", "والتجنيد", "بالقصف", "للاجئين", "المفاوضات"]


@pytest.fixture(scope="module")
def real_engine(shared_dir, tmp_path_factory) -> SearchEngine:
    data = shared_dir / "data"
    if not (data / "fakes" / "fakes.csv").exists() or not (data / "arabic-news" / "articles.jsonl").exists():
        pytest.skip("FA-KES or the Arabic news are missing from ../shared/data")
    settings = make_settings(tmp_path_factory.mktemp("real-spelling"))
    with open_store(settings) as store:
        ingest_paths(store, [data / "fakes" / "fakes.csv"], settings.quarantine_dir,
                     options=ReadOptions(preset=PRESETS["fakes"]))
        ingest_paths(store, [data / "arabic-news" / "articles.jsonl"], settings.quarantine_dir,
                     options=ReadOptions(column_map=parse_column_map(["body=text"])))
        rebuild(store, settings.index_dir)
    return SearchEngine(settings.index_dir)


@pytest.mark.parametrize("typo, corrected", MUST_CORRECT)
def test_misspelt_names_in_the_real_corpora_are_searched_as_corrected(real_engine, typo, corrected):
    response = real_engine.search(SearchRequest(q=typo))
    assert response.corrected_query == corrected
    assert response.total == real_engine.search(SearchRequest(q=corrected)).total > 0


def test_a_typo_the_archive_itself_has_is_found_and_its_correction_suggested(real_engine):
    # One FA-KES story spells Manbij "Manbji": that story is shown, and Manbij offered.
    response = real_engine.search(SearchRequest(q="Manbji"))
    assert response.total >= 1 and response.corrected_query is None and response.suggestion == "Manbij"


@pytest.mark.parametrize("typo, corrected", [("operaation", "operation")])
def test_a_typo_whose_stem_finds_other_stories_is_offered_its_correction(real_engine, typo, corrected):
    # Snowball stems it to "opera", which some stories have: they are shown, as typed.
    response = real_engine.search(SearchRequest(q=typo))
    assert response.total >= 1 and response.corrected_query is None and response.suggestion == corrected


@pytest.mark.parametrize("word", MUST_STAY)
def test_real_words_are_not_corrected_in_the_real_corpora(real_engine, word):
    response = real_engine.search(SearchRequest(q=word))
    assert response.corrected_query is None and response.suggestion is None


def test_generated_misspellings_of_gazetteer_and_actor_names_are_mostly_corrected(real_engine):
    reader = real_engine.generation().searcher().reader()
    cases = typos.typo_cases(reader, per_word=1, limit=300)
    assert len(cases) >= 250 and any(has_arabic(typo) for typo, _, _ in cases)
    result = typos.evaluate_typos(real_engine, cases)
    assert result["hit_rate"] >= 0.75, result
    assert result["wrongly_corrected"] <= 0.1 * result["cases"], result


def test_words_of_other_real_news_are_rarely_corrected(real_engine, shared_dir):
    ntrex = shared_dir / "data" / "parallel-ar-en" / "docs.jsonl"
    if not ntrex.exists():
        pytest.skip("NTREX is missing from ../shared/data")
    words = random.Random(14).sample(typos.real_words(shared_dir)["ntrex"], 2000)
    result = typos.evaluate_real_words(real_engine, words)
    assert result["false_rate"] <= 0.02, result
