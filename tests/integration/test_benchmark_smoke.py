"""The benchmark still runs end to end at a tiny size (no timings are asserted: this is a smoke test)."""
from __future__ import annotations

import json
import os

import pytest

from benchmarks import run
from benchmarks.queries import KINDS


@pytest.mark.slow
def test_benchmark_runs_both_engines_on_a_tiny_corpus_and_writes_its_table(tmp_path, capsys):
    out = tmp_path / "results.json"
    run.main(["--sizes", "200", "--no-real", "--workdir", str(tmp_path / "work"), "--out", str(out),
              "--warmup", "1", "--measured", "3", "--cold-runs", "1"])

    report = json.loads(out.read_text())
    (entry,) = report["corpora"]
    assert entry["corpus"]["articles"] == 200
    assert entry["build"]["ours"]["documents"] == entry["build"]["fts5"]["documents"] == 200
    for engine in ("ours", "fts5"):
        assert set(entry["queries"][engine]["kinds"]) == set(KINDS)
        assert all(kind["n"] == 3 for kind in entry["queries"][engine]["kinds"].values())
    assert entry["queries"]["ours"]["kinds"]["repeated"]["median_hits"] > 0  # conscription Hama
    assert entry["cold_start"]["ours"]["answer"].isdigit()
    assert "median_ms" in entry["cold_start"]["serve"], entry["cold_start"]["serve"]
    assert entry["summary"]["words + full facet counts p95 (ms)"]["ratio"] is not None
    table = capsys.readouterr().out
    assert "| words + full facet counts p95 (ms) |" in table


@pytest.mark.slow
def test_million_command_runs_every_step_at_a_tiny_size_and_resumes(tmp_path, capsys):
    from benchmarks import million

    out = tmp_path / "million.json"
    arguments = ["--size", "200", "--update", "50", "--workdir", str(tmp_path / "work"), "--out", str(out),
                 "--warmup", "1", "--measured", "3", "--cold-runs", "1"]
    million.main(arguments)

    (entry,) = json.loads(out.read_text())["corpora"]
    steps = entry["steps"]
    assert set(steps) == set(million.STEPS)
    assert steps["corpus"]["result"]["corpus"]["articles"] == 200
    assert steps["build"]["result"]["documents"] == steps["fts5_build"]["result"]["documents"] == 200
    update = steps["update"]["result"]
    assert (update["kind"], update["added"], update["documents"]) == ("update", 50, 250)
    for engine in ("queries", "fts5_queries"):
        assert set(steps[engine]["result"]["kinds"]) == set(KINDS)
    summary = entry["summary"]
    assert summary["words + full facet counts p95 (ms)"]["ratio"] is not None
    assert summary["one word median hits"]["ours"] > 0
    assert summary["index update: new articles indexed, verified, switched (s)"]["ours"] is not None
    assert "| index update: new articles indexed, verified, switched (s) |" in capsys.readouterr().out
    # The update's copy shares the corpus index's segment files, not its lock file (the update
    # writes its pid into that).
    place = tmp_path / "work" / "million-200"
    corpus_lock, copy_lock = place / "index" / "rebuild.lock", place / "update-index" / "rebuild.lock"
    assert not os.path.samefile(corpus_lock, copy_lock)

    # The corpus index stays at 200 articles (the update worked on copies); resuming redoes only what is asked.
    million.main(arguments + ["--resume", "--redo", "queries"])
    (again,) = json.loads(out.read_text())["corpora"]
    assert again["steps"]["build"] == steps["build"]
    assert again["steps"]["queries"]["result"]["kinds"]["one_word"]["median_hits"] == \
        steps["queries"]["result"]["kinds"]["one_word"]["median_hits"]
