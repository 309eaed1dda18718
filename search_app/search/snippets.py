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

import threading
from collections import deque

from whoosh import highlight as whoosh_highlight
from whoosh.analysis import RegexTokenizer, Token

_CACHE_SIZE = 100_000
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


def _stream(text: str, analyzer, termset):
    """(startchar, endchar, text, boost, matched) for every token of ``text``, in order."""
    expression = analyzer.items[0].expression
    cache = _word_cache(analyzer)
    for match in expression.finditer(text):
        base = match.start()
        for start, end, word, boost in _word_tokens(analyzer, cache, match.group()):
            yield base + start, base + end, word, boost, word in termset


def _matched_token(start: int, end: int, word: str, boost: float) -> Token:
    token = Token(chars=True, boost=boost, removestops=False, mode="query")
    token.text, token.startchar, token.endchar, token.matched = word, start, end, True
    return token


def _fragments(text: str, tokens, fragmenter):
    """``ContextFragmenter.fragment_tokens`` over (start, end, text, boost, matched) tuples."""
    maxchars, surround, charlimit = fragmenter.maxchars, fragmenter.surround, fragmenter.charlimit
    first = None
    firsts = deque()
    countdown = -1
    tks = []
    endchar = None
    currentlen = 0
    for startchar, endchar, word, boost, matched in tokens:
        tlength = endchar - startchar
        if charlimit and endchar > charlimit:
            break
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif currentlen + tlength > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround
            tks.append(_matched_token(startchar, endchar, word, boost))
        if countdown >= 0:
            currentlen += tlength
            countdown -= tlength
            if countdown <= 0:
                yield whoosh_highlight.mkfrag(text, tks, startchar=first, endchar=endchar)
                tks = []
                firsts = deque()
                first = None
                currentlen = 0
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
    fragments = _fragments(text, _stream(text, analyzer, frozenset(terms)), fragmenter)
    return formatter(text, whoosh_highlight.top_fragments(fragments, top, scorer, order, minscore))
