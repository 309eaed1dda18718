"""Hostile input at ingest: one bad record is rejected alone, quarantined with its reason, and every
good record around it (in the same batch, the same file and the files after it) still goes in."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_app.cli import main
from search_app.index.build import rebuild
from search_app.ingest import ingest_paths
from search_app.store import open_store
from search_app.web import create_app

from ..conftest import make_settings

SURROGATE_LINE = '{"title":"bad \\ud800 title","body":"x"}'
HUGE_INTEGER_LINE = '{"title":"number","body":"x","n":' + "9" * 5000 + "}"
DEEP_LINE = '{"x":' + "[" * 100000 + "]" * 100000 + "}"


def _good(number: int, **extra) -> str:
    return json.dumps({"url": f"https://wire.example/{number}", "source": "Wire", "title": f"Story {number}",
                       "body": f"Story number {number} about shelling near Hama.", "published": "2020-05-03",
                       **extra})


def _file(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _ingest(settings, paths, **options):
    with open_store(settings) as store:
        report = ingest_paths(store, paths, settings.quarantine_dir, **options)
        return report, store.count()


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(tmp_path / "index"))
    return CliRunner()


@pytest.mark.parametrize("bad_line", [SURROGATE_LINE, HUGE_INTEGER_LINE, DEEP_LINE],
                         ids=["lone-surrogate", "5000-digit-integer", "nested-100000-deep"])
def test_one_bad_line_in_the_middle_of_a_batch_is_rejected_alone(tmp_path, cli, bad_line):
    lines = [_good(n) for n in range(300)]
    lines.insert(150, bad_line)  # line 151, inside the first batch of 200
    source = _file(tmp_path / "feed.jsonl", lines)
    later = _file(tmp_path / "later.jsonl", [_good(n) for n in range(300, 310)])
    result = cli.invoke(main, ["ingest", str(source), str(later)])
    assert "Traceback" not in result.output and "error:" not in result.output, result.output
    assert "310 accepted" in result.output and "1 rejected" in result.output
    assert f"{source}:151: " in result.output
    assert result.exit_code == 3  # read, with records rejected: visible to cron and the nightly job
    (quarantined,) = (tmp_path / "data" / "quarantine").glob("feed-*.rejected.jsonl")
    assert quarantined.read_text(encoding="utf-8") == bad_line + "\n"


def test_the_same_batch_goes_on_in_worker_processes(tmp_path):
    lines = [_good(n) for n in range(60)]
    lines.insert(30, SURROGATE_LINE)
    source = _file(tmp_path / "feed.jsonl", lines)
    report, count = _ingest(make_settings(tmp_path), [source], batch_size=20)  # workers from 20 records
    assert count == 60 and [r.position for r in report.rejections] == [31]


def test_duplicate_translation_language_rejects_that_record_and_later_files_go_on(tmp_path, cli):
    twice = _good(1, translations=[{"lang": "ar", "title": "عنوان", "body": "نص"},
                                   {"lang": "ar", "title": "عنوان آخر", "body": "نص آخر"}])
    drop = tmp_path / "drop"
    _file(drop / "a.jsonl", [_good(0), twice, _good(2)])
    _file(drop / "b.jsonl", [_good(n) for n in range(10, 20)])
    result = cli.invoke(main, ["ingest", str(drop)])
    assert "Traceback" not in result.output
    assert f"{drop / 'a.jsonl'}:2: translations[1]: a second translation in 'ar'" in result.output
    assert "12 accepted" in result.output and "1 rejected" in result.output
    assert result.exit_code == 3


def test_a_record_the_store_refuses_is_rejected_alone_and_its_batch_is_kept(tmp_path):
    """Any exception while storing one record (here a trigger stands for any failure SQLite raises)
    rejects that record only; the records stored with it in the same transaction are kept."""
    settings = make_settings(tmp_path)
    with open_store(settings) as store:
        store.db.execute("CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN NEW.title = 'Story 3' "
                         "BEGIN SELECT RAISE(ABORT, 'refused by the store'); END")
    source = _file(tmp_path / "feed.jsonl", [_good(n) for n in range(6)])
    report, count = _ingest(settings, [source])
    assert count == 5
    assert [(r.position, r.reason) for r in report.rejections] == [(4, "cannot be stored: refused by the store")]


def test_quarantine_files_of_same_named_inputs_never_overwrite_each_other(tmp_path):
    sources = [_file(tmp_path / f"q{n}" / "feed.jsonl", [_good(n), f'{{"title": "broken {n}"'])
               for n in range(1, 7)]
    settings = make_settings(tmp_path)
    report, count = _ingest(settings, sources)
    assert count == 6 and len(report.rejections) == 6
    files = sorted(settings.quarantine_dir.glob("*.rejected.jsonl"))
    assert len(files) == 6 and len(set(report.quarantine_files)) == 6
    kept = sorted(line for path in files for line in path.read_text().splitlines())
    assert kept == sorted(f'{{"title": "broken {n}"' for n in range(1, 7))
    assert len(list(settings.quarantine_dir.glob("*.reasons.log"))) == 6


def test_the_record_size_cap_counts_bytes_not_characters(tmp_path):
    arabic = "ب" * (700 * 1024)  # 700k characters, 1.4 MB in UTF-8
    source = _file(tmp_path / "feed.jsonl", [_good(0), json.dumps({"title": "كبير", "body": arabic},
                                                                  ensure_ascii=False), _good(1)])
    result = CliRunner().invoke(main, ["ingest", "--dry-run", "--max-record-mb", "1", str(source)],
                                env={"SEARCH_APP_DATA_DIR": str(tmp_path / "data")})
    assert f"{source}:2: record larger than 1 MB" in result.output
    assert "dry run: 2 valid, 1 rejected" in result.output


def test_only_the_first_megabyte_of_a_body_is_indexed_and_the_whole_text_is_stored(tmp_path):
    from search_app.index.build import MAX_INDEXED_BODY_CHARS, article_document

    filler = "word " * (MAX_INDEXED_BODY_CHARS // 5)
    body = "Shelling near Hama. " + filler + "zanzibarlate tail"
    source = _file(tmp_path / "big.jsonl", [json.dumps({"title": "Long", "body": body})])
    settings = make_settings(tmp_path)
    with open_store(settings) as store:
        ingest_paths(store, [source], settings.quarantine_dir)
        (article,) = list(store.iter_articles())
        assert article.body == body.strip()
        document = article_document(article)
    assert len(document["body_en"]) <= MAX_INDEXED_BODY_CHARS and "zanzibarlate" not in document["exact"]


def test_a_page_with_too_many_attributes_on_one_element_is_rejected_before_parsing(tmp_path):
    from search_app.ingest.html_pages import MAX_ATTRIBUTES_PER_ELEMENT

    attributes = " ".join(f"a{n}=\"{n}\"" for n in range(MAX_ATTRIBUTES_PER_ELEMENT + 1))
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><article><p {attributes}>" + "Words about Hama. " * 40
                    + "</p></article></body></html>")
    report, count = _ingest(make_settings(tmp_path), [page])
    assert count == 0
    assert [r.reason for r in report.rejections] == [
        f"an element with more than {MAX_ATTRIBUTES_PER_ELEMENT} attributes (not an article page)"]


def test_two_urlless_stories_with_the_same_source_title_and_date_are_both_kept(tmp_path):
    common = {"source": "Local Council", "title": "Daily update", "published": "2020-05-03"}
    first = json.dumps({**common, "body": "Water was cut in three neighbourhoods of Raqqa on Sunday after "
                                          "the pumping station ran out of fuel, residents said."})
    second = json.dumps({**common, "body": "Schools in Deir ez-Zor reopened for the first time since "
                                           "the winter floods damaged their roofs, teachers reported."})
    source = _file(tmp_path / "updates.jsonl", [first, second])
    settings = make_settings(tmp_path)
    report, count = _ingest(settings, [source])
    assert count == 2 and report.outcomes["added"] == 2 and report.outcomes["updated"] == 0
    assert [note.position for note in report.collisions] == [2]
    with open_store(settings) as store:
        ids_before = sorted(article.id for article in store.iter_articles())
    again, count = _ingest(settings, [source])  # re-ingesting is still idempotent
    assert count == 2 and again.outcomes["unchanged"] == 2
    with open_store(settings) as store:
        assert sorted(article.id for article in store.iter_articles()) == ids_before


def test_a_corrected_urlless_story_still_updates_its_article(tmp_path):
    common = {"source": "Local Council", "title": "Daily update", "published": "2020-05-03"}
    text = ("Water was cut in three neighbourhoods of Raqqa on Sunday after the pumping station ran out "
            "of fuel, residents said, and tankers were sent to the eastern districts by the council.")
    settings = make_settings(tmp_path)
    _ingest(settings, [_file(tmp_path / "a.jsonl", [json.dumps({**common, "body": text})])])
    report, count = _ingest(settings, [_file(tmp_path / "b.jsonl",
                                             [json.dumps({**common, "body": text.replace("three", "four")})])])
    assert count == 1 and report.outcomes["updated"] == 1 and not report.collisions


@pytest.mark.parametrize("record, reason", [
    ({"id": "x" * 65}, "id must be 1 to 64 characters"),
    ({"id": "../../../../etc/passwd"}, "id must be 1 to 64 characters"),
    ({"id": "a/b"}, "id must be 1 to 64 characters"),
    ({"lang": 'xx" onmouseover=alert(1)'}, "lang must be a language code"),
    ({"translations": [{"lang": "e n", "title": "t", "body": "b"}]}, "translations[0]: lang must be a language code"),
    ({"published": "1900"}, "date '1900' out of range (accepted: 1990-01-01 to 2 days from today)"),
    ({"published": "9999-01-01"}, "date '9999-01-01' out of range"),
])
def test_ids_languages_and_dates_are_validated(tmp_path, record, reason):
    source = _file(tmp_path / "feed.jsonl", [_good(0, **record), _good(1)])
    report, count = _ingest(make_settings(tmp_path), [source])
    assert count == 1 and len(report.rejections) == 1
    assert report.rejections[0].reason.startswith(reason), report.rejections[0].reason


def test_valid_ids_and_language_tags_go_in(tmp_path):
    source = _file(tmp_path / "feed.jsonl", [_good(0, id="ucdp-12345", lang="EN"),
                                             _good(1, id="a.b_c:D-9", lang="ar-SY")])
    settings = make_settings(tmp_path)
    report, count = _ingest(settings, [source])
    assert count == 2 and not report.rejections
    with open_store(settings) as store:
        assert {(a.id, a.lang) for a in store.iter_articles()} == {("ucdp-12345", "en"), ("a.b_c:D-9", "ar")}


def test_control_and_bidi_override_characters_are_stripped_and_a_row_of_nuls_is_rejected(tmp_path):
    csv_file = tmp_path / "rows.csv"
    csv_file.write_text("title,body\n\x00\x00\x00,\x00\x00\nGood \u202etitle\x07,Body about Hama\x1b.\n",
                        encoding="utf-8")
    settings = make_settings(tmp_path)
    report, count = _ingest(settings, [csv_file])
    assert count == 1 and [r.reason for r in report.rejections] == ["missing title"]
    with open_store(settings) as store:
        (article,) = list(store.iter_articles())
    assert (article.title, article.body) == ("Good title", "Body about Hama.")


def test_an_empty_store_builds_an_empty_generation_and_the_site_says_no_articles_yet(tmp_path, cli):
    result = cli.invoke(main, ["index", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "0 items" in result.output
    client = create_app(make_settings(tmp_path)).test_client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and "No articles yet" in page.get_data(as_text=True)
    arabic = client.get("/?ui=ar&q=Hama").get_data(as_text=True)
    assert "لا توجد مقالات بعد" in arabic
    with open_store(make_settings(tmp_path)) as store:  # and the first article after that is found
        ingest_paths(store, [_file(tmp_path / "one.jsonl", [_good(1)])], make_settings(tmp_path).quarantine_dir)
        assert rebuild(store, tmp_path / "index").documents == 1
