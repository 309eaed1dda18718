"""Everyday words the glossary lacks reach the other language through the installed FreeDict
dictionaries: a small archive of Arabic-only and English-only stories, searched through the page,
the API and the CLI. Skips when Debian's dict-freedict-eng-ara and dict-freedict-ara-eng are absent."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html import unescape

import pytest
from click.testing import CliRunner

from search_app.cli import main as cli
from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.store import open_store
from search_app.text.dictionary import BilingualDictionary, compile_dictionary, open_dictionary
from search_app.text.glossary import find_concepts
from search_app.text.normalize import normalized_tokens
from search_app.web import create_app

from ..conftest import make_settings, without_file_override

pytestmark = pytest.mark.skipif(open_dictionary("auto") is None,
                                reason="FreeDict's dict-freedict-eng-ara / dict-freedict-ara-eng are not installed")

KITCHEN_STORY = {"id": "ar-kitchen", "lang": "ar", "source": "Enab Baladi", "published": "2024-02-03",
                 "title": "حريق في مطبخ مخبز شعبي",
                 "body": "اندلع حريق في المطبخ الخلفي لمخبز شعبي صباح السبت وأخمده الأهالي قبل وصول الإطفاء."}
RUNNING_STORY = {"id": "ar-running", "lang": "ar", "source": "Enab Baladi", "published": "2024-03-09",
                 "title": "سباق للركض في الحديقة العامة",
                 "body": "شارك عشرات الشبان في سباق الركض الذي نظمه نادٍ رياضي محلي حول الحديقة العامة."}
RAIN_STORY = {"id": "en-rain", "lang": "en", "source": "Syria Direct", "published": "2024-01-20",
              "title": "Camps flooded after a night of rain",
              "body": "Tents collapsed in several camps after heavy rain fell through the night, residents said."}

# Thirty Arabic stories, each saying something happened "for the first time" (للمرة الأولى): the
# dictionary's first sense of "run" is المرة "(one) time", a word of nearly every such story.
_WHO = ["المجلس المحلي", "مديرية التربية", "فرقة مسرحية", "نادي الشطرنج", "جمعية المزارعين", "مكتبة عامة",
        "فريق كرة السلة", "معرض الكتاب", "سوق الخضار", "مركز الشباب", "اتحاد الطلبة", "دار الأوبرا",
        "متحف الآثار", "جوقة الكنيسة", "نقابة المحامين", "فرع الهلال", "مهرجان السينما", "رابطة الكتاب",
        "بلدية المدينة", "ورشة النجارة", "مدرسة الموسيقى", "صالة الرياضة", "حديقة الحيوان", "مطبعة الجامعة",
        "ملتقى الفنانين", "غرفة التجارة", "نادي الفروسية", "نادي السباحة", "فرقة الدبكة", "جمعية الخياطات"]
_WHAT = ["يفتتح أبوابه", "يعقد اجتماعه", "يستقبل الزوار"]
_DETAIL = ["وسط حضور كبير من الأهالي", "بمشاركة متطوعين من الأحياء المجاورة", "بتمويل من تبرعات السكان",
           "رغم انقطاع الكهرباء المتكرر"]
_SPEAKER = ["منظمون", "مسؤولون", "متطوعون", "أعضاء فيه", "زوار"]
FIRST_TIME_STORIES = [
    {"id": f"ar-once-{n}", "lang": "ar", "source": "Enab Baladi", "published": f"2023-{n % 12 + 1:02d}-15",
     "title": f"{who} {_WHAT[n % 3]} للمرة الأولى منذ {n + 3} سنوات",
     "body": f"أعلن {who} أنه {_WHAT[(n + 1) % 3]} للمرة الأولى منذ {n + 3} سنوات {_DETAIL[n % 4]}، "
             f"وقال {_SPEAKER[n % 5]} إن المرة المقبلة ستكون في {['الربيع', 'الصيف', 'الخريف'][n % 3]} "
             f"بعد {n * 7 + 11} يوما."}
    for n, who in enumerate(_WHO)
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    root = tmp_path_factory.mktemp("dictionary")
    settings = make_settings(root)
    source = root / "stories.jsonl"
    records = [KITCHEN_STORY, RUNNING_STORY, RAIN_STORY] + FIRST_TIME_STORIES
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    with open_store(settings) as store:
        report = ingest_paths(store, [source], settings.quarantine_dir)
        assert not report.rejections, report.rejections[:3]
        rebuild(store, settings.index_dir)
    assert create_app(settings).test_client().get("/api/stats").get_json()["documents"] == len(records)
    return settings


@pytest.fixture(scope="module")
def client(settings):
    return create_app(settings).test_client()


def api(client, **params) -> dict:
    return client.get("/api/search", query_string=params).get_json()


def test_the_words_used_here_are_not_glossary_words():
    # Else the glossary, not the dictionary, would be what these tests exercise.
    assert not find_concepts(["kitchen"]) and not find_concepts(["المطر"]) and not find_concepts(["run"])


def test_an_english_everyday_word_finds_an_arabic_only_story(client):
    data = api(client, q="kitchen")
    assert [hit["id"] for hit in data["results"]] == ["ar-kitchen"]
    assert "المطبخ" in data["expansions"]
    page = unescape(client.get("/", query_string={"q": "kitchen"}).get_data(as_text=True))
    also = re.search(r'<div class="expansions" id="expansions">.*?</div>', page, re.S).group(0)
    assert "المطبخ" in also  # "Also searched" says what was added
    assert re.search(r'<mark class="hl t\d+">المطبخ</mark>', page)  # and the Arabic snippet marks it


def test_an_arabic_word_without_a_glossary_entry_finds_an_english_only_story(client):
    data = api(client, q="المطر")
    assert [hit["id"] for hit in data["results"]] == ["en-rain"]
    assert "Rain" in data["expansions"]


def test_words_are_anded_across_and_ored_inside(client):
    # "kitchen fire": kitchen through the dictionary, fire (حريق) through the glossary, both needed
    assert [hit["id"] for hit in api(client, q="kitchen fire")["results"]] == ["ar-kitchen"]
    # no story has both: those with either, as the engine does for any words
    assert {hit["id"] for hit in api(client, q="kitchen camps")["results"]} == {"ar-kitchen", "en-rain"}


def test_a_word_translated_to_a_frequent_junk_term_does_not_flood_the_results(client):
    data = api(client, q="run")
    ids = [hit["id"] for hit in data["results"]]
    assert ids == ["ar-running"]  # through الركض "running", not المرة "time" of 30 stories
    assert "المرة" not in data["expansions"]


def test_without_the_dictionary_the_search_is_as_before(settings):
    app = create_app(settings.__class__(**{**settings.__dict__, "dictionary_dir": "off"}))
    client = app.test_client()
    assert api(client, q="kitchen")["total"] == 0
    assert api(client, q="المطر")["total"] == 0
    assert client.get("/api/stats").get_json()["dictionary"] == {"in_use": False, "dictionaries": []}


def test_stats_and_settings_say_the_dictionary_is_in_use(client, settings, monkeypatch):
    assert client.get("/api/stats").get_json()["dictionary"] == {
        "in_use": True, "dictionaries": ["freedict-eng-ara", "freedict-ara-eng"]}
    page = client.get("/stats").get_data(as_text=True)
    assert re.search(r'id="dictionary">FreeDict.*freedict-eng-ara', page)
    assert "القاموس الثنائي اللغة" in client.get("/stats?ui=ar").get_data(as_text=True)
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(settings.index_dir))
    monkeypatch.delenv("SEARCH_APP_DICTIONARY_DIR", raising=False)
    shown = CliRunner().invoke(cli, ["settings"])
    assert "bilingual dictionary: in use, freedict-eng-ara, freedict-ara-eng from " in shown.output
    searched = CliRunner().invoke(cli, ["search", "kitchen"])
    assert "1 results" in searched.output and "also searched: المطبخ" in searched.output
    monkeypatch.setenv("SEARCH_APP_DICTIONARY_DIR", "off")
    assert "bilingual dictionary: not in use, off" in CliRunner().invoke(cli, ["settings"]).output


def _headwords(index_path) -> list[str]:
    lines = index_path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[0] for line in lines if not line.startswith("00database")]


def test_the_compiled_dictionary_answers_exactly_as_the_dictd_files(tmp_path):
    installed = open_dictionary("auto")
    path = compile_dictionary("auto", tmp_path / "cache")
    compiled = BilingualDictionary(installed.folder, installed.files, tmp_path / "cache")
    read = BilingualDictionary(installed.folder, installed.files)
    for language, (index_path, _data) in installed.files.items():
        headwords = _headwords(index_path)
        sample = headwords[::7] + [word for word in headwords if " " in word][::3]
        differing = [word for word in sample if compiled.translations(word) != read.translations(word)]
        assert not differing[:5], language
        assert sum(bool(compiled.translations(word)) for word in sample[:500]) > 400  # the sample translates
        # Spans across neighbouring headwords, some words taken (by the glossary): longest match first.
        for start in range(0, len(headwords) - 4, 97):
            tokens = normalized_tokens(" ".join(headwords[start:start + 4]))
            taken = [n % 3 == 2 for n in range(len(tokens))]
            assert compiled.find(tokens) == read.find(tokens), headwords[start:start + 4]
            assert compiled.find(tokens, taken) == read.find(tokens, taken), headwords[start:start + 4]
    assert compiled.headwords() == read.headwords()
    assert compiled.compiled == path and read.compiled is None  # each answered from where it says


def _copy_of_the_store(settings, root):
    shutil.copytree(settings.data_dir, root / "data", ignore=shutil.ignore_patterns("cache"))
    return {"SEARCH_APP_DATA_DIR": str(root / "data"), "SEARCH_APP_INDEX_DIR": str(root / "index")}


def test_index_rebuild_compiles_the_dictionary_that_later_searches_open(settings, tmp_path, monkeypatch):
    for variable, value in _copy_of_the_store(settings, tmp_path).items():
        monkeypatch.setenv(variable, value)
    monkeypatch.delenv("SEARCH_APP_DICTIONARY_DIR", raising=False)
    rebuilt = CliRunner().invoke(cli, ["index", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    compiled = list((tmp_path / "data" / "cache").glob("dictionary-*.sqlite3"))
    assert len(compiled) == 1
    searched = CliRunner().invoke(cli, ["search", "kitchen"])
    assert "1 results" in searched.output and "also searched: المطبخ" in searched.output
    assert open_dictionary("auto", tmp_path / "data" / "cache").compiled == compiled[0]


@pytest.mark.slow
def test_a_search_with_a_read_only_data_folder_reads_the_dictionary_itself(settings, tmp_path):
    """A deployment whose data folder the searching user cannot write: no compiled file, and none
    can be written, so the dictionary is read in memory as before. As root, the child runs without
    CAP_DAC_OVERRIDE (util-linux's setpriv) so the folder's mode binds it too."""
    drop = without_file_override()
    environment = _copy_of_the_store(settings, tmp_path)
    shutil.copytree(settings.index_dir, tmp_path / "index", symlinks=True)
    (tmp_path / "data").chmod(0o555)
    try:
        child = subprocess.run([*drop, sys.executable, "-c", "from search_app.cli import main; main()", "search", "kitchen"],
                               env={**os.environ, **environment, "SEARCH_APP_DICTIONARY_DIR": "auto"},
                               capture_output=True, text=True, check=True)
    finally:
        (tmp_path / "data").chmod(0o755)
    assert "1 results" in child.stdout and "also searched: المطبخ" in child.stdout
    assert not (tmp_path / "data" / "cache").exists()
