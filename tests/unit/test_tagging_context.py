"""Context a reader uses (search_app/enrich/roles.py): each rule with the kind of sentence that
motivated it, seen in the shared corpora (short sentences of our own, not the articles' text)."""
import json

import pytest

from search_app.enrich.actors import extract_actors
from search_app.enrich.places import extract_places
from search_app.ingest.records import build_article


def governorates(text):
    return set(extract_places(text).governorates)


# --- a place name that is a person's name ------------------------------------------------------

def test_a_family_name_after_given_names_is_not_the_town():
    # A Yemeni MP called الشدادي (SaudiNewsNet) was filed under al-Shaddadi, Hasakah.
    assert governorates("قال محمد علي الشدادي نائب رئيس مجلس النواب اليمني إن الحوار مستمر") == set()


def test_a_name_in_a_list_after_a_place_ending_in_a_given_name_is_a_place():
    # عين عيسى ends in a given name; ودير الزور after it is the next item of a list of places.
    assert "SY09" in governorates("قصفت الطائرات مواقع قرب مدن الحسكة وحلب وعين عيسى ودير الزور")


def test_a_family_name_named_again_alone_is_still_the_man():
    text = "قال محمد علي الشدادي إن الحوار مستمر. ويعد الشدادي من أبرز الشخصيات الجنوبية"
    assert governorates(text) == set()


def test_a_family_name_after_bin_is_not_the_camp():
    assert "rukban" not in extract_places("رفع الدكتور محمد بن عثمان الركبان رئيس اللجنة الإشرافية تقريره").regions


def test_the_town_itself_is_still_a_place():
    assert governorates("سيطر التنظيم على بلدة الشدادي جنوب الحسكة") == {"SY08"}
    assert "rukban" in extract_places("وصلت قافلة مساعدات إلى مخيم الركبان").regions


def test_a_man_called_hamah_next_to_a_hama_place_does_not_add_places():
    tags = extract_places("قال صالح حماه إن الفصائل قصفت مواقع في ريف إدلب")
    assert set(tags.governorates) == {"SY07"}


@pytest.mark.parametrize("text", ["قال أبو محمد الحلبي إن المعارك مستمرة", "أكد القيادي الحمصي أن الهدنة صامدة",
                                  "Abu Omar al-Halabi, a commander, said the truce held"])
def test_a_nisba_is_not_its_city(text):
    assert governorates(text) == set()


def test_a_hill_called_tal_something_is_not_at_tall_district():
    # FA-KES: "the village of Tal Qarrah in the north of Aleppo" was filed under Rural Damascus.
    tags = extract_places("Barrel bombs hit a hall in the village of Tal Qarrah in the north of Aleppo")
    assert tags.governorates == ("SY02",) and "SY0304" not in tags.districts
    assert "SY0304" in extract_places("Government forces entered al-Tall, north of Damascus, on Friday").districts


# --- a place name that names a road ---------------------------------------------------------

def test_tariq_halab_in_hama_is_not_aleppo():
    assert governorates("قصفت قوات النظام حي طريق حلب في مدينة حماة") == {"SY05"}
    assert governorates("Shelling hit the Tariq Halab neighbourhood of Hama city") == {"SY05"}


def test_a_highway_named_after_two_cities_is_where_it_runs():
    assert governorates("Rebels cut the Damascus-Aleppo highway near Saraqib") == {"SY07"}
    assert governorates("قطعت الفصائل طريق دمشق حلب الدولي قرب سراقب") == {"SY07"}


def test_aleppo_itself_is_still_aleppo():
    assert governorates("قصفت قوات النظام أحياء حلب الشرقية") == {"SY02"}
    # A road word that starts the next sentence does not make Aleppo a road.
    assert "SY02" in governorates("A final agreement in Idlib and Aleppo. Location: road between two towns")


# --- a place abroad that shares a Syrian name ------------------------------------------------

def test_duma_near_nablus_is_not_douma():
    # SaudiNewsNet: settlers burned a house in Duma, a village near Nablus.
    tags = extract_places("أحرق مستوطنون منزلاً في قرية دوما بمدينة نابلس الفلسطينية")
    assert tags.governorates == () and tags.districts == ()


def test_sousse_in_tunisia_is_not_a_deir_ez_zor_village():
    assert governorates("الهجوم الإرهابي الذي استهدف فندقا بمدينة سوسة التونسية") == set()


def test_a_border_with_a_foreign_country_keeps_the_syrian_town():
    assert governorates("سيطرت الوحدات الكردية على بلدة تل أبيض على الحدود التركية") == {"SY11"}


# --- a place name that is a common word ------------------------------------------------------

def test_the_middle_class_is_not_tabqa():
    assert governorates("نشأ في أسرة تنتمي إلى الطبقة المتوسطة في المجتمع") == set()


def test_the_city_of_tabqa_is_tabqa():
    assert governorates("سيطرت قوات سوريا الديمقراطية على مدينة الطبقة") == {"SY11"}


