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
import random
import re
import statistics
import sys
import time
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from search_app.enrich.matcher import actor_entities, place_entities  # noqa: E402
from search_app.search import SearchEngine, SearchRequest  # noqa: E402
from search_app.search.spelling import dictionary_frequency, reference_words  # noqa: E402
from search_app.text.arabic import has_arabic  # noqa: E402
from search_app.text.normalize import normalized_tokens  # noqa: E402

# Issue 14's examples, and the like in Arabic: (typed, the word it must become, normalised).
HAND_TYPOS = [("Aleppoo", "aleppo"), ("Alepo", "aleppo"), ("Idlb", "idlib"), ("Palmira", "palmyra"),
              ("conscripton", "conscription"), ("chemcial", "chemical"), ("Damascsu", "damascus"),
              ("Raqaa", "raqqa"), ("Qamishlli", "qamishli"), ("دمشقق", "دمشق"), ("حلبب", "حلب"),
              ("ادلبب", "ادلب"), ("الرققة", "الرقه")]
MIN_NAME_LETTERS = 5
MIN_NAME_DOCS = 3
_WORD = re.compile(r"[^\W\d_]{4,}")


def name_words(reader) -> dict[str, set[str]]:
    """Normalised name word -> every normalised word of the entities it names (their spellings),
    for the name words the index has in at least ``MIN_NAME_DOCS`` documents."""
    spellings: dict[str, set[str]] = {}
    for entity in [*place_entities().values(), *actor_entities().values()]:
        words = {token for name in entity.names_en + entity.names_ar for token in normalized_tokens(name)}
        for word in words:
            if len(word) >= MIN_NAME_LETTERS and word.isalpha():
                spellings.setdefault(word, set()).update(words)
    return {word: same for word, same in spellings.items()
            if reader.doc_frequency("exact", word) >= MIN_NAME_DOCS}


def misspell(word: str) -> list[str]:
    """A letter dropped, doubled, or swapped with the next, at every position."""
    variants = set()
    for i in range(len(word)):
        variants.add(word[:i] + word[i + 1:])
        variants.add(word[:i] + word[i] + word[i:])
        if i + 1 < len(word) and word[i] != word[i + 1]:
            variants.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    variants.discard(word)
    return sorted(variants)


def typo_cases(reader, per_word: int = 2, seed: int = 14, limit: int | None = None) -> list[tuple[str, str, set[str]]]:
    """(misspelling, name word, acceptable corrections) for two misspellings of each name word,
    only misspellings no document has and that are no word of either language or other name;
    ``limit``: a sample of that many."""
    rng = random.Random(seed)
    reference = reference_words()
    cases = []
    words = sorted(name_words(reader).items())
    if limit is not None and limit < len(words):  # sample the words first: a variant costs a look-up
        words = sorted(rng.sample(words, limit))
    for word, same in words:
        candidates = [typo for typo in misspell(word) if typo not in reference
                      and not reader.doc_frequency("exact", typo) and not dictionary_frequency(typo)]
        for typo in rng.sample(candidates, min(per_word, len(candidates))):
            cases.append((typo, word, same))
    return rng.sample(cases, limit) if limit is not None and limit < len(cases) else cases


def real_words(shared: Path) -> dict[str, list[str]]:
    """Distinct words of NTREX (English and Arabic) and of the demo corpus, as typed."""
    found = {}
    ntrex = shared / "data" / "parallel-ar-en" / "docs.jsonl"
    if ntrex.exists():
        words = set()
        with ntrex.open(encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                words.update(_WORD.findall(record.get("en", "")) + _WORD.findall(record.get("ar", "")))
        found["ntrex"] = sorted(words)
    demo = Path(str(resources.files("search_app") / "demo" / "articles.jsonl"))
    words = set()
    with demo.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            texts = [record.get("title", ""), record.get("body", "")]
            texts += [part for t in record.get("translations", []) for part in (t.get("title", ""), t.get("body", ""))]
            for text in texts:
                words.update(_WORD.findall(text))
    found["demo"] = sorted(words)
    return found


def searched_as(engine: SearchEngine, typed: str) -> tuple[str | None, str | None]:
    """(corrected query searched, suggestion) for ``typed``; the engine is asked only when the
    speller would change something (most real words: it would not, and the search is skipped)."""
    generation = engine.generation()
    spelling = generation.speller.correct(typed, generation.searcher().reader())
    if not spelling.corrected and not spelling.suggested:
        return None, None
    response = engine.search(SearchRequest(q=typed, per_page=1))
    return response.corrected_query, response.suggestion


def evaluate_typos(engine: SearchEngine, cases) -> dict:
    hits, suggested, missed, wrong = [], 0, [], []
    for typed, word, same in cases:
        corrected, suggestion = searched_as(engine, typed)
        fixed = normalized_tokens(corrected)[0] if corrected else None
        if fixed in same:
            hits.append(typed)
        elif fixed is None:
            missed.append(typed)
            suggested += bool(suggestion and normalized_tokens(suggestion)[0] in same)
        else:
            wrong.append(f"{typed}->{corrected} ({word})")
    by_script = {}
    for script, is_arabic in (("arabic", True), ("latin", False)):
        total = sum(has_arabic(c[0]) == is_arabic for c in cases)
        found = sum(has_arabic(typed) == is_arabic for typed in hits)
        by_script[script] = {"cases": total, "corrected": found, "hit_rate": round(found / max(1, total), 4)}
    return {"cases": len(cases), "corrected": len(hits), "hit_rate": round(len(hits) / max(1, len(cases)), 4),
            "not_corrected": len(missed), "of_which_suggested": suggested, "wrongly_corrected": len(wrong),
            "by_script": by_script, "examples_missed": missed[:15], "examples_wrong": wrong[:15]}


def evaluate_real_words(engine: SearchEngine, words: list[str]) -> dict:
    """Real words searched as something else (false corrections), and offered a did-you-mean."""
    changed, suggested = [], []
    for word in words:
        corrected, suggestion = searched_as(engine, word)
        if corrected:
            changed.append(f"{word}->{corrected}")
        elif suggestion:
            suggested.append(f"{word}->{suggestion}")
    return {"words": len(words), "false_corrections": len(changed),
            "false_rate": round(len(changed) / max(1, len(words)), 5), "suggestions": len(suggested),
            "suggestion_rate": round(len(suggested) / max(1, len(words)), 5),
            "examples": changed[:25], "examples_suggested": suggested[:25]}


def latency(engine: SearchEngine, queries: list[str]) -> dict:
    generation = engine.generation()
    reader = generation.searcher().reader()
    generation.speller.correct(queries[0], reader)  # the lexicon is read on first use
    times = []
    for query in queries:
        started = time.perf_counter()
        generation.speller.correct(query, reader)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"queries": len(times), "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2)}


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
