"""Spelling-correction evaluation: misspellings of gazetteer and actor names, real words of news
that must stay as typed, and the cost of the decision. ``scripts/eval_typos.py`` reports it;
tests/integration/test_spelling_real_corpora.py asserts on it."""
from __future__ import annotations

import json
import random
import re
import statistics
import time
from importlib import resources
from pathlib import Path

from search_app.enrich.names import actor_entities, place_entities
from search_app.search import SearchEngine, SearchRequest
from search_app.search.spelling import dictionary_frequency, reference_words
from search_app.text.arabic import has_arabic
from search_app.text.normalize import normalized_tokens

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
