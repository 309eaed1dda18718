"""Index-time analysis in one pass: the terms and positions our analyzers give a text.

Whoosh runs an analyzer as a chain of generators over one mutable Token, and at index time every
word passes seven filters, in two or three fields: a large share of adding a document.
For the analyzer shapes ``analyzers`` builds, ``term_positions_function`` returns a plain function
that gives the same ``{term: [positions]}`` as Whoosh's ``Positions.word_values`` through the chain,
computing each distinct word's normal form, stop test and stem once per process. The query side
keeps the Whoosh analyzers; tests compare both on every corpus text.
"""
from __future__ import annotations

import collections
import itertools
import re
from typing import Callable

from whoosh.analysis import CompositeAnalyzer, RegexTokenizer, StopFilter

from ..utils import remember
from .analyzers import (HYPHEN_PARTS, INWORD_MARKS, POSSESSIVE_SUFFIX, WORD_PATTERN, ArabicNormalizeFilter,
                        CachedStemFilter, CompoundMergeFilter, HyphenSplitFilter, LatinFoldFilter, PossessiveFilter)
from .characters import APOSTROPHES, HYPHENS, POSSESSIVE_APOSTROPHES

TermPositions = dict[str, list[int]]
_last_words: tuple = (None, None, None)  # (pattern, text, its words): see _words_of
_HYPHEN_CHARS = tuple(HYPHENS)
_APOSTROPHE_S = frozenset(POSSESSIVE_APOSTROPHES)
_HAS_HYPHEN = re.compile(f"[{HYPHENS}]").search
_WORD_INFO_LIMIT = 500_000
_HYPHENATED_LINES = re.compile(f"^[^\n]*[{HYPHENS}][^\n]*$", re.MULTILINE)
_POSSESSIVE_LINES = re.compile(f"^[^\n]*[{POSSESSIVE_APOSTROPHES}][sS]$", re.MULTILINE)


def term_positions_function(analyzer) -> Callable[[str], TermPositions] | None:
    """A fast equivalent of ``analyzer`` in index mode, or None for a chain it does not know."""
    if not isinstance(analyzer, CompositeAnalyzer):
        return None
    items = list(analyzer.items)
    tokenizer = items.pop(0)
    if type(tokenizer) is not RegexTokenizer or tokenizer.expression.pattern != WORD_PATTERN:
        return None
    possessives = bool(items) and type(items[0]) is PossessiveFilter
    if possessives:
        items.pop(0)
    front = [type(item) for item in items[:3]]
    if front != [HyphenSplitFilter, ArabicNormalizeFilter, LatinFoldFilter]:
        return None
    normalizer, folder = items[1], items[2]
    items = items[3:]
    stop = items.pop(0) if items and type(items[0]) is StopFilter else None
    if stop is not None and (not stop.renumber or stop.max is not None):
        return None
    if not items or type(items.pop(0)) is not CompoundMergeFilter:
        return None
    stemmer = items.pop(0) if items and isinstance(items[0], CachedStemFilter) else None
    if items:
        return None
    return _OnePass(tokenizer.expression, possessives, normalizer, folder, stop, stemmer)


