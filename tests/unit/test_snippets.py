"""Snippets made word by word from cached analyses are the very HTML Whoosh's highlighter makes."""
from __future__ import annotations

import itertools
import random

import pytest
from whoosh import highlight as whoosh_highlight

from benchmarks.corpus import generate
from search_app.search.snippets import highlight
from search_app.text.analyzers import arabic_analyzer, english_analyzer, exact_analyzer

ANALYZERS = {"english": english_analyzer(frozenset({"hama", "hamas"})), "arabic": arabic_analyzer(),
             "exact": exact_analyzer()}
TEXTS = [record["body"] for record in itertools.islice(generate(60, seed=11), 60)] + [
    "Deir ez-Zor's ez-Zor was shelled; al-Bab’s residents and Assad's forces, U.S.-backed fighters.",
    "الْحُكُومَة السورية قصفت حـــلب و ريف حماة، وقال المرصد إن ٢٠٢٣ كان عاما صعبا في دير الزور.",
    "conscription " * 40, "", "no match here at all",
]


def _formatter():
    return whoosh_highlight.HtmlFormatter(tagname="mark", classname="hl", termclass="t", between=" … ")


@pytest.mark.parametrize("name", sorted(ANALYZERS))
@pytest.mark.parametrize("maxchars, surround, top", [(240, 60, 2), (60, 10, 3), (20, 3, 1)])
def test_snippets_are_whooshs(name, maxchars, surround, top):
    analyzer = ANALYZERS[name]
    rng = random.Random(f"{name}{maxchars}")
    for text in TEXTS:
        words = sorted({t.text for t in analyzer(text, mode="query")}) or ["x"]
        for _ in range(4):
            terms = set(rng.sample(words, min(len(words), rng.randint(1, 4))))
            fragmenter = whoosh_highlight.ContextFragmenter(maxchars=maxchars, surround=surround)
            expected = whoosh_highlight.highlight(text, terms, analyzer, fragmenter, _formatter(), top=top)
            assert highlight(text, terms, analyzer, fragmenter, _formatter(), top=top) == expected


def test_a_text_past_the_character_limit_is_cut_where_whoosh_cuts_it():
    analyzer = ANALYZERS["english"]
    text = " ".join(["filler"] * 6000 + ["conscription", "Hama"])
    fragmenter = whoosh_highlight.ContextFragmenter(maxchars=100, surround=20, charlimit=40000)
    terms = {"conscript", "hama"}
    assert (highlight(text, terms, analyzer, fragmenter, _formatter())
            == whoosh_highlight.highlight(text, terms, analyzer, fragmenter, _formatter()))
