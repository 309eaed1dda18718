"""The bilingual conflict glossary: data quality and query matching."""
import collections
import json
from importlib import resources
from pathlib import Path

import pytest

from search_app.text import glossary
from search_app.text.arabic import has_arabic, light10, normalize_arabic
from search_app.text.glossary import (
    GlossaryConcept,
    GlossaryMatch,
    all_concepts,
    concept,
    find_concepts,
    term_key,
)
from search_app.text.normalize import normalized_tokens


def ids(query: str) -> list[str]:
    return [m.concept.id for m in find_concepts(normalized_tokens(query))]


def spans(query: str) -> list[tuple[str, str]]:
    tokens = normalized_tokens(query)
    return [(" ".join(tokens[m.start:m.end]), m.concept.id) for m in find_concepts(tokens)]


def every_term():
    for c in all_concepts():
        for term in c.en + c.ar:
            yield c, term


# --------------------------------------------------------------------------- data


def test_glossary_has_at_least_220_concepts_each_with_english_and_arabic():
    concepts = all_concepts()
    assert len(concepts) >= 220
    for c in concepts:
        assert isinstance(c, GlossaryConcept)
        assert c.en and c.ar, c.id
        assert all(t.strip() for t in c.en + c.ar), c.id


def test_concept_ids_are_unique_and_looked_up_by_id():
    concepts = all_concepts()
    assert len({c.id for c in concepts}) == len(concepts)
    assert concept("airstrike").id == "airstrike"
    with pytest.raises(KeyError):
        concept("no-such-concept")


def test_json_ships_as_package_data():
    raw = (resources.files("search_app") / "reference" / "glossary.json").read_text("utf-8")
    data = json.loads(raw)
    assert [e["id"] for e in data["concepts"]] == [c.id for c in all_concepts()]


def test_arabic_terms_are_arabic_and_english_terms_are_not():
    for c in all_concepts():
        for term in c.ar:
            assert has_arabic(term), (c.id, term)
        for term in c.en:
            assert not has_arabic(term), (c.id, term)


def test_conscription_lists_tajnid_and_khidmat_al_alam():
    c = concept("conscription")
    assert "conscription" in c.en
    assert "تجنيد" in c.ar
    assert "خدمة العلم" in c.ar


def test_no_two_concepts_share_a_normalised_term():
    owners = collections.defaultdict(set)
    for c, term in every_term():
        owners[term_key(term)].add(c.id)
    shared = {key: sorted(o) for key, o in owners.items() if len(o) > 1}
    assert shared == {}


@pytest.mark.parametrize("split", ["whitespace", "normalized_tokens"])
def test_every_term_finds_its_own_concept_as_one_match(split):
    failures = []
    for c, term in every_term():
        tokens = term.split() if split == "whitespace" else normalized_tokens(term)
        matches = find_concepts(tokens)
        if [(m.start, m.end, m.concept.id) for m in matches] != [(0, len(tokens), c.id)]:
            failures.append((c.id, term, [(m.start, m.end, m.concept.id) for m in matches]))
    assert failures == []


# --------------------------------------------------------------------------- matching


def test_english_inflections_reach_conscription():
    for query in ("conscription", "conscripts", "Conscript", "military service", "reserve call-up"):
        assert ids(query) == ["conscription"], query


def test_arabic_tajnid_forms_reach_the_same_concept():
    assert ids("تجنيد") == ["conscription"]
    assert ids("التجنيد الإجباري") == ["conscription"]
    for query in ("التجنيد", "والتجنيد", "بالتجنيد", "للتجنيد", "التَّجْنِيد", "خدمة العلم"):
        assert ids(query) == ["conscription"], query


def test_air_strike_spellings_reach_airstrike():
    for query in ("air strike", "air strikes", "airstrike", "airstrikes", "Air-Strikes", "غارات جوية", "الغارات"):
        assert ids(query) == ["airstrike"], query


def test_raw_token_with_hyphen_is_split_but_offsets_stay_on_caller_tokens():
    matches = find_concepts(["Russian", "air-strikes", "hit", "Idlib"])
    assert matches == [GlossaryMatch(1, 2, concept("airstrike"))]


def test_longest_match_wins_and_matches_do_not_overlap():
    assert spans("ceasefire violations") == [("ceasefire violations", "ceasefire_violation")]
    assert spans("وقف إطلاق النار") == [("وقف اطلاق النار", "ceasefire")]
    assert spans("IDP camp") == [("idp camp", "camp")]
    assert spans("released detainees") == [("released", "release"), ("detainees", "detainee")]


def test_matches_do_not_cross_a_token_without_words():
    assert find_concepts(["air", "—", "strike"]) == []


