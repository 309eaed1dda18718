#!/usr/bin/env python3
"""Precision and recall of place and actor tags against a sample judged by hand.

    python scripts/eval_tagging.py [--shared PATH] [--out FILE.json] [--misses]

The sample is ``tests/data/judged_tagging.json``: 151 articles of the shared corpora (Arabic news,
FA-KES, UCDP events, NTREX documents), ids only; the text is read from ``../shared/data`` here, the
way ingest assembles it (title and body; a UCDP event as its headline plus where UCDP placed it and
its sides, as ``--preset ucdp`` does; an NTREX document as its English and Arabic text). Each article
lists the governorates, districts and actors a careful reader finds, with a note on doubtful cases.
A third of the articles (``"part": "held"``) was set aside by a hash of the id before any rule was
tuned; report it separately and do not tune to it.

How the sample was judged:

* a place counts when the text names it as a place, including in lists and as a dateline of the
  story's events; a word that only looks like a place does not (حماه الوطن "the nation's
  protectors", دوما "always", تدمر "destroys", a man called صالح حماه, الشام meaning the Levant,
  "Jaish Fatah al-Sham"). A town rolls up to its district and governorate (the gazetteer's);
* a foreign country is an actor only when it acts in the story (its forces, government, officials,
  strikes, statements, support), not when it is only a place: a destination, a border, where
  talks were held or a base lies, a dateline, "Britain-based", "US-backed", "Lebanon's Hezbollah";
* an outlet or monitor that is also an actor (SOHR, SNHR, SANA) is an actor only when the story is
  about it, not when it is quoted or is the record's source;
* Syrian parties (the government, its forces, armed groups) count whenever the story names them.

Printed per part (tune, held) and language (ar, en, both): micro precision and recall of each
facet, and the share of articles the reader found place-free that got a governorate.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search_app.enrich.actors import extract_actors  # noqa: E402
from search_app.enrich.places import extract_places  # noqa: E402

JUDGED = REPO_ROOT / "tests" / "data" / "judged_tagging.json"
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
FACETS = ("governorates", "districts", "actors")
LANGUAGES = {"arabic-news": "ar", "fakes": "en", "ucdp-syria": "en", "parallel-ar-en": "both"}


def _ucdp_text(event: dict) -> str:
    where = ", ".join(part for part in (event.get("where_coordinates"), event.get("adm_2"), event.get("adm_1"))
                      if part)
    return f"{event['source_headline']}\n\nLocation: {where}\nSides: {event['dyad_name']}"


def _jsonl(path: Path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_texts(data: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(corpus, id) -> (text as ingest builds it, the record's source)."""
    readers = {
        "arabic-news": ("arabic-news/articles.jsonl", "id",
                        lambda r: (f"{r['title']}\n{r['text']}", r.get("source") or "")),
        "fakes": ("fakes/articles.jsonl", "id", lambda r: (f"{r['title']}\n{r['text']}", r.get("source") or "")),
        "ucdp-syria": ("ucdp-syria/events.jsonl", "id", lambda r: (_ucdp_text(r), r.get("source_office") or "")),
        "parallel-ar-en": ("parallel-ar-en/docs.jsonl", "doc_id", lambda r: (f"{r['en']}\n{r['ar']}", "")),
    }
    texts = {}
    for corpus, (name, key, build) in readers.items():
        if not any(c == corpus for c, _ in wanted):
            continue
        for record in _jsonl(data / name):
            if (corpus, record[key]) in wanted:
                texts[(corpus, record[key])] = build(record)
    return texts


def tag(text: str, source: str) -> dict[str, set[str]]:
    places = extract_places(text)
    return {"governorates": set(places.governorates), "districts": set(places.districts),
            "actors": set(extract_actors(text, source=source))}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def evaluate(items: list[dict], texts: dict) -> tuple[dict, list[dict]]:
    counts = defaultdict(lambda: defaultdict(int))
    misses = []
    for item in items:
        key = (item["corpus"], item["id"])
        if key not in texts:
            continue
        found = tag(*texts[key])
        groups = [(item["part"], "all"), (item["part"], LANGUAGES[item["corpus"]])]
        for facet in FACETS:
            judged = set(item[facet])
            extra, missing = found[facet] - judged, judged - found[facet]
            for group in groups:
                counts[group][f"{facet}_tp"] += len(found[facet] & judged)
                counts[group][f"{facet}_fp"] += len(extra)
                counts[group][f"{facet}_fn"] += len(missing)
            if extra or missing:
                misses.append({"corpus": item["corpus"], "id": item["id"], "part": item["part"], "facet": facet,
                               "extra": sorted(extra), "missing": sorted(missing)})
        for group in groups:
            counts[group]["articles"] += 1
            if not item["governorates"]:
                counts[group]["place_free"] += 1
                counts[group]["place_free_tagged"] += bool(found["governorates"])
    scores = {}
    for (part, language), c in sorted(counts.items()):
        row = {"articles": c["articles"]}
        for facet in FACETS:
            tp, fp, fn = c[f"{facet}_tp"], c[f"{facet}_fp"], c[f"{facet}_fn"]
            row[facet] = {"precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn), "tp": tp, "fp": fp, "fn": fn}
        row["place_free"] = c["place_free"]
        row["place_free_tagged"] = _ratio(c["place_free_tagged"], c["place_free"])
        scores[f"{part}/{language}"] = row
    return scores, misses


def judged_scores(shared: Path) -> dict | None:
    """The scores per part and language, or None when the corpora are absent."""
    data = shared / "data"
    if not data.exists():
        return None
    items = json.loads(JUDGED.read_text(encoding="utf-8"))["items"]
    return evaluate(items, load_texts(data, {(item["corpus"], item["id"]) for item in items}))[0]


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.3f}"


def print_table(scores: dict) -> None:
    print(f"{'part/lang':14} {'n':>4}  {'gov P':>5} {'gov R':>5}  {'dist P':>6} {'dist R':>6}  "
          f"{'act P':>5} {'act R':>5}  place-free tagged")
    for name, row in scores.items():
        g, d, a = (row[facet] for facet in FACETS)
        free = f"{_fmt(row['place_free_tagged'])} of {row['place_free']}"
        print(f"{name:14} {row['articles']:4}  {_fmt(g['precision'])} {_fmt(g['recall'])}  "
              f"{_fmt(d['precision']):>6} {_fmt(d['recall']):>6}  {_fmt(a['precision'])} {_fmt(a['recall'])}  {free}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, help="write the scores (and every miss) as JSON here")
    parser.add_argument("--misses", action="store_true", help="print every article whose tags differ")
    args = parser.parse_args(argv)
    data = args.shared / "data"
    if not data.exists():
        print(f"{data} not found; nothing to evaluate")
        return 0
    items = json.loads(JUDGED.read_text(encoding="utf-8"))["items"]
    texts = load_texts(data, {(item["corpus"], item["id"]) for item in items})
    scores, misses = evaluate(items, texts)
    print_table(scores)
    if args.misses:
        for miss in misses:
            print(f"{miss['part']:5} {miss['corpus']:14} {miss['id']!s:22} {miss['facet']:12} "
                  f"+{','.join(miss['extra'])} -{','.join(miss['missing'])}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"scores": scores, "misses": misses}, ensure_ascii=False, indent=1) + "\n",
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
