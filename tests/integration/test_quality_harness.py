"""The quality harness runs end to end; without ../shared it still measures the demo corpus."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "eval_quality.py"


@pytest.mark.slow
def test_harness_without_shared_data_reports_the_demo_figures(tmp_path):
    out = tmp_path / "quality.json"
    result = subprocess.run([sys.executable, str(SCRIPT), "--shared", str(tmp_path / "absent"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["arabic_pairs"] is None and report["cross_lingual_ntrex"] is None and "places" not in report
    assert report["cross_lingual_demo"]["queries"] >= 50
    assert report["cross_lingual_demo"]["recall_at_10"] > 0.5
    assert "recall@10" in result.stdout
