"""Place tagging: every spelling of a place finds its p-code, and look-alike words do not."""
from pathlib import Path

import pytest

from devtools.places import evaluate as evaluate_places
from search_app.enrich import PlaceTags, districts_of, extract_places, find_mentions, governorates, place
from search_app.reference import load_places
from search_app.text.normalize import normalized_tokens

REPO_ROOT = Path(__file__).resolve().parents[2]
FAKES = REPO_ROOT.parent / "shared" / "data" / "fakes" / "articles.jsonl"


def governorates_in(text):
    return extract_places(text).governorates


@pytest.mark.parametrize("text", [
    "Shelling hit Hama overnight",
    "Government forces advanced north of Hamah",
    "قصف مدفعي على حماة",
    "اشتباكات في ريف حماه الشمالي",
    "معارك عنيفة في حلب وحماة",
    "انفجار سيارة مفخخة بحماه",
])
def test_every_spelling_of_hama_tags_hama(text):
    assert "SY05" in governorates_in(text)


@pytest.mark.parametrize("text", [
    "Hamas said its delegation would travel to Cairo",
    "Hamas's political bureau met in Doha",
    "قالت حركة حماس في بيان",
    "حماس",
    "حماية المدنيين أولوية",
    "الأمن هم حماة الوطن وحراسه",
])
def test_hamas_protection_and_protectors_are_not_hama(text):
    assert "SY05" not in governorates_in(text)
    assert "SY05" not in extract_places(text).governorates


def test_hamas_typed_as_a_query_is_not_hama():
    assert all(m.entity.id != "SY05" for m in find_mentions("Hamas", for_query=True))


@pytest.mark.parametrize("text", ["Clashes erupted near Salamiyah", "قصف على مدينة السلمية", "السلمية بريف حماة"])
def test_salamiyah_rolls_up_to_its_subdistrict_district_and_hama(text):
    tags = extract_places(text)
    assert "salamiyah" in tags.towns
    assert "SY050300" in tags.subdistricts
    assert "SY0503" in tags.districts
    assert "SY05" in tags.governorates


def test_peaceful_protests_in_hama_are_not_salamiyah():
    tags = extract_places("خرجت المظاهرات السلمية في حماة")
    assert tags.governorates == ("SY05",)
    assert "salamiyah" not in tags.towns and "SY0503" not in tags.districts


@pytest.mark.parametrize("text", [
    "Deir ez-Zor", "Deir ezZor", "Deir ez Zor", "Deir al-Zour", "Deir Ezzor", "Dayr az-Zawr",
    "Deir el-Zor", "دير الزور", "قصف بدير الزور",
])
def test_deir_ez_zor_spellings_tag_deir_ez_zor(text):
    assert governorates_in(text) == ("SY09",)


def test_rural_damascus_is_not_damascus():
    assert governorates_in("غارات على ريف دمشق") == ("SY03",)
    assert governorates_in("Airstrikes on Rural Damascus") == ("SY03",)
    assert governorates_in("Shelling in the Damascus countryside") == ("SY03",)
    assert governorates_in("انفجار في دمشق") == ("SY01",)
    assert governorates_in("A blast in Damascus") == ("SY01",)


def test_aleppo_province_is_the_governorate_only():
    for text in ("Fighting across Aleppo province", "قصف على ريف حلب", "Aleppo"):
        tags = extract_places(text)
        assert tags.governorates == ("SY02",)
        assert tags.towns == () and tags.districts == ()


@pytest.mark.parametrize("text", ["the city of Aleppo", "Aleppo city was quiet", "اشتباكات في مدينة حلب"])
def test_aleppo_city_is_the_capital_town(text):
    tags = extract_places(text)
    assert tags.towns == ("aleppo-city",)
    assert tags.districts == ("SY0200",)
    assert tags.governorates == ("SY02",)


