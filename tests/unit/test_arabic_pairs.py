"""Every pair of the shared arabic-test-pairs.json, through the analyzers the index uses (devtools/pairs.py)."""
import json
import re
from pathlib import Path

import pytest

from devtools.pairs import pair_holds

PAIRS_FILE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "arabic-test-pairs.json"

if not PAIRS_FILE.exists():
    pytest.skip(f"{PAIRS_FILE} not found (the shared folder sits beside the repository)",
                allow_module_level=True)

PAIRS = json.loads(PAIRS_FILE.read_text(encoding="utf-8"))


def cases(group, key):
    params = []
    for number, pair in enumerate(PAIRS[group], start=1):
        reason = re.sub(r"[^A-Za-z0-9]+", "-", pair["reason"]).strip("-")[:48]
        params.append(pytest.param(pair, id=f"{group}-{number:02d}-{pair[key]}-{reason}"))
    return params


@pytest.mark.parametrize("pair", cases("same", "mechanism"))
def test_same_pair(pair):
    assert pair_holds("same", pair)


@pytest.mark.parametrize("pair", cases("not_same", "kind"))
def test_not_same_pair(pair):
    assert pair_holds("not_same", pair)


def test_a_pair_that_breaks_its_rule_is_caught():
    assert not pair_holds("same", {"a": "حلب", "b": "دمشق", "mechanism": "normalize"})
    assert not pair_holds("not_same", {"a": "حماة", "b": "حماه", "kind": "name"})
