"""Snippets mark what the query matched as a unit and quote the text honestly.

Single terms are found on exactly the tokens Whoosh's highlighter marks (a differential test);
phrases, fragment boundaries and the HTML are our own, checked against written-out outputs."""
from __future__ import annotations

import itertools
import random
import re

import pytest
from whoosh import highlight as whoosh_highlight

from devtools.corpus import generate
from search_app.search.snippets import Match, Unit, find_matches, make_snippet, merge_matches
from search_app.text.analyzers import arabic_analyzer, english_analyzer, exact_analyzer

ENGLISH = english_analyzer(frozenset({"hama", "hamas"}))
ARABIC = arabic_analyzer()
EXACT = exact_analyzer()
ANALYZERS = {"english": ENGLISH, "arabic": ARABIC, "exact": EXACT}
WRITTEN_TEXTS = [
    "Deir ez-Zor's ez-Zor was shelled; al-Bab’s residents and Assad's forces, U.S.-backed fighters.",
    "الْحُكُومَة السورية قصفت حـــلب و ريف حماة، وقال المرصد إن ٢٠٢٣ كان عاما صعبا في دير الزور.",
    "conscription " * 40, "", "no match here at all",
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """60 generated bodies and the written ones; generated when a test asks (the generator takes
    seconds, which collecting the suite should not pay)."""
    return [record["body"] for record in itertools.islice(generate(60, seed=11), 60)] + WRITTEN_TEXTS


def _marked(html: str) -> list[str]:
    return re.findall(r'<mark class="hl t\d+">(.*?)</mark>', html)


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_single_terms_are_found_where_whooshs_highlighter_finds_them(name, texts):
    analyzer = ANALYZERS[name]
    rng = random.Random(name)
    for text in texts:
        words = sorted({t.text for t in analyzer(text, mode="query")}) or ["x"]
        for _ in range(4):
            terms = set(rng.sample(words, min(len(words), rng.randint(1, 4))))
            tokens = analyzer(text, chars=True, mode="query", removestops=False)
            # Deliberately unlike Whoosh: a stop word whose text equals a term ("it", the stem of
            # "its") is not marked; the index never holds it, so it never matched.
            expected = [(t.startchar, t.endchar) for t in whoosh_highlight.set_matched_filter(tokens, terms)
                        if t.matched and not t.stopped]
            found = find_matches(text, analyzer, [Unit((term,)) for term in terms])
            assert [(m.start, m.end) for m in found] == expected


def test_a_phrase_is_marked_whole_and_its_words_never_alone():
    text = "Military service was extended. The service of the armed forces ends; military service resumes."
    units = [Unit(("militari", "servic")), Unit(("arm", "forc"))]
    found = find_matches(text, ENGLISH, units)
    assert [text[m.start:m.end] for m in found] == ["Military service", "armed forces", "military service"]
    assert _marked(make_snippet(text, found)) == ["Military service", "armed forces", "military service"]


def test_a_phrase_matches_across_stop_words_as_the_index_counts_positions():
    # The index drops "of the", so Whoosh's phrase query finds "forces regime" here; mark what it found.
    text = "Shelling by forces of the regime."
    found = find_matches(text, ENGLISH, [Unit(("forc", "regim"))])
    assert [text[m.start:m.end] for m in found] == ["forces of the regime"]


def test_a_hyphenated_name_matches_its_joined_spelling():
    text = "Fighting in Deir ez-Zor and in Deir Ezzor province."
    found = find_matches(text, EXACT, [Unit(("deir", "ezzor")), Unit(("deir", "ez", "zor"))])
    assert [text[m.start:m.end] for m in found] == ["Deir ez-Zor", "Deir Ezzor"]


def test_a_prefix_marks_every_word_it_begins():
    text = "Shells fell; shelling went on, and the shelter held."
    found = find_matches(text, EXACT, [Unit(("shel",), prefix=True)])
    assert [text[m.start:m.end] for m in found] == ["Shells", "shelling", "shelter"]


def test_every_spelling_of_a_place_is_marked_in_a_multi_concept_query():
    text = "Conscription drives in Hama. Recruits from Hamah were sent on; حماه and حماة saw raids."
    exact = find_matches(text, EXACT, [Unit((name,), group=1) for name in ("hama", "hamah", "حماه")])
    stemmed = find_matches(text, ENGLISH, [Unit(("conscript",), group=0)])
    found = merge_matches(stemmed, exact)
    assert [(text[m.start:m.end], m.group) for m in found] == [
        ("Conscription", 0), ("Hama", 1), ("Hamah", 1), ("حماه", 1), ("حماة", 1)]


def test_a_snippet_starts_at_the_sentence_holding_the_match():
    text = ("The council met on Monday to discuss the budget for the coming year. " * 3
            + "Officials said conscription would widen next month. Nothing else was announced.")
    html = make_snippet(text, find_matches(text, ENGLISH, [Unit(("conscript",))]))
    assert html == ("The council met on Monday to discuss the budget for the coming year. "
                    'Officials said <mark class="hl t0">conscription</mark> would widen next month. '
                    "Nothing else was announced.")


def test_a_snippet_cut_inside_a_sentence_says_so_at_both_ends():
    text = " ".join(f"word{n}" for n in range(200)) + " conscription " + " ".join(f"tail{n}" for n in range(200))
    html = make_snippet(text, find_matches(text, ENGLISH, [Unit(("conscript",))]), maxchars=120)
    assert html.startswith("…word") and html.endswith("…")
    assert '<mark class="hl t0">conscription</mark>' in html
    assert len(re.sub("<[^>]+>", "", html)) <= 125


def test_an_arabic_snippet_starts_after_an_arabic_clause_boundary():
    text = ("قال المرصد السوري إن الاشتباكات تواصلت طوال الليل في المنطقة الشمالية من البلاد، "
            "وإن حملة تجنيد جديدة بدأت في حماة يوم الأحد")
    found = merge_matches(find_matches(text, ARABIC, [Unit(("تجنيد",), 0)]),
                          find_matches(text, EXACT, [Unit(("حماه",), 1)]))
    html = make_snippet(text, found, maxchars=80)
    assert html == ('وإن حملة <mark class="hl t0">تجنيد</mark> جديدة بدأت في <mark class="hl t1">حماة</mark> '
                    "يوم الأحد")


def test_fragments_that_touch_are_one_and_an_ellipsis_stands_only_for_left_out_text():
    first = "Airstrikes hit the market at dawn."
    second = "Shelling followed at noon."
    filler = " ".join(["The committee reviewed the accounts again."] * 12)
    units = [Unit(("airstrik",), 0), Unit(("shell",), 1)]
    adjacent = f"{first} {second}"
    html = make_snippet(adjacent, find_matches(adjacent, ENGLISH, units), maxchars=40)
    assert "…" not in html and _marked(html) == ["Airstrikes", "Shelling"]
    apart = f"{first} {filler} {second}"
    html = make_snippet(apart, find_matches(apart, ENGLISH, units), maxchars=60)
    assert html.count("…") == 1 and " … " in html and _marked(html) == ["Airstrikes", "Shelling"]


def test_a_snippet_escapes_the_text_and_collapses_its_whitespace():
    text = "Report:\n\n<script>alert(1)</script> & shelling   went on."
    html = make_snippet(text, [Match(text.index("shelling"), text.index("shelling") + 8, 0)])
    assert html == 'Report: &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark class="hl t0">shelling</mark> went on.'


def test_without_matches_the_snippet_is_the_opening_cut_at_a_word():
    text = "First sentence here. " + "longword " * 60
    html = make_snippet(text, [], maxchars=60)
    assert html.startswith("First sentence here.") and html.endswith("…")
    assert "longwor…" not in html


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_words_looked_up_by_set_are_the_words_found_walking_the_text(name, texts):
    """The fast path (the text's words compared as sets, wanted words located by ``str.find``)
    marks exactly what walking every word does: single terms, phrases across stop words and
    hyphens, prefixes; a word standing inside a longer hyphenated or apostrophised one is not it."""
    from search_app.search import snippets

    analyzer = ANALYZERS[name]
    rng = random.Random(f"lookup-{name}")
    texts = [t for t in texts if t and not snippets._SPECIAL.search(t)] + [
        "Hama-Hama hama, al-Hama's hama'a -hama- hama-- 'hama' ... Hama. HAMA?",
        "ريف حماة الشمالي و حماة-حلب، حماة's و«حماة»",
    ]
    for text in texts:
        terms = [t.text for t in analyzer(text, mode="query")] or ["x"]
        for _ in range(6):
            start = rng.randrange(len(terms))
            units = [Unit(tuple(terms[start:start + rng.randint(1, 3)]), group=0),
                     Unit((rng.choice(terms),), group=1)]
            if rng.random() < 0.3:
                units.append(Unit((rng.choice(terms)[:3],), group=2, prefix=True))
            units = tuple(units)
            walked = snippets._matches_at(snippets._walk(text, analyzer, units, snippets._PLAIN_WORD), units)
            assert snippets._matches_at(snippets._lookup(text, analyzer, units), units) == walked
            assert find_matches(text, analyzer, units) == walked


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_a_words_tokens_from_the_one_pass_analysis_are_the_whoosh_chains(name, texts):
    """The vocabulary takes most words' single term from the index writer's one-pass analysis;
    for every word of the corpus texts it is what the Whoosh chain makes of the word, character
    span and position included."""
    from search_app.search import snippets

    analyzer = ANALYZERS[name]
    vocabulary = snippets._Vocabulary(analyzer)
    assert vocabulary.single_terms is not None
    words = {word for text in texts + ["the of و في Assad's U.S.-backed ez-Zor al-Bab’s ١٢٣ x_y"]
             for word in re.findall(snippets.WORD_PATTERN, text)}
    vocabulary.learn(0, words)
    for word in words:
        expected = snippets._word_tokens(analyzer, {}, word)
        assert (vocabulary.tokens_of(word), vocabulary.irregular.get(word, 1)) == expected, word
