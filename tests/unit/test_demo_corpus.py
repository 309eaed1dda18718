"""The demo corpus shipped in the package is complete and well formed, and has what the demo shows:
every governorate and many actors as the product's own tagger finds them, the Hama cases and their
hard negatives. A failure names what is missing, with counts."""
from __future__ import annotations

import collections
import json
import re
from importlib import resources

import pytest

from search_app.enrich.actors import extract_actors
from search_app.enrich.matcher import find_mentions
from search_app.enrich.places import extract_places, governorates

YEARS = range(2011, 2027)
HAMA_WORD = re.compile(r"\bHamah?\b|حماة|حماه")
CONSCRIPTION = re.compile(r"conscription|conscripts|reservists|military service|تجنيد|الخدمة الإلزامية|الاحتياط|"
                          r"خدمة العلم", re.IGNORECASE)
MIN_PER_GOVERNORATE = 6
MIN_ACTORS = 25


def corpus_file():
    return resources.files("search_app") / "demo" / "articles.jsonl"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return [line for line in corpus_file().read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def records(lines) -> list[dict]:
    return [json.loads(line) for line in lines]


def kind(record: dict) -> str:
    if record["lang"] == "en":
        return "en-only"
    return "ar+en" if record.get("translations") else "ar-only"


def original_text(record: dict) -> str:
    return record["title"] + "\n" + record["body"]


def all_text(record: dict) -> str:
    parts = [record["title"], record["body"]]
    for translation in record.get("translations") or []:
        parts += [translation["title"], translation["body"]]
    return "\n".join(parts)


def test_corpus_ships_inside_the_package():
    assert corpus_file().is_file()


def test_corpus_has_at_least_180_records(records):
    assert len(records) >= 180


def test_every_line_is_a_json_object_with_the_expected_fields(lines):
    for number, line in enumerate(lines, 1):
        record = json.loads(line)
        assert isinstance(record, dict), number
        for field in ("url", "source", "title", "body", "lang", "published"):
            assert isinstance(record.get(field), str) and record[field].strip(), (number, field)
        assert record["lang"] in {"en", "ar"}, number
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2}(T\d{2}:\d{2}:\d{2}Z)?)?", record["published"]), number


def test_non_ascii_is_written_as_is(lines):
    arabic_lines = [line for line in lines if '"lang": "ar"' in line]
    assert arabic_lines
    assert all("\\u06" not in line for line in arabic_lines)


def test_urls_are_unique_and_titles_distinct(records):
    urls = [r["url"] for r in records]
    titles = [r["title"] for r in records]
    assert len(set(urls)) == len(urls)
    assert len(set(titles)) == len(titles)
    assert all(re.match(r"https://[a-z0-9.-]+\.example/", url) for url in urls)


def test_bodies_are_short_news_items(records):
    for record in records:
        bodies = [record["body"]] + [t["body"] for t in record.get("translations") or []]
        for body in bodies:
            assert 60 <= len(body.split()) <= 200, record["title"]


def test_translations_are_english_and_only_on_arabic_originals(records):
    for record in records:
        translations = record.get("translations") or []
        if record["lang"] == "en":
            assert not translations, record["title"]
        for translation in translations:
            assert translation["lang"] == "en"
            assert translation["title"].strip() and translation["body"].strip()
            assert translation["translator"].strip()


def test_language_mix(records):
    kinds = collections.Counter(kind(r) for r in records)
    total = len(records)
    assert 0.40 <= kinds["en-only"] / total <= 0.50
    assert 0.25 <= kinds["ar+en"] / total <= 0.35
    assert 0.20 <= kinds["ar-only"] / total <= 0.30


def test_about_a_dozen_outlets(records):
    assert 10 <= len({r["source"] for r in records}) <= 14


def test_every_year_from_2011_to_2026_has_five_articles(records):
    years = collections.Counter(int(r["published"][:4]) for r in records)
    assert {year: years[year] for year in YEARS if years[year] < 5} == {}


def test_conscription_hama_has_english_only_stories(records):
    stories = [r for r in records if kind(r) == "en-only" and re.search(r"\bHamah?\b", r["body"])
               and all(w in r["body"].lower() for w in
                       ("conscription", "conscripts", "reservists", "military service"))]
    assert len(stories) >= 3


def test_conscription_hama_has_translated_arabic_stories(records):
    stories = [r for r in records if kind(r) == "ar+en"
               and "حماة" in original_text(r)
               and re.search("تجنيد|الخدمة الإلزامية|الاحتياط", original_text(r))
               and "conscription" in r["translations"][0]["body"].lower()
               and "Hama" in r["translations"][0]["body"]]
    assert len(stories) >= 2


def test_conscription_hama_arabic_only_story_spelled_with_ha(records):
    assert any(kind(r) == "ar-only" and "تجنيد" in original_text(r) and "حماه" in original_text(r)
               for r in records)


def test_conscription_hama_arabic_only_story_about_khidmat_al_alam(records):
    assert any(kind(r) == "ar-only" and "خدمة العلم" in original_text(r) and "حماة" in original_text(r)
               for r in records)


def test_conscription_hama_arabic_only_story_names_only_a_town(records):
    assert any(kind(r) == "ar-only" and "التجنيد" in original_text(r)
               and re.search("السلمية|مصياف", original_text(r)) and not HAMA_WORD.search(original_text(r))
               for r in records)


def test_hamas_stories_never_mention_hama(records):
    hamas = [r for r in records if re.search(r"\bHamas\b|حماس", all_text(r))]
    assert len(hamas) >= 3
    assert all(not HAMA_WORD.search(all_text(r)) for r in hamas)


def test_arabic_story_about_protection_not_hama(records):
    assert any(r["lang"] == "ar" and re.search(r"(?<![\u0621-\u064A])حماية", r["body"])
               and not HAMA_WORD.search(all_text(r)) for r in records)


def test_conscription_stories_elsewhere_than_hama(records):
    elsewhere = [r["title"] for r in records if CONSCRIPTION.search(all_text(r)) and not HAMA_WORD.search(all_text(r))]
    assert len(elsewhere) >= 3, elsewhere


def test_hama_stories_on_other_topics(records):
    other_topics = [r["title"] for r in records if HAMA_WORD.search(all_text(r)) and not CONSCRIPTION.search(all_text(r))]
    assert len(other_topics) >= 3, other_topics


@pytest.fixture(scope="module")
def governorates_named(records) -> list[tuple[set[str], set[str]]]:
    """Per record, the governorates the tagger finds named outright and those it tags in all
    (a town rolls up to its governorate)."""
    tagged = []
    for record in records:
        text = all_text(record)
        named = {mention.entity.id for mention in find_mentions(text)
                 if mention.entity.kind == "place" and mention.entity.level == "governorate"}
        tagged.append((named, set(extract_places(text).governorates)))
    return tagged


def test_every_governorate_is_named_in_six_articles(governorates_named):
    counts = collections.Counter(pcode for named, _ in governorates_named for pcode in named)
    thin = {governorate.en: counts[governorate.id] for governorate in governorates()
            if counts[governorate.id] < MIN_PER_GOVERNORATE}
    assert thin == {}


def test_ten_articles_reach_a_governorate_only_through_a_town(governorates_named):
    through_a_town = [all_tags - named for named, all_tags in governorates_named if all_tags - named]
    assert len(through_a_town) >= 10


def test_many_distinct_actors(records):
    actors = collections.Counter(actor for r in records for actor in extract_actors(all_text(r), source=r["source"]))
    assert len(actors) >= MIN_ACTORS, actors.most_common()
