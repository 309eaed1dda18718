"""The shared character classes: their members, pinned, and what folding and analysis do with them."""
import re

from search_app.text.analyzers import WORD_PATTERN
from search_app.text.arabic import (ARABIC_CLITICS, ARABIC_LETTERS, ARABIC_SCRIPT, clitic_prefixes,
                                    ends_in_article, has_arabic)
from search_app.text.characters import (APOSTROPHES, DASHES, HYPHENS, LETTER_APOSTROPHES,
                                        POSSESSIVE_APOSTROPHES)
from search_app.text.latin import fold_latin


def test_punctuation_classes_hold_exactly_their_characters():
    assert set(HYPHENS) == {"-", "\u2010", "\u2011"}
    assert set(DASHES) == {"\u2012", "\u2013", "\u2014", "\u2015"}
    assert set(APOSTROPHES) == {"'", "\u2018", "\u2019", "`"}
    assert set(POSSESSIVE_APOSTROPHES) == {"'", "\u2019"}
    assert set(LETTER_APOSTROPHES) == {"\u02BC", "\u02BE", "\u02BF"}


def test_arabic_letter_classes_as_regex_ranges():
    letters = re.compile(f"[{ARABIC_LETTERS}]")
    assert "".join(ch for ch in map(chr, range(0x0600, 0x0700)) if letters.match(ch)) == \
        "".join(map(chr, range(0x0621, 0x064B)))
    script = re.compile(f"[{ARABIC_SCRIPT}]")
    assert all(script.match(ch) for ch in "ءيپگﻻ\u0750\u08A0")
    assert not any(script.match(ch) for ch in "aZ1-\u0590\u0700")


def test_clitics_every_order_arabic_writes_them_longest_first():
    assert set(clitic_prefixes(prepositions=("ب", "ل"))) == {"وب", "ول", "فب", "فل", "و", "ف", "ب", "ل"}
    assert set(clitic_prefixes()) == {"و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك"}
    assert set(ARABIC_CLITICS) == set(clitic_prefixes()) | {
        "وال", "فال", "بال", "لل", "كال", "وبال", "ولل", "وكال", "فبال", "فلل", "فكال"}
    assert "ال" not in ARABIC_CLITICS
    lengths = [len(clitic) for clitic in ARABIC_CLITICS]
    assert lengths == sorted(lengths, reverse=True)
    assert [ends_in_article(c) for c in ("بال", "لل", "ولل", "وب", "ل")] == [True, True, True, False, False]


def test_folding_and_tokenising_use_the_classes():
    assert fold_latin("Deir ez\u2011Zor") == fold_latin("Deir ez-Zor") == "deir ez zor"
    assert fold_latin("Idlib\u2014Hama") == "idlib hama"
    assert fold_latin("Ma\u02BFarrat Dar\u2019a Assad\u2019s") == "maarrat dara assad"
    tokens = re.findall(WORD_PATTERN, "al\u2010Bab Dar\u2018a x\u2013y")
    assert tokens == ["al\u2010Bab", "Dar\u2018a", "x", "y"]
    assert has_arabic("Hama حماة") and not has_arabic("Hama")


def test_the_possessive_is_cut_as_a_look_behind_first_pattern_cuts_it():
    """``fold_latin`` finds a possessive from its apostrophe, looking behind for the letter: the
    same cuts as the pattern that looks behind first, on random strings of the characters around it."""
    import random

    from search_app.text.characters import MODIFIER_APOSTROPHE, POSSESSIVE_APOSTROPHES
    from search_app.text.latin import _POSSESSIVE

    look_behind_first = re.compile(f"(?<=\\w)[{POSSESSIVE_APOSTROPHES}{MODIFIER_APOSTROPHE}]s\\b", re.IGNORECASE)
    generator = random.Random(18)
    alphabet = "aSs '\u2019\u02bc`_-\u00e9\u0301\u0628\u06293 .\n"
    texts = ["Assad's", "Hama’s", "Darʼas", "the 's", "_'s", "Hamas'", "Assad's's", "x'S y'sa"]
    texts += ["".join(generator.choice(alphabet) for _ in range(generator.randrange(20))) for _ in range(30_000)]
    for text in texts:
        assert _POSSESSIVE.sub("", text) == look_behind_first.sub("", text), repr(text)
