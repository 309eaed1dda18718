"""Ingest from the operator's point of view: good records go in, bad ones are reported and kept."""
import json

import pytest
from click.testing import CliRunner

from search_app.cli import main
from search_app.ingest import ingest_paths
from search_app.store import open_store

from ..conftest import make_settings

GOOD = [
    {"url": "https://example.org/a", "source": "Test Wire", "title": "Bakery reopens in Hama",
     "body": "A bakery reopened in Hama city on Sunday.", "published": "2020-05-03"},
    {"url": "https://example.org/b", "source": "Test Wire", "title": "تجنيد في حماه",
     "body": "أعلنت السلطات عن حملة تجنيد جديدة في ريف حماه.", "published": "2021-01-10"},
    {"source": "Test Wire", "title": "No URL, still fine", "body": "Water cuts in Raqqa.",
     "published": "March 2016"},
]


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _mixed_file(tmp_path):
    lines = [json.dumps(GOOD[0], ensure_ascii=False),
             '{"title": "broken json", "body": ',                                   # line 2: bad JSON
             json.dumps({"source": "x", "body": "no title"}),                       # line 3: missing title
             json.dumps(GOOD[1], ensure_ascii=False),
             json.dumps({"title": "bad date", "body": "text", "published": "the day after"}),  # line 5
             json.dumps({"title": 7, "body": "numbers are not titles"}),            # line 6: wrong type
             "[1, 2, 3]",                                                            # line 7: not an object
             json.dumps(GOOD[2])]
    return _write(tmp_path / "mixed.jsonl", lines)


def test_every_good_line_is_stored_and_every_bad_line_quarantined_with_its_line(tmp_path):
    settings = make_settings(tmp_path)
    source = _mixed_file(tmp_path)
    with open_store(settings) as store:
        report = ingest_paths(store, [source], settings.quarantine_dir)
        assert store.count() == 3
        titles = {article.title for article in store.iter_articles()}
    assert titles == {record["title"] for record in GOOD}
    assert [(r.position, r.reason.split()[0]) for r in report.rejections] == [
        (2, "bad"), (3, "missing"), (5, "unparseable"), (6, "title"), (7, "expected")]
    quarantined = report.quarantine_files[0].read_text(encoding="utf-8").splitlines()
    assert len(quarantined) == 5 and quarantined[0].startswith('{"title": "broken json"')
    reasons = report.quarantine_files[0].with_name(
        report.quarantine_files[0].name.replace(".rejected.jsonl", ".reasons.log")).read_text()
    assert f"{source}:3: missing title" in reasons


def test_reingesting_the_same_file_changes_nothing(tmp_path):
    settings = make_settings(tmp_path)
    source = _mixed_file(tmp_path)
    with open_store(settings) as store:
        ingest_paths(store, [source], settings.quarantine_dir)
        before = [(a.id, a.content_hash) for a in store.iter_articles()]
        report = ingest_paths(store, [source], settings.quarantine_dir)
        assert [(a.id, a.content_hash) for a in store.iter_articles()] == before
    assert report.outcomes["unchanged"] == 3 and report.outcomes["added"] == 0


def test_enrichment_is_stored_with_the_article(tmp_path):
    settings = make_settings(tmp_path)
    source = _write(tmp_path / "one.jsonl", [json.dumps(GOOD[1], ensure_ascii=False)])
    with open_store(settings) as store:
        ingest_paths(store, [source], settings.quarantine_dir)
        (article,) = list(store.iter_articles())
    assert article.lang == "ar"
    assert "SY05" in article.governorates
    assert article.published.startswith("2021-01-10") and article.published_precision == "day"


def test_cli_reports_counts_and_fails_only_when_nothing_was_read(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEARCH_APP_INDEX_DIR", str(tmp_path / "index"))
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(_mixed_file(tmp_path))])
    assert result.exit_code == 3, result.output  # read, with records rejected
    assert "3 accepted" in result.output and "5 rejected" in result.output
    assert "mixed.jsonl:2: bad JSON" in result.output
    garbage = _write(tmp_path / "garbage.jsonl", ["not json", "{also not"])
    result = runner.invoke(main, ["ingest", str(garbage)])
    assert result.exit_code == 1
    missing = runner.invoke(main, ["ingest", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1 and "nope.jsonl" in missing.output
    assert "Traceback" not in missing.output


def test_dry_run_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCH_APP_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["ingest", "--dry-run", str(_mixed_file(tmp_path))])
    assert "dry run: 3 valid, 5 rejected" in result.output
    with open_store(make_settings(tmp_path)) as store:
        assert store.count() == 0


@pytest.mark.slow
def test_a_big_file_prepared_in_worker_processes_keeps_order_rejections_and_duplicates(tmp_path):
    """Batches of records are enriched in worker processes once a batch is full: the outcome
    must be what one process gives, down to each rejection's line and the duplicate groups."""
    settings = make_settings(tmp_path)
    body = ("Shelling hit the eastern districts of Hama city overnight, residents said, and "
            "several families left for the countryside as prices of bread rose again. ")
    lines = []
    for n in range(1, 461):
        if n % 50 == 0:
            lines.append(json.dumps({"source": "x", "body": f"no title {n}"}))
        elif n % 77 == 0:
            lines.append('{"title": "cut off", ')
        else:
            own_words = " ".join(f"word{n}x{i}" for i in range(15))  # shares no shingle with another
            text = body if n % 10 == 1 else f"Water cuts in Raqqa: {own_words}."
            lines.append(json.dumps({"url": f"https://example.org/{n}", "source": f"Wire {n % 3}",
                                     "title": f"Report {n}", "body": text, "published": "2020-05-03"}))
    source = _write(tmp_path / "big.jsonl", lines)
    with open_store(settings) as store:
        report = ingest_paths(store, [source], settings.quarantine_dir, batch_size=100)
        stored = store.count()
        grouped = store.db.execute("SELECT COUNT(*) FROM articles WHERE dup_group IS NOT NULL").fetchone()[0]
    bad = [n for n in range(1, 461) if n % 50 == 0 or n % 77 == 0]
    assert [r.position for r in report.rejections] == bad
    assert stored == report.accepted == 460 - len(bad)
    assert grouped == len([n for n in range(1, 461) if n % 10 == 1 and n not in bad]) - 1  # copies of the first
