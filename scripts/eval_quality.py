#!/usr/bin/env python3
"""Quality harness for the language layer, on the real corpora in ../shared/data.

    python scripts/eval_quality.py [--shared PATH] [--out report.json]

Prints a table and writes a JSON report with:
* places: recall of FA-KES's labelled governorate among the extracted ones, and precision;
* tagging: precision and recall of governorates, districts and actors on the hand-judged sample
  (scripts/eval_tagging.py), tuning part and held-out third, and the share of place-free articles tagged;
* arabic_pairs: pass rate of ../shared/reference/arabic-test-pairs.json through the index analyzers;
* cross_lingual: recall@10 of an Arabic text, indexed without any English, for an English query;
  on NTREX (general news, 123 documents: query = the English document's top 5 TF-IDF terms, ORed;
  and the reverse, ntrex_ar_en: the Arabic document's top 5 terms against the English texts alone)
  and on the demo corpus (Syria reporting: query = the English translation's top 3 TF-IDF terms as a
  user would type them, ANDed, with the engine's fallback to stories matching some of them);
* expansion_latency: time to parse and expand a query into concepts (p50/p95, ms).
Skips each part whose data is missing. Queries go through the installed bilingual dictionary
(text/dictionary.py) unless ``--no-dictionary``.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from devtools.places import evaluate as evaluate_places  # noqa: E402
from eval_tagging import judged_scores  # noqa: E402
from search_app.index.build import rebuild  # noqa: E402
from search_app.ingest import ingest_paths  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402
from search_app.search.query import QueryBuilder  # noqa: E402
from search_app.settings import Settings  # noqa: E402
from search_app.store import open_store  # noqa: E402
from search_app.text.arabic import ARABIC_LETTERS, normalize_arabic  # noqa: E402
from search_app.text.dictionary import open_dictionary  # noqa: E402
from devtools.pairs import pair_holds  # noqa: E402
from search_app.text.stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS  # noqa: E402

EXPANSION_QUERIES = ["conscription Hama", "تجنيد حماة", "SDF Raqqa", "airstrike Idlib hospital", "قسد الرقة",
                     "Deir ez-Zor displaced", "barrel bombs Aleppo", "الهلال الأحمر درعا", "Hamas", "checkpoint",
                     "kitchen fire department", "heavy rain flooded tents", "المطر الغزير في المخيمات",
                     "Jordanian refugees", "اللاجئين في الأردن", "Egypt students"]


def arabic_pairs(shared: Path) -> dict | None:
    path = shared / "reference" / "arabic-test-pairs.json"
    if not path.exists():
        return None
    pairs = json.loads(path.read_text(encoding="utf-8"))
    results = {group: [pair_holds(group, pair) for pair in pairs[group]] for group in ("same", "not_same")}
    passed = sum(sum(values) for values in results.values())
    total = sum(len(values) for values in results.values())
    return {"passed": passed, "total": total, "rate": passed / total,
            **{f"{group}_passed": f"{sum(v)}/{len(v)}" for group, v in results.items()}}


DICTIONARY = None  # set by main(): the installed dictionary, or None with --no-dictionary


def _build_index(records: list[dict], root: Path) -> SearchEngine:
    settings = Settings.from_env({}, data_dir=root / "data", index_dir=root / "index")
    root.mkdir(parents=True, exist_ok=True)
    source = root / "records.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    with open_store(settings) as store:
        ingest_paths(store, [source], settings.quarantine_dir)
        rebuild(store, settings.index_dir)
    return SearchEngine(settings.index_dir, dictionary=DICTIONARY)


def _recall_at_10(engine: SearchEngine, queries: list[tuple[str, str]]) -> dict:
    hits = 0
    for query, expected_id in queries:
        response = engine.search(SearchRequest(q=query, per_page=10))
        hits += expected_id in {hit.id for hit in response.hits}
    return {"queries": len(queries), "found": hits, "recall_at_10": hits / len(queries) if queries else 0.0}


ENGLISH_WORD = r"[A-Za-z][A-Za-z'-]{3,}"
ARABIC_WORD = f"[{ARABIC_LETTERS}]{{3,}}"


def _english_key(word: str) -> str | None:
    return None if word.lower() in ENGLISH_STOP_WORDS else word.lower()


def _arabic_key(word: str) -> str | None:
    normal = normalize_arabic(word)
    return None if normal in ARABIC_STOP_WORDS else normal


def _key_terms(text: str, document_frequency: Counter, documents: int, count: int = 5,
               word: str = ENGLISH_WORD, key=_english_key) -> list[str]:
    words = [(w, key(w)) for w in re.findall(word, text)]
    words = [(w, k) for w, k in words if k]
    frequency = Counter(k for _, k in words)
    original = {}
    for w, k in words:
        original.setdefault(k, w)
    scored = sorted(frequency, key=lambda w: -frequency[w] * math.log(documents / max(1, document_frequency[w])))
    return [original[w] for w in scored[:count]]


def cross_lingual_ntrex(shared: Path, work: Path) -> dict | None:
    path = shared / "data" / "parallel-ar-en" / "docs.jsonl"
    if not path.exists():
        return None
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [{"id": d["doc_id"], "title": d["title_ar"], "body": d["ar"], "lang": "ar", "source": d["source_site"]}
               for d in docs]
    engine = _build_index(records, work / "ntrex")
    frequency = Counter(w for d in docs for w in {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]{3,}", d["en"])})
    queries = [(" OR ".join(_key_terms(d["en"], frequency, len(docs))), d["doc_id"]) for d in docs]
    return _recall_at_10(engine, queries)


def cross_lingual_ntrex_ar_en(shared: Path, work: Path) -> dict | None:
    """The reverse: an Arabic query (top 5 terms, ORed) against the English texts indexed alone."""
    path = shared / "data" / "parallel-ar-en" / "docs.jsonl"
    if not path.exists():
        return None
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [{"id": d["doc_id"], "title": d["title_en"], "body": d["en"], "lang": "en", "source": d["source_site"]}
               for d in docs]
    engine = _build_index(records, work / "ntrex-en")
    frequency = Counter(k for d in docs for k in {_arabic_key(w) for w in re.findall(ARABIC_WORD, d["ar"])} if k)
    queries = [(" OR ".join(_key_terms(d["ar"], frequency, len(docs), word=ARABIC_WORD, key=_arabic_key)),
                d["doc_id"]) for d in docs]
    return _recall_at_10(engine, queries)


def cross_lingual_demo(work: Path) -> dict:
    corpus = Path(str(resources.files("search_app") / "demo" / "articles.jsonl"))
    records = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    pairs = [r for r in records if r.get("lang") == "ar" and r.get("translations")]
    arabic_only = [{**r, "id": f"demo-{n}", "translations": []} for n, r in enumerate(pairs)]
    engine = _build_index(arabic_only, work / "demo")
    frequency = Counter(w for r in pairs for w in {w.lower() for w in re.findall(
        r"[A-Za-z][A-Za-z'-]{3,}", r["translations"][0]["body"])})
    queries = [(" ".join(_key_terms(r["translations"][0]["title"] + "\n" + r["translations"][0]["body"],
                                     frequency, len(pairs), count=3)), f"demo-{n}") for n, r in enumerate(pairs)]
    return _recall_at_10(engine, queries)


def expansion_latency(engine: SearchEngine, rounds: int = 30) -> dict:
    generation = engine.generation()
    reader = generation.searcher().reader()
    if DICTIONARY is not None:
        DICTIONARY.translations("warm")  # loading the dictionary is not expansion
    timings = []
    for _ in range(rounds):
        for query in EXPANSION_QUERIES:
            started = time.perf_counter()
            QueryBuilder(generation.schema, dictionary=DICTIONARY, reader=reader).parse(query)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {"queries": len(timings), "p50_ms": round(statistics.median(timings), 3),
            "p95_ms": round(timings[int(len(timings) * 0.95)], 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "quality.json")
    parser.add_argument("--no-dictionary", action="store_true", help="Queries without the bilingual dictionary.")
    args = parser.parse_args(argv)
    global DICTIONARY
    DICTIONARY = None if args.no_dictionary else open_dictionary()
    report: dict = {"dictionary": DICTIONARY.names if DICTIONARY else None}
    fakes = args.shared / "data" / "fakes" / "articles.jsonl"
    if fakes.exists():
        scores = evaluate_places(fakes)
        report["places"] = {name: {k: scores[name][k] for k in ("recall", "precision", "hits", "articles")}
                            for name in ("strict", "lenient")}
    report["tagging"] = judged_scores(args.shared)
    report["arabic_pairs"] = arabic_pairs(args.shared)
    with tempfile.TemporaryDirectory() as work:
        report["cross_lingual_demo"] = cross_lingual_demo(Path(work))
        report["cross_lingual_ntrex"] = cross_lingual_ntrex(args.shared, Path(work))
        report["cross_lingual_ntrex_ar_en"] = cross_lingual_ntrex_ar_en(args.shared, Path(work))
        report["expansion_latency"] = expansion_latency(
            SearchEngine(Path(work) / "demo" / "index"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"{'measure':44} {'value':>10}  detail")
    if report.get("places"):
        for name, s in report["places"].items():
            print(f"{'FA-KES governorate recall (' + name + ')':44} {s['recall']:>10.1%}  "
                  f"precision {s['precision']:.1%} over {s['articles']} articles")
    for part in ("tune/all", "held/all"):
        row = (report.get("tagging") or {}).get(part)
        if row:
            g, a = row["governorates"], row["actors"]
            print(f"{'judged sample ' + part + ': governorate P / R':44} {g['precision']:>10.1%}  recall "
                  f"{g['recall']:.1%}; actors P {a['precision']:.1%} R {a['recall']:.1%}; place-free tagged "
                  f"{row['place_free_tagged']:.1%}")
    if report["arabic_pairs"]:
        p = report["arabic_pairs"]
        print(f"{'Arabic test pairs pass rate':44} {p['rate']:>10.1%}  same {p['same_passed']}, "
              f"not_same {p['not_same_passed']}")
    print(f"{'bilingual dictionary':44} {'in use' if DICTIONARY else 'none':>10}  "
          f"{', '.join(DICTIONARY.names) if DICTIONARY else ''}")
    for name, found in (("cross_lingual_demo", "Arabic texts found by an English query"),
                        ("cross_lingual_ntrex", "Arabic texts found by an English query"),
                        ("cross_lingual_ntrex_ar_en", "English texts found by an Arabic query")):
        if report.get(name):
            r = report[name]
            print(f"{name.replace('_', ' ') + ' recall@10':44} {r['recall_at_10']:>10.1%}  "
                  f"{r['found']}/{r['queries']} {found}")
    e = report["expansion_latency"]
    print(f"{'query expansion latency p50 / p95':44} {e['p50_ms']:>7.2f} ms  p95 {e['p95_ms']:.2f} ms")
    print(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