class _OnePass:
    """The chain WordTokenizer | [Possessive] | HyphenSplit | ArabicNormalize | LatinFold
    | [Stop] | CompoundMerge | [Stem], in index mode, as one loop over the words."""

    def __init__(self, expression, possessives: bool, normalizer, folder, stop, stemmer):
        self._expression = expression
        self._possessives = possessives
        self._normalizer, self._folder = normalizer, folder
        self._stop = stop
        self._stemmer = stemmer
        self._word_info: dict[str, tuple] = {}

    def __call__(self, text: str) -> TermPositions:
        words = _words_of(self._expression, text)
        infos = list(map(self._word_info.get, words))  # one C-level pass; None: a word not met before
        if None in infos:
            describe = self._describe
            infos = [describe(word) if info is None else info for word, info in zip(words, infos)]
        if tuple in set(map(type, infos)):  # a hyphenated word: its parts move later words along
            return self._walk(infos)
        # Every word is one term or dropped (""): the kept words' positions are their numbers, or
        # with StopFilter(renumber=True) the first kept word's number and then one after another.
        if self._stop is not None:
            kept = len(infos) - infos.count("")
            first = next(itertools.compress(itertools.count(), infos), 0)
            positions = range(first, first + kept)
        else:
            positions = itertools.compress(itertools.count(), infos)
        terms = list(filter(None, infos))
        found: TermPositions = dict(zip(dict.fromkeys(terms), iter(list, None)))  # term -> [], first seen first
        collections.deque(map(list.append, map(found.__getitem__, terms), positions), maxlen=0)
        return found

    def _walk(self, infos: list) -> TermPositions:
        """The chain's positions word by word, for a text with a word split at hyphens."""
        found: TermPositions = {}
        renumber = self._stop is not None  # StopFilter(renumber=True): kept tokens run on
        renumbered = -1
        shift = 0  # HyphenSplitFilter: the parts of earlier words push later words along
        for number, info in enumerate(infos):
            if not info:  # a stop word, or nothing left after normalising
                continue
            if info.__class__ is str:  # most words: one part, kept, its term
                pos = number + shift
                if renumber:
                    pos = renumbered = pos if renumbered < 0 else renumbered + 1
                positions = found.get(info)
                if positions is None:
                    found[info] = [pos]
                else:
                    positions.append(pos)
                continue
            pieces, kept, joined = info  # a hyphenated word
            first = last = None
            for offset, term in kept:
                pos = number + shift + offset
                if renumber:
                    pos = renumbered = pos if renumbered < 0 else renumbered + 1
                found.setdefault(term, []).append(pos)
                first = pos if first is None else first
                last = pos
            if joined is not None:  # CompoundMergeFilter: ez-Zor is "ezzor" at both ends too
                found.setdefault(joined, []).extend((first, last))
            shift += pieces - 1
        return found

    def single_term(self, word: str):
        """The term of a word the chain keeps whole (no hyphen to split at, no possessive to cut),
        or None when it drops the word (a stop word, nothing left after normalising); ``...``
        for any other word, which only the Whoosh chain can say in full (character spans).
        ``_describe``'s one-part case without its bookkeeping: the search side keeps the answer."""
        if _HAS_HYPHEN(word) or (
                self._possessives and word[-2:-1] in _APOSTROPHE_S and word[-1:] in "sS"):
            return ...
        normal = self._folder.transform(self._normalizer.transform(word))
        if not normal or self._is_stop(normal):
            return None
        return self._term(normal)

    def single_terms(self, words: list[str]) -> list:
        """``single_term`` of each of ``words`` (none holding a line break), normalised and folded
        in one pass over them all: per word, the calls cost more than the work. Both transforms
        act on each character or word alone, so a line break between words changes nothing."""
        joined = "\n".join(words)
        normals = self._folder.transform(self._normalizer.transform(joined)).split("\n")
        if len(normals) != len(words):  # a transform made or took a line break: word by word
            return [self.single_term(word) for word in words]
        odd = self._odd_words(joined)
        stops = self._stop.stops if self._stop is not None else None
        shortest = self._stop.min if self._stop is not None else 0
        stemmer = self._stemmer
        ignore = stemmer.ignore if stemmer is not None else ()
        terms = []
        for word, normal in zip(words, normals):
            if odd and word in odd:
                terms.append(self.single_term(word))
            elif not normal or (stops is not None and (len(normal) < shortest or normal in stops)):
                terms.append(None)
            else:
                terms.append(normal if stemmer is None or normal in ignore else stemmer.stem_word(normal))
        return terms

    def _odd_words(self, joined: str) -> set[str]:
        """The words of a line-per-word text that only ``single_term`` can say (``...``): those
        with a hyphen, and with possessives on, those ending in an apostrophe and s."""
        odd = set(_HYPHENATED_LINES.findall(joined)) if _HAS_HYPHEN(joined) else set()
        if self._possessives:
            odd.update(_POSSESSIVE_LINES.findall(joined))
        return odd

    def _describe(self, word: str):
        """A word's term (most words), "" (dropped), or for a word split at hyphens
        (number of parts, ((part offset, term) of each part kept), joined term or None)."""
        text = self._without_possessive(word)
        parts = HYPHEN_PARTS.findall(text) if any(h in text for h in _HYPHEN_CHARS) else ()
        if len(parts) < 2:
            parts = (text,)
        normals = [(offset, self._normal(part)) for offset, part in enumerate(parts)]
        normals = [(offset, normal) for offset, normal in normals if normal and not self._is_stop(normal)]
        if len(parts) == 1:
            info = self._term(normals[0][1]) if normals else ""
        else:
            joined = None
            if len(normals) > 1 and not all(n.isdigit() for _, n in normals):
                joined = self._term("".join(normal for _, normal in normals))
            info = (len(parts), tuple((offset, self._term(normal)) for offset, normal in normals), joined)
        return remember(self._word_info, word, info, _WORD_INFO_LIMIT)

    def _without_possessive(self, word: str) -> str:
        if not self._possessives or word[-2:-1] not in _APOSTROPHE_S or word[-1:] not in "sS":
            return word
        match = POSSESSIVE_SUFFIX.search(word)
        return word[: match.start()] if match else word

    def _normal(self, piece: str) -> str:
        return self._folder.transform(self._normalizer.transform(piece))

    def _is_stop(self, normal: str) -> bool:
        stop = self._stop
        return stop is not None and (len(normal) < stop.min or normal in stop.stops)

    def _term(self, normal: str) -> str:
        stemmer = self._stemmer
        if stemmer is None or normal in stemmer.ignore:
            return normal
        return stemmer.stem_word(normal)


def _words_of(expression, text: str) -> list[str]:
    """The words of ``text``, remembering the last answer: an English story's body is also the
    exact field's text, and a document's fields are analysed one after the other."""
    global _last_words
    pattern, last_text, words = _last_words  # one tuple, swapped whole: safe across threads
    if pattern is expression and last_text == text:
        return words
    if "_" not in text and expression.pattern == WORD_PATTERN:
        words = FAST_WORDS.findall(text)
    else:
        words = expression.findall(text)  # findall: no match objects, twice as fast as finditer
    _last_words = (expression, text, words)
    return words


def _fast_word_pattern() -> re.Pattern:
    """``WORD_PATTERN``'s words, found twice as fast in a text without "_" (a sixth of building
    an index was finding words). A word is marks, a letter, then any run of letters and marks
    (``WORD_PATTERN`` spells that run as (letter marks*)+, which the engine walks a character at
    a time through two loops); here the run is one character class, ``\\w`` and the marks, which
    differs from a letter or mark only at "_" (a word character but not a letter). Possessive
    loops never backtrack: what follows a run can only start a new part or end the word. Tests
    compare the two on corpus texts and on random strings of the characters each class turns on."""
    word = rf"[{INWORD_MARKS}]*+[^\W_\u0640][\w{INWORD_MARKS}]*+"
    return re.compile(rf"{word}(?:[{HYPHENS}{APOSTROPHES}]{word})*+")


FAST_WORDS = _fast_word_pattern()
