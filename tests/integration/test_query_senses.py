"""Which sense a query word takes: a glossary word over a minor place spelled the same ("sarin
Idlib" is the nerve agent, not the sub-district of Sarin), and a capitalised name over a common
noun it looks like ("Wales" is not the plural of "wale", welts, nor the stem of "Waleed").
Real ingest, a real index, real queries."""
from __future__ import annotations

import pytest

from search_app.search import SearchEngine, SearchRequest
from search_app.text.dictionary import open_dictionary

from ..conftest import index_of_records

NERVE_GAS = {"id": "en-sarin", "lang": "en", "source": "Reuters", "published": "2017-04-05",
             "title": "Sarin used in the Khan Sheikhoun attack, Turkey says",
             "body": "Tests on victims of the attack in Idlib province point to sarin nerve gas, "
                     "Turkish health officials said."}
SIEGE_NEAR_SARRIN = {"id": "ar-sarrin", "lang": "ar", "source": "Al Hayat", "published": "2017-04-06",
                     "title": "قوات النظام تشدد الحصار جنوب بلدة صرين",
                     "body": "شددت قوات النظام حصارها على القرى الواقعة جنوب بلدة صرين في ريف حلب، فيما "
                             "قصف الطيران مناطق في ريف إدلب."}
WELSH_ASSEMBLY = {"id": "en-wales", "lang": "en", "source": "BBC", "published": "2018-10-01",
                  "title": "Welsh assembly members debate a new name",
                  "body": "The assembly in Cardiff may be renamed the Welsh Parliament, the first change "
                          "since devolution gave Wales its own government."}
WALEED_CLASHES = {"id": "en-waleed", "lang": "en", "source": "SOHR", "published": "2018-03-29",
                  "title": "Clashes in Hayt, Daraa",
                  "body": "The fighting renews between Jaysh Khaled Ibn Al-Waleed and the factions in the "
                          "Yarmouk basin."}
ROAD_SIGNS = {"id": "ar-signs", "lang": "ar", "source": "Enab Baladi", "published": "2018-05-02",
              "title": "علامات الطرق تعود إلى شوارع المدينة",
              "body": "أعاد المجلس المحلي تركيب علامات الطرق التي أزيلت خلال المعارك في شوارع المدينة."}
DEBTS = {"id": "ar-debts", "lang": "ar", "source": "Enab Baladi", "published": "2018-07-12",
         "title": "تجار يشكون من زبائن يتهربون من الديون",
         "body": "قال تجار في السوق إن بعض الزبائن يتهرب من السداد منذ أشهر بعد ارتفاع الأسعار."}
SCHOOLS = {"id": "ar-schools", "lang": "ar", "source": "Enab Baladi", "published": "2018-09-02",
           "title": "المدارس تفتح أبوابها في ريف حلب",
           "body": "افتتحت المدارس أبوابها للطلاب في قرى ريف حلب بعد ترميمها."}

RECORDS = [NERVE_GAS, SIEGE_NEAR_SARRIN, WELSH_ASSEMBLY, WALEED_CLASHES, ROAD_SIGNS, DEBTS, SCHOOLS]
with_dictionary = pytest.mark.skipif(open_dictionary("auto") is None,
                                     reason="FreeDict's dict-freedict-eng-ara is not installed")


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> SearchEngine:
    settings = index_of_records(tmp_path_factory.mktemp("senses"), RECORDS)
    return SearchEngine(settings.index_dir, open_dictionary("auto"))


def _ids(response) -> list[str]:
    return [hit.id for hit in response.hits]


@pytest.mark.parametrize("query", ["sarin Idlib", "Sarin Idlib", "Idlib sarin"])
def test_a_glossary_word_beside_a_governorate_is_the_glossary_word_not_a_village(engine, query):
    response = engine.search(SearchRequest(q=query))
    assert _ids(response) == ["en-sarin"]
    assert "صرين" not in response.expansions and "سارين" in response.expansions


@pytest.mark.parametrize("query", ["village of Sarin", "Sarin village"])
def test_a_place_word_beside_the_name_still_means_the_place(engine, query):
    assert "صرين" in engine.search(SearchRequest(q=query)).expansions


def test_a_capitalised_name_is_not_stemmed_into_another_word(engine):
    # Snowball stems "Wales" and "Waleed" alike ("wale"): the Daraa clashes are not about Wales.
    response = engine.search(SearchRequest(q="Wales"))
    assert _ids(response) == ["en-wales"]


@with_dictionary
@pytest.mark.parametrize("query", ["Wales", "Cardiff Wales", "assembly Wales"])
def test_a_name_is_not_translated_as_the_common_noun_it_looks_like(engine, query):
    # FreeDict has "Wales" only as the plural of "wale" (a welt): علامات.
    response = engine.search(SearchRequest(q=query))
    assert "ar-signs" not in _ids(response)
    assert "علامات" not in response.expansions


@with_dictionary
def test_a_capitalised_language_name_is_not_translated_as_the_word_it_also_is(engine):
    # FreeDict's "Welsh" is the verb (to welsh on a debt: يتهرب من السداد); CLDR names the language.
    response = engine.search(SearchRequest(q="Welsh"))
    assert _ids(response) == ["en-wales"]


@with_dictionary
@pytest.mark.parametrize("query", ["Schools", "schools"])
def test_a_capitalised_plural_of_a_common_noun_is_still_translated(engine, query):
    response = engine.search(SearchRequest(q=query))
    assert "ar-schools" in _ids(response)
