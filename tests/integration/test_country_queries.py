"""A country typed in one language finds stories that name it only in the other (issue 15 §1):
names and nationality adjectives come from CLDR, through Babel."""
from __future__ import annotations

import pytest

from search_app.search.engine import SearchEngine, SearchRequest
from search_app.web import create_app

from ..conftest import index_of_records

FIXTURE = [
    # Jordan only as the adjective الأردنية, and as a destination: the story is not tagged with the actor.
    {"id": "jordan-ar", "lang": "ar", "title": "عودة عائلات من المخيمات",
     "body": "عادت عشرات العائلات من المخيمات الأردنية بعد إغلاق طويل للحدود، وقال أحد العائدين إن الطريق كان صعبا."},
    # Egypt is no actor in the actor table: only CLDR knows مصر.
    {"id": "egypt-ar", "lang": "ar", "title": "طلاب يعودون إلى الجامعات",
     "body": "سافر مئات الطلاب إلى مصر لإكمال دراستهم الجامعية بعد انقطاع دام سنوات."},
    # Iraq only with a clitic on it (للعراق): the unstemmed field keeps it as one word.
    {"id": "iraq-ar", "lang": "ar", "title": "استئناف الرحلات",
     "body": "أعلنت شركات الشحن استئناف رحلاتها للعراق بعد توقف دام شهرين."},
    {"id": "germany-en", "lang": "en", "title": "Students return to universities",
     "body": "Hundreds of students travelled to Germany to finish their degrees after years away."},
    # ترك "left" is the stem Light10 gives التركية: a Turkish query must not find it.
    {"id": "left-ar", "lang": "ar", "title": "نزوح جديد",
     "body": "ترك مئات الأهالي منازلهم بعد القصف وتوجهوا إلى المدارس."},
    # تركي is a man's name here (Prince Turki), not "Turkish".
    {"id": "turki-ar", "lang": "ar", "title": "استقبال وفد",
     "body": "استقبل الأمير تركي بن عبدالله وفدا من رجال الأعمال في مكتبه."},
    # عمان is Oman here; Jordan's capital Amman is written the same: a Jordan search must not find it.
    {"id": "oman-ar", "lang": "ar", "title": "بطولة الخليج للبولينج",
     "body": "تستضيف سلطنة عمان بطولة الخليج للبولينج الشهر المقبل بمشاركة ستة منتخبات."},
    {"id": "neither", "lang": "en", "title": "Bread prices rise",
     "body": "Bread prices rose again in the market this week, traders said."},
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return index_of_records(tmp_path_factory.mktemp("countries"), [
        {**record, "source": "Fixture", "published": "2020-01-01", "url": f"https://fixture.example/{record['id']}"}
        for record in FIXTURE])


@pytest.fixture(scope="module")
def engine(settings):
    return SearchEngine(settings.index_dir)


def _found(engine, q: str) -> set[str]:
    return {hit.id for hit in engine.search(SearchRequest(q=q, per_page=50, spell=False)).hits}


@pytest.mark.parametrize("q", ["Jordan", "الأردن", "Jordanian"])
def test_a_jordan_search_does_not_bring_omans_stories(engine, q):
    response = engine.search(SearchRequest(q=q, per_page=50, spell=False))
    assert "oman-ar" not in {hit.id for hit in response.hits} and "عمان" not in response.expansions
    assert "oman-ar" in _found(engine, "Oman") and "oman-ar" in _found(engine, "عمان")


@pytest.mark.parametrize("q", ["Jordan", "Jordanian", "Jordanians", "الأردن", "أردني"])
def test_jordan_in_either_language_finds_the_arabic_story_naming_only_the_jordanian_camps(engine, q):
    assert _found(engine, q) == {"jordan-ar"}


@pytest.mark.parametrize("q", ["Egypt", "Egyptian", "egypt students"])
def test_an_english_country_query_finds_an_arabic_only_story_naming_only_that_country(engine, q):
    assert "egypt-ar" in _found(engine, q)


@pytest.mark.parametrize("q", ["Iraq", "Iraqi"])
def test_a_country_written_with_a_clitic_is_found(engine, q):
    assert "iraq-ar" in _found(engine, q)


@pytest.mark.parametrize("q", ["ألمانيا", "المانيا", "الألمانية", "بألمانيا"])
def test_an_arabic_country_word_finds_an_english_only_story(engine, q):
    assert _found(engine, q) == {"germany-en"}


def test_a_nationality_adjective_does_not_find_a_verb_that_stems_alike_or_a_given_name(engine):
    for q in ("Turkish", "Turkey"):
        assert not {"left-ar", "turki-ar"} & _found(engine, q)


def test_the_page_lists_the_names_it_added(engine):
    result = engine.search(SearchRequest(q="Egypt", per_page=10, spell=False))
    assert {"مصر", "Egyptian"} <= set(result.expansions)


def test_expansion_off_searches_only_what_was_typed(engine):
    assert _found(engine, "Egypt") and not engine.search(
        SearchRequest(q="Egypt", per_page=10, spell=False, expand=False)).hits


def test_the_page_shows_the_arabic_story_with_the_adjective_marked_and_lists_what_was_added(settings):
    client = create_app(settings).test_client()
    data = client.get("/api/search", query_string={"q": "Jordanian"}).get_json()
    assert [result["id"] for result in data["results"]] == ["jordan-ar"]
    assert "<mark" in data["results"][0]["snippet"] and "الأردنية</mark>" in data["results"][0]["snippet"]
    page = client.get("/", query_string={"q": "Jordanian"}).get_data(as_text=True)
    assert "عودة عائلات من المخيمات" in page
    also_searched = page.split('id="expansions"', 1)[1].split("</div>", 1)[0]
    assert "<bdi>Jordan</bdi>" in also_searched and "<bdi>الأردن</bdi>" in also_searched
