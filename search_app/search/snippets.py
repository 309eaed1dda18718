"""Highlighted snippets, as ``whoosh.highlight.highlight`` makes them, without running every word
of every hit's body through the analyzer's chain of Python filters.

In query mode our analyzers turn each word the tokenizer finds into the same tokens wherever it
stands (the filters look at one word at a time; compounds are only joined at index time), so a
word's tokens are worked out once and kept: afterwards a snippet costs one regular-expression pass
over the text, a dictionary look-up a word and the context fragmenter's arithmetic, here on plain
tuples. Fragments are then scored, chosen and formatted by Whoosh's own code, so the HTML is the
same. Anything other than a RegexTokenizer-led analyzer with a ContextFragmenter goes to Whoosh.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import deque

from whoosh import highlight as whoosh_highlight
from whoosh.analysis import RegexTokenizer, Token

from ..text.analyzers import APOSTROPHES, HYPHENS, INWORD_MARKS, WORD_PATTERN

_CACHE_SIZE = 100_000
# WORD_PATTERN where no in-word mark occurs: letters and digits, joined by a hyphen or apostrophe.
_PLAIN_WORD = re.compile(rf"[^\W_]+(?:[{HYPHENS}{APOSTROPHES}][^\W_]+)*")
_SPECIAL = re.compile(f"[{INWORD_MARKS}_]")
_MARGIN = 8
_caches: dict[int, tuple[object, dict]] = {}
_lock = threading.Lock()


def _word_cache(analyzer) -> dict:
    entry = _caches.get(id(analyzer))
    if entry is None or entry[0] is not analyzer:
        with _lock:
            if len(_caches) > 32:
                _caches.clear()
            entry = _caches[id(analyzer)] = (analyzer, {})
    return entry[1]


def _word_tokens(analyzer, cache: dict, word: str) -> tuple:
    """(start, end, text, boost) of the tokens ``word`` analyses to, offsets within the word."""
    found = cache.get(word)
    if found is None:
        found = tuple((t.startchar, t.endchar, t.text, t.boost)
                      for t in analyzer(word, chars=True, mode="query", removestops=False))
        if len(cache) >= _CACHE_SIZE:
            cache.clear()
        cache[word] = found
    return found


def _expression(analyzer, text: str):
    """The tokenizer's expression, or for our word pattern on a text without marks, tatweel,
    format characters or underscores the plain equivalent, which runs twice as fast."""
    expression = analyzer.items[0].expression
    if expression.pattern == WORD_PATTERN and not _SPECIAL.search(text):
        return _PLAIN_WORD
    return expression


def _matched_token(start: int, end: int, word: str, boost: float) -> Token:
    token = Token(chars=True, boost=boost, removestops=False, mode="query")
    token.text, token.startchar, token.endchar, token.matched = word, start, end, True
    return token


def _fragments(text: str, analyzer, termset: frozenset, fragmenter):
    """``ContextFragmenter.fragment_tokens`` over the analyzed words of ``text``.

    Outside a fragment a word that matches nothing only feeds the fragmenter's queue of recent
    start characters, which keeps those within ``surround`` characters of the latest word. So
    before a long run of such words the run is skipped up to its last words that can still be in
    that queue when the next matching word arrives: the fragments come out the same.
    """
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    cache = _word_cache(analyzer)
    spans = [(match.start(), match.end(), match.group()) for match in _expression(analyzer, text).finditer(text)]
    analyses = {}  # word -> its tokens (start, end, text, boost), offsets within the word
    hits = set()
    for word in {word for _, _, word in spans}:
        analyses[word] = analysed = _word_tokens(analyzer, cache, word)
        for _, _, token, _ in analysed:
            if token in termset:
                hits.add(word)
                break
    matched = [index for index, (_, _, word) in enumerate(spans) if word in hits]
    if not matched:
        return
    ends = [end for _, end, _ in spans]
    first = None
    firsts = deque()
    countdown = -1
    tks = []
    endchar = None
    currentlen = 0
    upcoming = 0  # index into ``matched`` of the next matching word
    index, count = 0, len(spans)
    while index < count:
        if countdown < 0:
            while upcoming < len(matched) and matched[upcoming] < index:
                upcoming += 1
            if upcoming == len(matched):
                break  # outside a fragment, and nothing left to match: no more fragments
            target = matched[upcoming]
            if target - index > 8 and not (charlimit and ends[target - 1] > charlimit):
                # Words ending before this can no longer be in the queue once word target-1 is
                # read (its last token may end up to two characters early: Assad's -> Assad).
                keep_from = min(bisect_left(ends, ends[target - 1] - surround - _MARGIN, index, target),
                                target - 1)
                if keep_from > index:
                    firsts = deque()
                    index = keep_from
        base, _, word = spans[index]
        any_hit = word in hits
        for start, end, token, boost in analyses[word]:
            startchar, endchar = base + start, base + end
            hit = any_hit and token in termset
            tlength = endchar - startchar
            if charlimit and endchar > charlimit:
                index = count
                break
            if countdown < 0 and not hit:
                firsts.append(startchar)
                while firsts and endchar - firsts[0] > surround:
                    firsts.popleft()
            elif currentlen + tlength > maxchars:
                countdown = 0
            elif hit:
                countdown = surround
                if first is None:
                    if firsts:
                        first = firsts[0]
                    else:
                        first = startchar
                        countdown += surround
                tks.append(_matched_token(startchar, endchar, token, boost))
            if countdown >= 0:
                currentlen += tlength
                countdown -= tlength
                if countdown <= 0:
                    yield whoosh_highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                    tks = []
                    firsts = deque()
                    first = None
                    currentlen = 0
        index += 1
    if tks:
        yield whoosh_highlight.mkfrag(text, tks, startchar=first, endchar=endchar)


def highlight(text, terms, analyzer, fragmenter, formatter, top=3, scorer=None, minscore=1,
              order=whoosh_highlight.FIRST, mode="query"):
    """Same arguments and result as ``whoosh.highlight.highlight``."""
    items = getattr(analyzer, "items", None)
    if (mode != "query" or not items or type(items[0]) is not RegexTokenizer or items[0].gaps
            or type(fragmenter) is not whoosh_highlight.ContextFragmenter):
        return whoosh_highlight.highlight(text, terms, analyzer, fragmenter, formatter, top=top,
                                          scorer=scorer, minscore=minscore, order=order, mode=mode)
    if type(formatter) is type:
        formatter = formatter()
    if scorer is None:
        scorer = whoosh_highlight.BasicFragmentScorer()
    elif type(scorer) is type:
        scorer = scorer()
    fragments = _fragments(text, analyzer, frozenset(terms), fragmenter)
    return formatter(text, whoosh_highlight.top_fragments(fragments, top, scorer, order, minscore))
