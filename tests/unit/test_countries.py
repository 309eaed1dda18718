"""Country names from CLDR (through Babel) and the nationality adjectives derived from them."""
from __future__ import annotations

import pytest

from search_app.enrich.actors import actor_country, country_actor
from search_app.text.countries import arabic_adjectives, arabic_clitic_forms, countries, english_adjectives, find_countries
from search_app.text.normalize import normalized_tokens


def _found(text: str) -> list[str]:
    return [mention.country.code for mention in find_countries(normalized_tokens(text))]


def test_every_cldr_country_has_both_names_and_no_grouping_is_a_country():
    table = countries()
    assert len(table) > 240
    assert table["JO"].en == "Jordan" and table["JO"].ar == "الأردن"
    assert table["SY"].ar == "سوريا" and "سورية" in table["SY"].names_ar
    assert not {"EU", "UN", "EZ", "001", "419"} & set(table)


def test_cldr_alternative_names_babel_omits_are_kept():
    assert "Turkey" in countries()["TR"].names_en and "Türkiye" in countries()["TR"].names_en
    assert "Czech Republic" in countries()["CZ"].names_en
    assert {"Myanmar", "Burma"} <= set(countries()["MM"].names_en)


def test_a_name_two_countries_share_or_an_everyday_word_names_neither():
    assert _found("Congo") == []
    assert _found("الدعم مالي") == []  # مالي "financial", not Mali
    assert _found("Mali") == ["ML"]
    assert "تركي" not in countries()["TR"].adjectives_ar  # the given name Turki
    assert {"التركي", "تركية", "التركية"} <= set(countries()["TR"].adjectives_ar)


@pytest.mark.parametrize("code, name, expected", [
    ("SY", "Syria", "Syrian"), ("RU", "Russia", "Russian"), ("JO", "Jordan", "Jordanian"),
    ("LB", "Lebanon", "Lebanese"), ("TR", "Turkey", "Turkish"), ("IQ", "Iraq", "Iraqi"),
    ("IR", "Iran", "Iranian"), ("SA", "Saudi Arabia", "Saudi"), ("CU", "Cuba", "Cuban"),
    ("UZ", "Uzbekistan", "Uzbekistani"), ("DE", "Germany", "German"), ("GB", "United Kingdom", "British"),
])
def test_english_nationality_adjectives(code, name, expected):
    assert expected in english_adjectives(code, name)


def test_english_plurals_only_where_english_has_them():
    assert english_adjectives("JO", "Jordan") == ("Jordanian", "Jordanians")
    assert english_adjectives("IQ", "Iraq") == ("Iraqi", "Iraqis")
    assert english_adjectives("FR", "France") == ("French",)
    assert english_adjectives("BT", "Bhutan") == ()  # no rule is safe: nothing rather than "Bhutanian"


@pytest.mark.parametrize("name, masculine", [
    ("الأردن", "أردني"), ("سوريا", "سوري"), ("سورية", "سوري"), ("تركيا", "تركي"), ("لبنان", "لبناني"),
    ("العراق", "عراقي"), ("السعودية", "سعودي"), ("الإمارات", "إماراتي"), ("مصر", "مصري"), ("فرنسا", "فرنسي"),
])
def test_arabic_nisba(name, masculine):
    forms = arabic_adjectives(name)
    stem = masculine[:-1]
    assert forms == (stem + "ي", "ال" + stem + "ي", stem + "ية", "ال" + stem + "ية",
                     stem + "يون", "ال" + stem + "يون", stem + "يين", "ال" + stem + "يين")


@pytest.mark.parametrize("name", ["الولايات المتحدة", "مالي", "الكونغو - كينشاسا", "توغو"])
def test_no_nisba_where_the_rule_cannot_read_the_name(name):
    assert arabic_adjectives(name) == ()


def test_arabic_names_keep_the_article_cldr_gives_them():
    assert "الأردن" in countries()["JO"].names_ar and "أردن" not in countries()["JO"].names_ar
    assert not any(name.startswith("ال") for name in countries()["LB"].names_ar)  # never السوريا, اللبنان


def test_arabic_clitic_forms_merge_lam_with_the_article():
    assert arabic_clitic_forms("العراق") == ("والعراق", "بالعراق", "للعراق", "فالعراق", "وبالعراق", "وللعراق")
    assert arabic_clitic_forms("لبنان")[:3] == ("ولبنان", "بلبنان", "للبنان")


@pytest.mark.parametrize("text, expected", [
    ("Jordanian refugees", ["JO"]), ("Jordan's king", ["JO"]), ("الأردنيين", ["JO"]),
    ("عادوا من بالعراق ولبنان", ["IQ", "LB"]), ("Czech Republic aid", ["CZ"]),
    ("Syrian refugees in Turkey", ["SY", "TR"]), ("us strikes", []), ("Republic", []),
])
def test_find_countries(text, expected):
    assert _found(text) == expected


def test_actors_that_are_countries_know_their_country():
    assert actor_country("jordan") == "JO" and country_actor("JO") == "jordan"
    assert actor_country("turkey") == "TR" and actor_country("united-states") == "US"
    assert actor_country("syrian-government") is None and country_actor("EG") is None


def test_actors_that_are_countries_carry_every_cldr_name_of_their_country():
    """Tagging reads the actor table: a country actor missing a CLDR name would miss stories."""
    from search_app.enrich.names import actor_entities

    for entity in actor_entities().values():
        code = actor_country(entity.id)
        if code is None:
            continue
        have = {tuple(normalized_tokens(name)) for name in entity.names_en + entity.names_ar}
        country = countries()[code]
        missing = [name for name in country.names_en + country.names_ar if tuple(normalized_tokens(name)) not in have]
        assert not missing, (entity.id, missing)
