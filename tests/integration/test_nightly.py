"""The operator's nightly job (`search-app nightly`, and the script kept for old crontabs): drop folder
in, index updated, failures visible, one run at a time."""
import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.soak import write_articles
from search_app.index.generations import current_generation, read_manifest
from search_app.text.dictionary import open_dictionary

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "nightly-rebuild.sh"


def run_nightly(tmp_path, *args, through_script=False, dictionary="off"):
    """The nightly job in a child; ``dictionary="auto"`` lets it compile the installed dictionary too
    (seconds of CPU each time, so only where a test looks at it)."""
    env = {**os.environ, "SEARCH_APP_DATA_DIR": str(tmp_path / "data"),
           "SEARCH_APP_INDEX_DIR": str(tmp_path / "index"), "SEARCH_APP_DICTIONARY_DIR": dictionary,
           "SEARCH_APP_BIN": str(Path(sys.executable).parent / "search-app")}
    command = ["bash", str(SCRIPT)] if through_script else [sys.executable, "-m", "search_app", "nightly"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=300,
                          cwd=tmp_path)


@pytest.mark.slow
def test_nightly_ingests_the_drop_folder_and_updates_the_index(tmp_path):
    drop = tmp_path / "data" / "drop"
    drop.mkdir(parents=True)
    write_articles(drop / "monday.jsonl", 0, 12)
    result = run_nightly(tmp_path, dictionary="auto")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (drop / "monday.jsonl").exists() and list((drop / "done").glob("*/monday.jsonl"))
    assert read_manifest(current_generation(tmp_path / "index"))["documents"] == 12
    log = next((tmp_path / "data" / "logs").glob("nightly-*.log")).read_text()
    assert "ingest" in log and "index update" in log
    if open_dictionary("auto") is not None:  # compiled for the day's searches, which open it in milliseconds
        assert len(list((tmp_path / "data" / "cache").glob("dictionary-*.sqlite3"))) == 1

    write_articles(drop / "tuesday.jsonl", 12, 3)
    (drop / "broken.jsonl").write_text("not json at all\n")
    result = run_nightly(tmp_path)
    assert result.returncode == 1  # the unreadable file is reported and kept for a human
    assert (drop / "broken.jsonl").exists() and not (drop / "tuesday.jsonl").exists()
    live = read_manifest(current_generation(tmp_path / "index"))
    assert live["documents"] == 15 and live["kind"] == "update"


def test_nightly_refuses_to_run_twice_at_once(tmp_path):
    (tmp_path / "data").mkdir()
    with open(tmp_path / "data" / "nightly.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = run_nightly(tmp_path)
    assert result.returncode == 75 and "another run is in progress" in result.stderr


@pytest.mark.slow
def test_the_old_script_runs_the_command_with_its_arguments(tmp_path):
    drop = tmp_path / "elsewhere"
    drop.mkdir()
    write_articles(drop / "monday.jsonl", 0, 5)
    (drop / "notes.txt").write_text("not an input type: left alone\n")
    result = run_nightly(tmp_path, "--rebuild", str(drop), through_script=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert read_manifest(current_generation(tmp_path / "index"))["kind"] == "rebuild"
    assert list((drop / "done").glob("*/monday.jsonl")) and (drop / "notes.txt").exists()


@pytest.mark.slow
def test_a_file_dropped_twice_the_same_day_keeps_both_copies(tmp_path):
    drop = tmp_path / "data" / "drop"
    drop.mkdir(parents=True)
    for start in (0, 4):
        write_articles(drop / "feed.jsonl", start, 4)
        assert run_nightly(tmp_path).returncode == 0
    assert sorted(path.name for path in (drop / "done").glob("*/*")) == ["feed.1.jsonl", "feed.jsonl"]
    assert read_manifest(current_generation(tmp_path / "index"))["documents"] == 8


@pytest.mark.slow
def test_the_feeds_file_is_read_and_a_dead_feed_is_reported(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "feeds.txt").write_text("# comment\n\nhttp://127.0.0.1:9/feed.xml\n")
    result = run_nightly(tmp_path)
    assert result.returncode == 1
    log = next((tmp_path / "data" / "logs").glob("nightly-*.log")).read_text()
    assert "feed http://127.0.0.1:9/feed.xml could not be read" in log


@pytest.mark.slow
def test_a_file_with_rejected_records_moves_on_and_the_log_and_status_say_how_many(tmp_path):
    drop = tmp_path / "data" / "drop"
    drop.mkdir(parents=True)
    write_articles(drop / "monday.jsonl", 0, 6)
    lines = (drop / "monday.jsonl").read_text(encoding="utf-8").splitlines()
    lines[2:2] = ['{"title":"bad \\ud800 title","body":"x"}', '{"title": "cut off"']
    (drop / "monday.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_nightly(tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert list((drop / "done").glob("*/monday.jsonl")) and not (drop / "monday.jsonl").exists()
    assert read_manifest(current_generation(tmp_path / "index"))["documents"] == 6
    log = next((tmp_path / "data" / "logs").glob("nightly-*.log")).read_text()
    assert f"ingested {drop / 'monday.jsonl'}: 6 accepted, 2 rejected (quarantined)" in log
    assert "done; 2 records rejected (in " in log
    (quarantined,) = (tmp_path / "data" / "quarantine").glob("monday-*.rejected.jsonl")
    assert len(quarantined.read_text(encoding="utf-8").splitlines()) == 2