def test_a_commemorative_shield_is_not_daraa():
    # درعاً تذكارياً: SaudiNewsNet articles about ceremonies were filed under Dar'a.
    assert governorates("قدم رئيس مجلس التنمية السياحية درعا تذكاريا للأمير") == set()
    assert governorates("لتكون هذه المواقع درعا حصينا لهم") == set()
    assert governorates("من إدلب شمالا وحتى درعا جنوبا") == {"SY07", "SY12"}
    assert governorates("قصفت قوات النظام درعا البلد") == {"SY12"}


# --- a country acts, or is only a place --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "A man from Homs fled to Lebanon with his family.",
    "Talks with Turkey resumed in Geneva on Monday.",
    "Activists crossed into Turkey through the Bab al-Hawa crossing.",
    "The Britain-based monitor counted 12 dead.",
    "US-backed fighters entered the village.",
    "فر آلاف السوريين إلى لبنان خلال الأسبوع الماضي",
    "تلقى المقاتلون تدريبات عسكرية في تركيا",
    "عقدت المفاوضات في مدينة إسطنبول بتركيا",
])
def test_a_country_only_named_as_a_place_is_not_an_actor(text):
    assert not set(extract_actors(text)) & {"lebanon", "turkey", "united-kingdom", "united-states"}


@pytest.mark.parametrize("text, country", [
    ("Turkey launched strikes on Kurdish positions near Afrin.", "turkey"),
    ("Lebanon's army closed the border crossing.", "lebanon"),
    ("Russia and Iran back the government offensive.", "iran"),
    ("The ceasefire was brokered by Russia.", "russia"),
    ("The US defence secretary announced new strikes.", "united-states"),
    ("أعلنت تركيا بدء عملية عسكرية شرق الفرات", "turkey"),
    ("روسيا تقصف ريف إدلب الجنوبي", "russia"),
    ("قال وزير خارجية تركيا إن بلاده لن تسمح بذلك", "turkey"),
    ("انطلقت المعركة بدعم من تركيا", "turkey"),
    ("Turkish forces shelled the town.", "turkey"),
    ("The United Nations has raised concern about the siege.", "un"),
    ("The United States and Britain on Sunday acknowledged the strike.", "united-kingdom"),
    ("A US drone carried out the strike.", "united-states"),
    ("The zone was set up under an agreement between Turkey, Russia and Iran.", "iran"),
    ("Jaysh al-Islam receives backing from Saudi Arabia.", "saudi-arabia"),
    ("أكدت منظمة الأمم المتحدة للأغذية والزراعة أن المحصول تراجع", "un"),
])
def test_a_country_that_acts_is_an_actor(text, country):
    assert country in extract_actors(text)


# --- an outlet is an actor only as the subject ---------------------------------------------

@pytest.mark.parametrize("text", [
    "Twelve people were killed, the Syrian Observatory for Human Rights said.",
    "According to the Syrian Observatory for Human Rights, 12 people died.",
    "قال المرصد السوري لحقوق الإنسان إن 20 مدنيا قتلوا",
    "بحسب المرصد السوري لحقوق الإنسان قتل 20 مدنيا",
    "وثقت الشبكة السورية لحقوق الإنسان مقتل 30 مدنيا",
    "The state news agency SANA reported the explosion.",
])
def test_an_outlet_quoted_as_a_source_is_not_an_actor(text):
    assert not set(extract_actors(text)) & {"sohr", "snhr", "sana"}


def test_an_outlet_that_is_the_subject_is_an_actor():
    text = "Syrian authorities accused the Syrian Observatory for Human Rights of inventing casualty figures."
    assert "sohr" in extract_actors(text)


def test_the_records_source_does_not_make_the_outlet_an_actor():
    text = "The Syrian Observatory for Human Rights was set up in 2006 by Rami Abdulrahman."
    assert "sohr" in extract_actors(text)
    assert "sohr" not in extract_actors(text, source="SOHR")
    assert "sohr" not in extract_actors(text, source="SOHR;Airwars")


def test_ingest_passes_the_source_to_the_actor_tags():
    article = build_article({"title": "The Syrian Observatory for Human Rights was set up in 2006",
                             "body": "Its founder lives in Coventry.", "source": "SOHR", "lang": "en"})
    assert "sohr" not in article.actors


def test_the_judged_sample_lists_only_known_ids():
    from search_app.enrich.actors import all_actors
    from search_app.enrich.places import all_places
    from tests.conftest import REPO_ROOT
    items = json.loads((REPO_ROOT / "tests" / "data" / "judged_tagging.json").read_text(encoding="utf-8"))["items"]
    places, actors = {p.id for p in all_places()}, {a.id for a in all_actors()}
    assert len(items) >= 150 and sum(item["part"] == "held" for item in items) >= 45
    for item in items:
        assert set(item["governorates"]) | set(item["districts"]) <= places, item["id"]
        assert set(item["actors"]) <= actors, item["id"]
