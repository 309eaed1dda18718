"""Actor tagging: names, abbreviations, Arabic names and former names share one id."""
import pytest

from search_app.enrich import actor, actor_parent, all_actors, extract_actors, find_mentions
from search_app.reference import load_actors


@pytest.mark.parametrize("text", [
    "SDF fighters entered the town", "The DSF said", "قسد تسيطر على المدينة",
    "قوات سوريا الديمقراطية", "the Syrian Democratic Forces", "اشتباكات مع قوات سورية الديمقراطية",
])
def test_every_name_of_the_sdf_is_sdf(text):
    assert extract_actors(text) == ("sdf",)


@pytest.mark.parametrize("text", [
    "HTS took Idlib", "Jabhat al-Nusra fighters", "the al-Nusra Front", "هيئة تحرير الشام", "جبهة النصرة",
    "Jabhat Fateh al-Sham",
])
def test_hts_and_its_former_names_are_one_actor(text):
    assert extract_actors(text) == ("hts",)


@pytest.mark.parametrize("text", [
    "ISIS", "ISIL claimed the attack", "Daesh", "داعش", "تنظيم داعش", "IS fighters withdrew", "Isis militants",
])
def test_isis_isil_daesh_are_one_actor(text):
    assert extract_actors(text) == ("isis",)


def test_us_is_the_united_states_only_in_capitals():
    assert extract_actors("let us know who it is and what we do") == ()
    assert extract_actors("The US said it would respond") == ("united-states",)
    assert extract_actors("U.S. forces withdrew") == ("united-states",)
    assert extract_actors("THE US SAID IT WOULD RESPOND") == ()
    assert find_mentions("us", for_query=True) == []


def test_who_is_the_health_organisation_only_in_capitals():
    assert extract_actors("The WHO said the symptoms matched") == ("who",)
    assert extract_actors("people who fled") == ()


def test_regime_alone_needs_an_unambiguous_mention():
    assert extract_actors("the regime shelled the town") == ()
    assert extract_actors("The Syrian regime denied it; the regime said ...") == ("syrian-government",)
    assert [m.entity.id for m in find_mentions("regime", for_query=True)] == ["syrian-government"]


def test_hamas_is_an_actor_and_enthusiasm_is_not():
    assert extract_actors("Hamas said") == ("hamas",)
    assert extract_actors("حركة حماس") == ("hamas",)
    assert extract_actors("بكل حماس") == ()


def test_part_of_parents_are_not_added_but_can_be_asked_for():
    assert extract_actors("YPG fighters") == ("ypg",)
    assert actor_parent("ypg") == "sdf"
    assert actor_parent("sdf") is None
    with pytest.raises(KeyError):
        actor_parent("nobody")


def test_lowercase_acronym_in_a_query_still_finds_the_actor():
    assert [m.entity.id for m in find_mentions("hts", for_query=True)] == ["hts"]


def test_actor_lookup():
    sdf = actor("sdf")
    assert sdf.kind == "actor" and sdf.level == "armed_group" and sdf.en == "SDF" and sdf.ar == "قسد"
    assert "DSF" in sdf.names_en and "قوات سوريا الديمقراطية" in sdf.names_ar
    assert len(all_actors()) == len(load_actors()) == 107
    with pytest.raises(KeyError):
        actor("nobody")


def test_a_possessive_of_hama_is_not_hamas():
    from search_app.enrich.actors import extract_actors
    from search_app.enrich.places import extract_places

    text = "Shop owners in Hama's old market and Hama’s bakeries said prices doubled."
    assert "hamas" not in extract_actors(text)
    assert "SY05" in extract_places(text).governorates
