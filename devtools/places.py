"""Place extraction against the governorate FA-KES annotators gave each article (the measure is
described in ``scripts/eval_places.py``, which prints it; tests and eval_quality.py use it too)."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from search_app.enrich.places import extract_places

DAMASCUS, RURAL_DAMASCUS = "SY01", "SY03"


def label_governorate(location: str) -> str:
    found = extract_places(location).governorates
    if len(found) != 1:
        raise SystemExit(f"cannot read the label {location!r} as one governorate: {found}")
    return found[0]


def evaluate(path: Path) -> dict[str, dict]:
    """Recall and precision, strict and lenient, plus the labels of the articles missed."""
    articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {location: label_governorate(location) for location in {a["location"] for a in articles}}
    counts = {"strict": Counter(), "lenient": Counter()}
    missed = Counter()
    for article in articles:
        label = labels[article["location"]]
        found = set(extract_places(f"{article['title']}\n{article['text']}").governorates)
        accepted = {"strict": {label}, "lenient": {label, RURAL_DAMASCUS} if label == DAMASCUS else {label}}
        for name, counter in counts.items():
            counter["articles"] += 1
            counter["hits"] += bool(found & accepted[name])
            counter["extracted"] += len(found)
            counter["correct"] += len(found & accepted[name])
        if not found & accepted["lenient"]:
            missed[article["location"]] += 1
    scores = {name: dict(counter, recall=counter["hits"] / counter["articles"],
                         precision=counter["correct"] / counter["extracted"] if counter["extracted"] else 0.0)
              for name, counter in counts.items()}
    scores["missed"] = dict(missed)
    scores["labels"] = len(labels)
    return scores
