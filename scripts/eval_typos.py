#!/usr/bin/env python3
"""Query spelling correction on an existing index: typos fixed, real words left alone.

    SEARCH_APP_INDEX_DIR=index python scripts/eval_typos.py [--shared PATH] [--out typos.json]

* misspellings: every gazetteer and actor name word (both scripts, at least five letters) that the
  index has in at least three documents, misspelt the ways people do (a letter dropped, doubled,
  or swapped with the next), keeping only misspellings no document has and that are no word of
  either language. A hit: the engine searched a correction that is a spelling of the same place
  or actor (``Alepo`` -> ``Aleppo``, ``حماه`` for ``حماة``). Also a hand list, issue 14's.
* real words: distinct words of real text the index was not built from: the NTREX English-Arabic
  news in ../shared/data/parallel-ar-en, and the packaged demo corpus. A false correction: the
  engine searched something else for the word typed alone; counted apart, a did-you-mean offered.
* latency: the spelling decision alone for each query (p50/p95, ms), after the first.

Prints a table and writes JSON (default benchmarks/results/typos.json).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from devtools.typos import HAND_TYPOS, evaluate_real_words, evaluate_typos, latency, real_words, typo_cases  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("SEARCH_APP_INDEX_DIR", "index")))
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "benchmarks" / "results" / "typos.json")
    args = parser.parse_args()
    engine = SearchEngine(args.index)
    generation = engine.generation()
    reader = generation.searcher().reader()
    started = time.perf_counter()
    engine.search(SearchRequest(q="Alepo"))  # first use: lexicon and dictionaries
    warm_up_ms = round((time.perf_counter() - started) * 1000)
    cases = typo_cases(reader)
    hand = [(typed, word, {word}) for typed, word in HAND_TYPOS]
    report = {"index": generation.path.name, "documents": reader.doc_count(), "first_use_ms": warm_up_ms,
              "hand_typos": evaluate_typos(engine, hand), "name_typos": evaluate_typos(engine, cases),
              "real_words": {name: evaluate_real_words(engine, words) for name, words in real_words(args.shared).items()},
              "latency": latency(engine, [typed for typed, _, _ in cases] + [typed for typed, _ in HAND_TYPOS])}
    print(f"index {report['index']} ({report['documents']} documents), first use {warm_up_ms} ms")
    print(f"{'misspellings':<28}{'cases':>8}{'corrected':>11}{'rate':>8}{'wrong':>7}{'suggested':>11}")
    for name in ("hand_typos", "name_typos"):
        part = report[name]
        print(f"{name:<28}{part['cases']:>8}{part['corrected']:>11}{part['hit_rate']:>8.1%}"
              f"{part['wrongly_corrected']:>7}{part['of_which_suggested']:>11}")
        for script, figures in part["by_script"].items():
            print(f"  {script:<26}{figures['cases']:>8}{figures['corrected']:>11}{figures['hit_rate']:>8.1%}")
    print(f"{'real words':<28}{'words':>8}{'corrected':>11}{'rate':>8}{'suggested':>11}{'rate':>8}")
    for name, part in report["real_words"].items():
        print(f"{name:<28}{part['words']:>8}{part['false_corrections']:>11}{part['false_rate']:>8.2%}"
              f"{part['suggestions']:>11}{part['suggestion_rate']:>8.2%}")
    print(f"spelling decision per query: p50 {report['latency']['p50_ms']} ms, p95 {report['latency']['p95_ms']} ms")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
