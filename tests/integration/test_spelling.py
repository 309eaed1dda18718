"""Typing mistakes over the demo index: a word no story has is searched as its correction, and the
page and the API say so alike; real words, phrases and fielded terms are left as typed."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from search_app.cli import main
from search_app.search import SearchEngine, SearchRequest

from ..conftest import index_of_records
from .test_web_facets import api, page


def link(html: str, element_id: str) -> tuple[dict, str] | None:
    found = re.search(rf'<a id="{element_id}" href="([^"]+)" dir="auto">([^<]+)</a>', html)
    return (parse_qs(urlsplit(unescape(found.group(1))).query), unescape(found.group(2))) if found else None


def result_ids(data) -> list[str]:
    return [result["id"] for result in data["results"]]


@pytest.mark.parametrize("typo, corrected", [("Aleppoo", "Aleppo"), ("Alepo", "Aleppo"), ("Idlb", "Idlib"),
                                             ("Palmira", "Palmyra"), ("conscripton", "conscription"),
                                             ("دمشقق", "دمشق"), ("تجنيدد", "تجنيد")])
def test_a_misspelt_word_is_searched_as_its_correction_and_the_page_says_so(client, typo, corrected):
    wanted = api(client, q=corrected)
    assert wanted["total"] > 0 and wanted["corrected_query"] is None
    data = api(client, q=typo)
    assert data["corrected_query"] == corrected and data["original_query"] == typo and data["query"] == typo
    assert data["total"] == wanted["total"] and result_ids(data) == result_ids(wanted)
    assert data["suggestion"] is None
    html = page(client, q=typo)
    assert "Showing results for" in html and 'id="no-results"' not in html
    assert link(html, "corrected") == ({"q": [corrected]}, corrected)
    instead_params, instead_text = link(html, "search-original")
    assert instead_text == typo and instead_params == {"q": [typo], "spell": ["0"]}
    assert f'<bdi class="query">{corrected}</bdi>' in html  # "N results for Aleppo"


def test_chemcial_attack_is_searched_as_chemical_attack_not_attack_alone(client):
    data = api(client, q="chemcial attack")
    assert data["corrected_query"] == "chemical attack"
    assert result_ids(data) == result_ids(api(client, q="chemical attack"))
    assert data["total"] < api(client, q="attack")["total"]
    assert 'id="relaxed"' not in page(client, q="chemcial attack")


def test_search_instead_searches_what_was_typed_and_page_and_api_offer_the_same_correction(client):
    for typed, corrected in (("Alepo", "Aleppo"), ("chemcial attack", "chemical attack")):
        data = api(client, q=typed, spell="0")
        assert data["corrected_query"] is None and data["original_query"] is None
        assert data["suggestion"] == corrected
        html = page(client, q=typed, spell="0")
        assert 'id="correction"' not in html
        assert link(html, "suggestion") == ({"q": [corrected]}, corrected)  # no spell=0 on the suggestion
    assert api(client, q="Alepo", spell="0")["total"] == 0
    assert api(client, q="chemcial attack", spell="0")["total"] == api(client, q="attack")["total"]


def test_a_new_search_from_the_box_corrects_again(client):
    html = page(client, q="Alepo", spell="0")
    form = re.search(r'<form[^>]*role="search".*?</form>|<form[^>]*class="search".*?</form>', html, re.S)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)"', form.group(0) if form else html.split("</header>")[0])
    assert "spell" not in hidden


@pytest.mark.parametrize("typed", [
    "bicycle", "weather", "Hamah", "conscripted", "airstrikes", "Beirut",  # real words and names
    "Beattie", "DARPA",  # a person's name, an acronym (one edit from Daraa)
    "الطقس", "دراجة", "والتجنيد", "صمودا", "حقولهم",  # Arabic words, with clitics, tanween, a pronoun
    '"Alepo"', "source:Alepo", "Alepo*", "Idlb2", "Hms", "Alep",  # phrase, field, prefix, digits, short
])
def test_real_words_phrases_and_fielded_terms_are_never_corrected(client, typed):
    data = api(client, q=typed)
    assert data["corrected_query"] is None
    assert 'id="correction"' not in page(client, q=typed)


def test_an_excluded_misspelling_is_left_alone(client):
    data = api(client, q="Damascus -Alepo")
    assert data["corrected_query"] is None and data["total"] == api(client, q="Damascus")["total"]


def test_a_correction_keeps_the_filters_and_the_exports_follow_it(client):
    data = api(client, q="Alepo", lang="en")
    assert data["corrected_query"] == "Aleppo" and data["total"] == api(client, q="Aleppo", lang="en")["total"] > 0
    csv = client.get("/export.csv", query_string={"q": "Alepo", "lang": "en"}).get_data(as_text=True)
    assert len(csv.strip().splitlines()) - 1 == data["total"]


def test_the_correction_reads_in_arabic(client):
    html = page(client, q="Alepo", ui="ar")
    assert "نعرض نتائج" in html and "ابحث بدلًا من ذلك عن" in html


def test_the_command_line_says_what_it_searched_instead(demo_settings):
    env = {"SEARCH_APP_DATA_DIR": str(demo_settings.data_dir), "SEARCH_APP_INDEX_DIR": str(demo_settings.index_dir)}
    corrected = CliRunner().invoke(main, ["search", "Alepo", "--per-page", "1"], env=env)
    assert corrected.exit_code == 0 and corrected.output.startswith("showing results for Aleppo (search instead")
    as_typed = CliRunner().invoke(main, ["search", "Alepo", "--no-spell"], env=env)
    assert "0 results" in as_typed.output and "did you mean: Aleppo" in as_typed.output


def test_a_capitalised_misspelling_of_a_common_word_is_offered_not_searched(client):
    # Typed first, as a phone capitalises it: "Chemicl" might be a name, so it is not replaced,
    # but the page and the API both offer "Chemical attack" instead of silently showing "attack".
    data = api(client, q="Chemicl attack")
    assert data["corrected_query"] is None and data["suggestion"] == "Chemical attack"
    assert link(page(client, q="Chemicl attack"), "suggestion") == ({"q": ["Chemical attack"]}, "Chemical attack")


def test_a_capitalised_common_word_with_two_letters_swapped_is_searched_as_corrected(client):
    # A swap of neighbouring letters is a slip of the fingers, not a name: "Chemcial attack" shows
    # the chemical attacks, not every story with "attack" under "stories matching some of the words".
    data = api(client, q="Chemcial attack")
    wanted = api(client, q="Chemical attack")
    assert data["corrected_query"] == "Chemical attack" and data["suggestion"] is None
    assert 0 < data["total"] == wanted["total"] < api(client, q="attack")["total"]
    assert result_ids(data) == result_ids(wanted)
    html = page(client, q="Chemcial attack")
    assert 'id="relaxed"' not in html and link(html, "corrected") == ({"q": ["Chemical attack"]}, "Chemical attack")


@pytest.fixture(scope="module")
def swaps_engine(tmp_path_factory) -> SearchEngine:
    """Three stories of a chemical attack, three of a man named Nasir, three of a plain (two of them
    of other attacks)."""
    stories = [("Chemical attack on Khan Sheikhoun", "Dozens died in a chemical attack on the town."),
               ("Inspectors study the chemical attack", "The chemical attack left traces of sarin."),
               ("Survivors of the chemical attack", "Doctors treated survivors of the chemical attack."),
               ("Nasir returns to Hama", "Ahmed Nasir, a teacher, went back to his school."),
               ("A school reopens", "The headmaster, Nasir, said lessons start on Sunday."),
               ("Nasir speaks to reporters", "Nasir described the shelling of the market."),
               ("Attack on a checkpoint", "Gunmen attacked a checkpoint on the plain near Homs."),
               ("Market attack", "An attack on the market killed four on the plain."),
               ("Farmers return", "Farmers return to the Ghab plain.")]
    records = [{"url": f"https://example.org/swaps/{number}", "source": "Example", "lang": "en",
                "published": "2018-04-0" + str(number % 9 + 1), "title": title, "body": body}
               for number, (title, body) in enumerate(stories)]
    return SearchEngine(index_of_records(tmp_path_factory.mktemp("swaps"), records).index_dir)


def test_two_swapped_letters_make_a_common_word_searched_but_never_a_name(swaps_engine):
    corrected = swaps_engine.search(SearchRequest(q="Chemcial attack"))
    assert corrected.corrected_query == "Chemical attack" and not corrected.relaxed
    assert corrected.total == swaps_engine.search(SearchRequest(q="chemical attack")).total == 3
    # "Nasri" is "Nasir" with two letters swapped, but Nasir is no common word: a name typed
    # (the footballer) stays as typed, with Nasir only offered.
    name = swaps_engine.search(SearchRequest(q="Nasri"))
    assert name.corrected_query is None and name.total == 0 and name.suggestion == "Nasir"
    # Under six letters names are swaps of common words too often: Palin is not Plain.
    short = swaps_engine.search(SearchRequest(q="Palin"))
    assert short.corrected_query is None and short.total == 0 and short.suggestion == "Plain"