@pytest.mark.parametrize("text", ["Kobani", "Kobane", "كوباني", "عين العرب", "Ain al-Arab"])
def test_kobani_is_ain_al_arab_in_aleppo(text):
    tags = extract_places(text)
    assert tags.towns == ("ain-al-arab",)
    assert tags.governorates == ("SY02",)


@pytest.mark.parametrize("text, governorate", [
    ("غارات بالرقة", "SY11"), ("الطريق لإدلب", "SY07"), ("معارك بحلب", "SY02"), ("والرقة", "SY11"),
    ("Aleppo's eastern districts", "SY02"), ("Dar'a", "SY12"), ("Daraa", "SY12"),
])
def test_clitics_and_apostrophes_do_not_hide_a_name(text, governorate):
    assert governorates_in(text) == (governorate,)


@pytest.mark.parametrize("text", ["الفرقة الرابعة", "ورقة عمل", "قالت فاطمة", "زار وزير الخارجية لبنان ولبنان"])
def test_a_clitic_is_stripped_only_when_the_rest_is_really_a_name(text):
    tags = extract_places(text)
    assert tags.governorates == ()


def test_mentions_are_token_offsets_into_the_normalised_stream():
    text = "Fighting in Deir ez-Zor and Ar-Raqqa"
    mentions = find_mentions(text)
    tokens = normalized_tokens(text)
    assert [(tokens[m.start:m.end], m.entity.id) for m in mentions] == [
        (["deir", "ez", "zor"], "SY09"), (["ar", "raqqa"], "SY11"),
    ]


def test_longest_name_wins():
    [mention] = find_mentions("تل أبيض")
    assert mention.entity.id == "tal-abyad"


def test_ambiguous_place_names_need_context():
    assert extract_places("Trucks queued at the Bab al-Hawa crossing").towns == ()
    assert extract_places("خلف الباب المغلق") == PlaceTags()
    assert extract_places("the town of al-Bab").towns == ("al-bab",)
    assert extract_places("اشتباكات في مدينة الباب").towns == ("al-bab",)
    assert extract_places("في الثورة السورية") == PlaceTags()


def test_a_query_of_just_an_ambiguous_name_means_the_place():
    assert [m.entity.id for m in find_mentions("Bab", for_query=True)] == ["al-bab"]
    assert [m.entity.id for m in find_mentions("تجنيد حماة", for_query=True)] == ["SY05"]
    assert find_mentions("الثورة", for_query=True) == []


def test_regions_add_a_governorate_only_when_they_lie_in_one():
    ghouta = extract_places("Siege of Eastern Ghouta")
    assert ghouta.regions == ("east-ghouta",) and ghouta.governorates == ("SY03",)
    hauran = extract_places("Protests spread across Hauran")
    assert hauran.regions == ("hauran",) and hauran.governorates == ()


def test_place_lookup_and_governorate_list():
    assert place("SY05").en == "Hama" and place("SY05").governorate == "SY05"
    assert place("C4564").id == "qamishli"
    assert place("qamishli").district == "SY0802" and place("qamishli").governorate == "SY08"
    assert [g.id for g in governorates()] == [f"SY{n:02d}" for n in range(1, 15)]
    hama_districts = districts_of("SY05")
    assert len(hama_districts) == 5 and all(d.governorate == "SY05" for d in hama_districts)
    with pytest.raises(KeyError):
        place("SY99")


def test_reference_data_ships_in_the_package_and_is_loaded_once():
    assert load_places() is load_places()
    levels = {record["level"] for record in load_places()}
    assert levels == {"governorate", "district", "subdistrict", "town", "region"}
    assert all("lat" in r for r in load_places() if r["level"] in ("governorate", "district"))


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.skipif(not FAKES.exists(), reason="../shared/data/fakes not available")
def test_fakes_labelled_governorate_is_found_in_at_least_95_percent_of_articles():
    scores = evaluate_places(FAKES)
    assert scores["strict"]["recall"] >= 0.95
