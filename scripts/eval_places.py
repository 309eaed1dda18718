#!/usr/bin/env python3
"""How well extract_places finds the governorate FA-KES annotators gave each article.

    python scripts/eval_places.py [ARTICLES_JSONL]

ARTICLES_JSONL defaults to ../shared/data/fakes/articles.jsonl. Each article has one labelled
governorate (field ``location``, lower-case English such as "deir ezzor"); the label itself is read
with the same matcher. Printed:

* recall: share of articles whose labelled governorate is among the extracted ones;
* precision: share of extracted (article, governorate) pairs that are the label. Articles name
  several governorates and carry one label, so this is a floor, not a true precision;
* both again counting Rural Damascus (SY03) as a hit for the label "damascus": FA-KES codes Douma,
  Ghouta, Darayya and Madaya articles as "damascus" (see the dataset's SOURCE.md).
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from devtools.places import evaluate  # noqa: E402

DEFAULT_ARTICLES = REPO_ROOT.parent / "shared" / "data" / "fakes" / "articles.jsonl"


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_ARTICLES
    if not path.exists():
        print(f"{path} not found; nothing to evaluate")
        return 0
    scores = evaluate(path)
    print(f"{scores['strict']['articles']} FA-KES articles, {scores['labels']} labelled governorates")
    for name, title in (("strict", "strict"), ("lenient", "damascus label also accepts SY03")):
        s = scores[name]
        print(f"{title:34} recall {s['recall']:6.1%}  precision {s['precision']:6.1%}"
              f"  ({s['hits']}/{s['articles']} articles, {s['correct']}/{s['extracted']} tags)")
    if scores["missed"]:
        missed = sorted(scores["missed"].items(), key=lambda item: -item[1])
        print("misses by label (lenient):", ", ".join(f"{k} {v}" for k, v in missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
