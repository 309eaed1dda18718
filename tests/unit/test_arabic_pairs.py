"""Every pair of the shared arabic-test-pairs.json, through the analyzers the index uses.

same/normalize: one term in the exact field.   same/stem: one term in the stemmed field.
same/alias: the analyzers keep them apart (the alias tables join them).
not_same/stemmer: the stemmed field keeps them apart.
not_same/name: the exact field keeps them apart, and so does the stemmed field once the
name is protected (Light10 alone merges them).
"""
import json
import re
from pathlib import Path

import pytest

from search_app.text.analyzers import analyze, arabic_analyzer, exact_analyzer

PAIRS_FILE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "arabic-test-pairs.json"

if not PAIRS_FILE.exists():
    pytest.skip(f"{PAIRS_FILE} not found (the shared folder sits beside the repository)",
                allow_module_level=True)

PAIRS = json.loads(PAIRS_FILE.read_text(encoding="utf-8"))
EXACT = exact_analyzer()
STEMMED = arabic_analyzer()


def cases(group, key):
    params = []
    for number, pair in enumerate(PAIRS[group], start=1):
        reason = re.sub(r"[^A-Za-z0-9]+", "-", pair["reason"]).strip("-")[:48]
        params.append(pytest.param(pair, id=f"{group}-{number:02d}-{pair[key]}-{reason}"))
    return params


@pytest.mark.parametrize("pair", cases("same", "mechanism"))
def test_same_pair(pair):
    a, b, mechanism = pair["a"], pair["b"], pair["mechanism"]
    if mechanism == "normalize":
        assert analyze(EXACT, a) == analyze(EXACT, b)
    elif mechanism == "stem":
        assert analyze(STEMMED, a) == analyze(STEMMED, b)
    elif mechanism == "alias":
        assert analyze(EXACT, a) != analyze(EXACT, b)
        assert analyze(STEMMED, a) != analyze(STEMMED, b)
    else:
        pytest.fail(f"unknown mechanism {mechanism!r}")


@pytest.mark.parametrize("pair", cases("not_same", "kind"))
def test_not_same_pair(pair):
    a, b, kind = pair["a"], pair["b"], pair["kind"]
    if kind == "stemmer":
        assert analyze(STEMMED, a) != analyze(STEMMED, b)
    elif kind == "name":
        assert analyze(EXACT, a) != analyze(EXACT, b)
        protected = arabic_analyzer(protected={a})
        assert analyze(protected, a) != analyze(protected, b)
    else:
        pytest.fail(f"unknown kind {kind!r}")
