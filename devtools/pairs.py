"""Verdicts on Arabic test pairs (same / not_same) through the analyzers the index uses.

same/normalize: one term in the exact field.   same/stem: one term in the stemmed field.
same/alias: the analyzers keep them apart (the alias tables join them).
not_same/stemmer: the stemmed field keeps them apart.
not_same/name: the exact field keeps them apart, and so does the stemmed field once the
name is protected (Light10 alone merges them).
"""
from __future__ import annotations

from functools import lru_cache

from search_app.text.analyzers import analyze, arabic_analyzer, exact_analyzer


@lru_cache(maxsize=1)
def _analyzers():
    return exact_analyzer(), arabic_analyzer()


def pair_holds(group: str, pair: dict) -> bool:
    exact, stemmed = _analyzers()
    a, b = pair["a"], pair["b"]
    rule = pair["mechanism"] if group == "same" else pair["kind"]
    if (group, rule) == ("same", "normalize"):
        return analyze(exact, a) == analyze(exact, b)
    if (group, rule) == ("same", "stem"):
        return analyze(stemmed, a) == analyze(stemmed, b)
    if (group, rule) == ("same", "alias"):
        return analyze(exact, a) != analyze(exact, b) and analyze(stemmed, a) != analyze(stemmed, b)
    if (group, rule) == ("not_same", "stemmer"):
        return analyze(stemmed, a) != analyze(stemmed, b)
    if (group, rule) == ("not_same", "name"):
        protected = arabic_analyzer(protected={a})
        return analyze(exact, a) != analyze(exact, b) and analyze(protected, a) != analyze(protected, b)
    raise ValueError(f"unknown rule {group}/{rule}")
