"""The one-pass index analysis must give exactly what the Whoosh analyzer chains give.

The build uses ``text.index_terms`` and searches use the Whoosh analyzers: any difference would
make a word indexed one way unfindable the other. Compared on every text of the demo corpus and
on the awkward cases each filter exists for.
"""
from collections import defaultdict

import pytest
from whoosh.analysis import RegexTokenizer, StemmingAnalyzer

from search_app.text.analyzers import arabic_analyzer, english_analyzer, exact_analyzer
from search_app.text.index_terms import term_positions_function
from tests.conftest import demo_records

PROTECTED_EN = frozenset({"Hamas", "Homs"})
PROTECTED_AR = frozenset({"حماة", "لبنان"})
ANALYZERS = {
    "english": english_analyzer(PROTECTED_EN),
    "arabic": arabic_analyzer(PROTECTED_AR),
    "exact": exact_analyzer(),
}
AWKWARD = [
    "Deir ez-Zor's al-Assad-led forces, 2011-2012, the-of-and Hama's Hamas' HOMS",
    "a-the-b e-2 x-- --y ez\u2010Zor ez\u2011Zor Dar'a Assad’s assad's",
    "مدينة-حماة الْحُكُومَة ٢٠٢٣ حـــلب و-في تجنيد-و والمدينة لبنان",
    "Ḩimş Hamā Ḥamāh e\u0301 l\u2019opposition al-\u200fنصرة",
    "the and of", "", "   ", "-", "١-٢-٣",
    # a joined term also written solid, before and after: its positions stay in text order
    "Ezzor, then Deir ez-Zor, the al-Assad family, Alassad and ezzor; ez-Zor the-Zor",
]


def whoosh_positions(analyzer, text: str) -> dict[str, list[int]]:
    """What Whoosh's ``Positions.word_values`` records: term -> positions, in its order."""
    found = defaultdict(list)
    for token in analyzer(text, positions=True, mode="index"):
        found[token.text].append(token.pos)
    return dict(found)


def corpus_texts() -> list[str]:
    texts = list(AWKWARD)
    for record in demo_records():
        texts += [value for key, value in record.items() if isinstance(value, str) and not key.startswith("_")]
        for translation in record.get("translations") or ():
            texts += [value for value in translation.values() if isinstance(value, str)]
    return texts


@pytest.mark.parametrize("kind", sorted(ANALYZERS))
def test_one_pass_equals_the_whoosh_chain_on_every_demo_text(kind):
    analyzer = ANALYZERS[kind]
    fast = term_positions_function(analyzer)
    assert fast is not None
    texts = corpus_texts()
    assert len(texts) > 400
    for text in texts:
        assert fast(text) == whoosh_positions(analyzer, text), text[:80]


def test_a_hyphenated_name_is_indexed_whole_at_both_ends():
    fast = term_positions_function(ANALYZERS["exact"])
    found = fast("shelling in Deir ez-Zor province")
    assert found["ezzor"] == [3, 4]
    assert found["province"] == [5]


def test_stop_words_close_up_and_names_are_not_stemmed():
    fast = term_positions_function(ANALYZERS["english"])
    found = fast("the Hamas fighters and the Homs conscripts")
    # Whoosh's StopFilter keeps the first kept word's position, then runs on from it.
    assert found == {"hamas": [1], "fighter": [2], "homs": [3], "conscript": [4]}


def test_chains_it_does_not_know_are_left_to_whoosh():
    assert term_positions_function(StemmingAnalyzer()) is None
    assert term_positions_function(RegexTokenizer()) is None


@pytest.mark.parametrize("kind", sorted(ANALYZERS))
def test_single_terms_of_many_words_at_once_are_each_words_single_term(kind):
    """The snippets' vocabulary normalises the words of a text in one pass (``single_terms``):
    the same answer, word for word, as one at a time, for every word of the demo corpus."""
    fast = term_positions_function(ANALYZERS[kind])
    words = sorted({word for text in corpus_texts() for word in fast._expression.findall(text)}
                   | {"Hama's", "Hamas'", "ez-Zor", "x's", "S", "'s", "the", "و", "ﷺ", "Straße", "İstanbul"})
    assert len(words) > 2000
    assert fast.single_terms(words) == [fast.single_term(word) for word in words]
    assert fast.single_terms(words[::-1][:50]) == [fast.single_term(word) for word in words[::-1][:50]]
    assert fast.single_terms(["a\nb", "Hama"]) == [fast.single_term("a\nb"), fast.single_term("Hama")]


# Every kind of character the word pattern's classes turn on: Latin and Arabic letters, digits of
# both scripts, "_" (a word character that is no letter), tatweel, Arabic and Latin combining
# marks, format characters, hyphens, dashes, apostrophes, modifier letters, spaces, punctuation.
WORD_ALPHABET = ("aZßé\u0301" "بحة\u064e\u0651\u0640" "3\u0663_" "\u200b\u200f\u202b"
                 "-\u2010\u2011\u2013" "'\u2019`\u2018\u02bc" " .,\n")


def test_the_fast_word_pattern_finds_what_the_word_pattern_finds():
    """The build finds a text's words with a faster pattern when it has no "_"; a word found
    differently would be indexed under another term than a query's."""
    import random
    import re

    from search_app.text.analyzers import WORD_PATTERN
    from search_app.text.index_terms import FAST_WORDS, _words_of

    pattern = re.compile(WORD_PATTERN)
    generator = random.Random(18)
    texts = corpus_texts() + ["".join(generator.choice(WORD_ALPHABET) for _ in range(generator.randrange(40)))
                              for _ in range(20_000)]
    for text in texts:
        expected = pattern.findall(text)
        assert _words_of(pattern, text) == expected, repr(text)
        if "_" not in text:
            assert FAST_WORDS.findall(text) == expected, repr(text)