def test_arabic_clitics_are_tolerated():
    assert ids("بقصف") == ["shelling"]
    assert ids("للاجئين") == ["refugee"]
    assert ids("وقود") == ids("الوقود") == ids("والوقود") == ["fuel"]


def test_hama_matches_no_concept_in_either_script():
    for query in ("Hama", "Hamah", "حماة", "حماه", "وحماة", "بحماه", "لحماة", "محافظة حماة"):
        assert ids(query) == [], query


def test_protection_still_matches_although_it_stems_like_hama():
    # Light10 turns both حماية "protection" and حماه "Hama" into حما.
    assert light10(normalize_arabic("حماية")) == light10(normalize_arabic("حماه")) == "حما"
    assert ids("حماية") == ["protection_of_civilians"]
    assert spans("حماية المدنيين في حماة") == [("حمايه المدنيين", "protection_of_civilians")]


def test_protected_place_names_match_nothing():
    for name in glossary.PROTECTED_AR:
        for clitic in ("", "و", "ب", "ل"):
            assert find_concepts([clitic + name]) == [], clitic + name
    for name in glossary.PROTECTED_EN:
        assert find_concepts([name]) == [], name


def test_no_glossary_term_is_blocked_as_a_protected_name():
    blocked = [
        (c.id, term)
        for c, term in every_term()
        for word in normalized_tokens(term)
        if has_arabic(word) and glossary._is_protected_ar(word)
    ]
    assert blocked == []


def test_governorate_and_town_do_not_read_as_governor_and_municipality():
    assert ids("محافظة") == ids("governorate") == ids("بلدة") == []
    assert ids("المحافظ") == ids("governor") == ["governor"]
    assert ids("البلدية") == ["municipality"]


@pytest.mark.parametrize(
    "word",
    [
        "كم", "عملية", "مصادر", "قبل", "شرط", "الملك", "الامر", "أمام", "السيد", "حوالي",
        "المرحلة", "طالبان", "البلدين", "الاتصال", "سلامة", "وسيلة", "زار", "تعليمات",
        "report", "according", "office", "fired", "important", "armed", "I", "the", "said",
    ],
)
def test_common_words_that_stem_like_glossary_words_match_nothing(word):
    assert ids(word) == []


# --------------------------------------------------------------------------- reference data


def _reference_file(*names: str):
    """The first of these reference files found in the package, else in the shared folder."""
    for name in names:
        packaged = resources.files("search_app") / "reference" / name
        if packaged.is_file():
            return json.loads(packaged.read_text("utf-8"))
    for name in names:
        shared = Path("/work/shared/reference") / name
        if shared.is_file():
            return json.loads(shared.read_text("utf-8"))
    pytest.skip(f"none of {names} available")


def _place_names(node):
    """(name, ambiguous) from places.json (names_en/names_ar) or the raw gazetteer (variants_*)."""
    if isinstance(node, dict):
        ambiguous = node.get("ambiguous") if isinstance(node.get("ambiguous"), dict) else {}
        for key in ("names_en", "names_ar"):
            for name in node.get(key) or []:
                yield name, name in ambiguous
        for key in ("variants_en", "variants_ar"):
            for variant in node.get(key) or []:
                yield variant["name"], bool(variant.get("ambiguous"))
        for key, value in node.items():
            if key not in ("names_en", "names_ar", "variants_en", "variants_ar", "_meta"):
                yield from _place_names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _place_names(item)


def test_single_word_place_names_match_no_concept():
    places = _reference_file("places.json", "syria-gazetteer.json")
    hits = []
    for name, ambiguous in _place_names(places):
        tokens = normalized_tokens(name)
        if len(tokens) == 1 and not ambiguous and find_concepts(tokens):
            hits.append(name)
    assert hits == []


def _actor_aliases(actor):
    """Aliases from the shipped actors.json (names_en/names_ar) or the shared one (en/ar lists)."""
    if "names_en" in actor or "names_ar" in actor:
        return list(actor.get("names_en") or []) + list(actor.get("names_ar") or [])
    return list(actor.get("en") or []) + list(actor.get("ar") or [])


def test_glossary_terms_are_not_unambiguous_actor_names():
    actors = _reference_file("actors.json")["actors"]
    terms = {tuple(normalized_tokens(t)): (c.id, t) for c, t in every_term()}
    aliases = [(actor, alias) for actor in actors for alias in _actor_aliases(actor)]
    assert len(aliases) > len(actors)
    clashes = [
        (actor["id"], alias, terms[tuple(normalized_tokens(alias))])
        for actor, alias in aliases
        if alias not in (actor.get("ambiguous") or []) and tuple(normalized_tokens(alias)) in terms
    ]
    assert clashes == []
