"""Sources as outlets: one outlet whatever its spelling, named in the interface language; an
unknown source keeps its own name, tidied."""
import csv
import json

import pytest

from search_app.enrich.outlets import outlet_key, outlet_keys, outlet_label, outlets, source_names


@pytest.mark.parametrize("names, outlet", [
    (["Reuters News", "reuters", "Reuters", "REUTERS"], "reuters"),
    (["Enab Baladi", "عنب بلدي", "https://www.enabbaladi.net/archives/1"], "enab-baladi"),
    (["Airwars", "Air Wars"], "airwars"),
    (["aawsat", "asharqalawsat", "Asharq Al-Awsat", "الشرق الأوسط"], "asharq-al-awsat"),
    (["HRW", "Human Rights Watch"], "hrw"),
    (["Al Jazeera", "Aljazeera", "Al Jazeera (in SOHR)"], "aljazeera"),
    (["http://syria.liveuamap.com/", "syria.liveuamap.com", "SyriaLiveuaMap"], "liveuamap"),
    (["http://www.syriahr.com/en/?p=64904", "SOHR", "المرصد السوري"], "sohr"),
    (["was", "SPA"], "spa"),
])
def test_every_spelling_of_an_outlet_is_one_outlet(names, outlet):
    assert {outlet_key(name) for name in names} == {outlet}


def test_an_outlet_is_named_in_the_interface_language():
    assert outlet_label("reuters", "en") == "Reuters" and outlet_label("reuters", "ar") == "رويترز"
    assert outlet_label("okaz", "en") == "Okaz" and outlet_label("okaz", "ar") == "عكاظ"
    assert outlet_label("waha-report", "ar") == "Waha Report"  # no Arabic name known: the English one


def test_an_unknown_source_keeps_its_name_with_case_and_spacing_tidied():
    assert outlet_key("  aleppo   today ") == "Aleppo Today"
    assert outlet_key("Raqqa Is Being Slaughtered") == "Raqqa Is Being Slaughtered"
    assert outlet_label("Raqqa Is Being Slaughtered", "ar") == "Raqqa Is Being Slaughtered"
    assert outlet_key("Smith, Jones & Co") == "Smith Jones & Co"  # a comma would split the facet value


def test_a_multi_source_record_names_each_outlet_once():
    assert source_names("SOHR;SOHR; Airwars;") == ["SOHR", "Airwars"]
    assert outlet_keys("SOHR;SOH;Airwars;Air Wars") == ("sohr", "airwars")
    assert outlet_keys("unknown") == () and outlet_keys("") == ()


def test_a_record_without_a_known_source_is_its_sites_outlet():
    assert outlet_keys("", "https://aawsat.com/node/1") == ("asharq-al-awsat",)
    assert outlet_keys("Latest news feed", "https://www.reuters.com/world/x") == ("reuters",)
    assert outlet_keys("Aleppo Today", "https://aleppo.example/a") == ("Aleppo Today",)


def test_registry_entries_are_well_formed():
    ids = list(outlets())
    assert len(ids) == len(set(ids)) and all(outlet_key(outlet_id) == outlet_id for outlet_id in ids)


@pytest.mark.shared_data
def test_the_shared_corpora_name_each_outlet_once(shared_dir):
    """368-odd source spellings in FA-KES, the Arabic news and UCDP become one value per outlet."""
    data = shared_dir / "data"
    raw, keys = set(), set()
    with (data / "fakes" / "fakes.csv").open(encoding="latin-1") as handle:
        for row in csv.DictReader(handle):
            raw.add(row["source"])
            keys.update(outlet_keys(row["source"]))
    for name in ("ucdp-syria/events.jsonl", "arabic-news/articles.jsonl"):
        with (data / name).open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                source = record.get("source_office") or record.get("source") or ""
                raw.update(source_names(source))
                keys.update(outlet_keys(source, record.get("url") or ""))
    unknown = {key for key in keys if key not in outlets()}
    assert len(raw) > 150 and len(keys) < 110 and len(unknown) <= 15, sorted(unknown)
    assert not [key for key in unknown if key.islower()]  # no bare newspaper codes left
