"""The benchmark still runs end to end at a tiny size (no timings are asserted: this is a smoke test)."""
from __future__ import annotations

import json

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
