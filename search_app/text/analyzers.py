"""Whoosh analyzers for the English, Arabic and exact fields, built from small filters.

Every analyzer shares one front end, which gives each token the form ``normalize_text``
gives it, so the exact field holds the very tokens ``normalized_tokens`` makes of a gazetteer
or actor name:

    WordTokenizer | HyphenSplitFilter | ArabicNormalizeFilter | LatinFoldFilter

then, per field:

    exact:   CompoundMergeFilter
    english: PossessiveFilter first, then StopFilter(English) | CompoundMergeFilter
             | SnowballStemFilter(ignore=protected)
    arabic:  PossessiveFilter first, then StopFilter(Arabic) | CompoundMergeFilter
             | Light10StemFilter(ignore=protected)

Whoosh pickles the schema, analyzers included, into the index, so every filter here pickles;
the stemmers keep their caches and the PyStemmer object out of the pickle.
"""
from __future__ import annotations

import re
import threading

from whoosh.analysis import Filter, RegexTokenizer, StopFilter

from ..utils import remember
from .arabic import ARABIC_MARKS, FORMAT_CHARS, light10, normalize_arabic
from .characters import APOSTROPHES, HYPHENS, POSSESSIVE_APOSTROPHES
from .latin import fold_latin
from .normalize import normalized_tokens
from .stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS

# Characters that live inside a word but never make one on their own: Arabic marks, format
# characters, tatweel and Latin combining accents (a decomposed "Hamā" stays one word).
_INWORD_MARKS = f"{ARABIC_MARKS}{FORMAT_CHARS}\u0640\u0300-\u036F"
INWORD_MARKS = _INWORD_MARKS
_WORD = rf"[{_INWORD_MARKS}]*(?:[^\W_\u0640][{_INWORD_MARKS}]*)+"
# A word, or words joined by hyphens or apostrophes: ez-Zor, Dar'a, Assad's. The filters
# below split hyphenated words and drop apostrophes, as fold_latin does.
WORD_PATTERN = rf"{_WORD}(?:[{HYPHENS}{APOSTROPHES}]{_WORD})*"

POSSESSIVE_SUFFIX = re.compile(rf"(?<=\w)[{POSSESSIVE_APOSTROPHES}][sS]$")
HYPHEN_PARTS = re.compile(f"[^{HYPHENS}]+")
_APOSTROPHE_S = frozenset(POSSESSIVE_APOSTROPHES)


def WordTokenizer() -> RegexTokenizer:
    """Tokenizer for every field: diacritics, tatweel, hyphens and apostrophes never end a word."""
    return RegexTokenizer(WORD_PATTERN)


class PossessiveFilter(Filter):
    """Drops an English possessive: Assad's and Assad’s index as Assad."""

    def __call__(self, tokens):
        for t in tokens:
            text = t.text
            # Cheap test first: only a word ending in 's or ’s can match.
            match = text[-2:-1] in _APOSTROPHE_S and text[-1:] in "sS" and POSSESSIVE_SUFFIX.search(text)
            if match:
                t.text = t.text[: match.start()]
                if t.chars:
                    t.endchar -= 2
            yield t


class HyphenSplitFilter(Filter):
    """Splits a hyphenated word into its parts at consecutive positions (ez-Zor -> ez, Zor).

    Later tokens move up so positions stay consecutive, which keeps "Deir ez-Zor" and
    "Deir ez Zor" the same phrase. Each part records which word it came from in
    ``t.compound``, for CompoundMergeFilter.
    """

    def __call__(self, tokens):
        shift = 0
        for word_number, t in enumerate(tokens):
            t.compound = word_number
            if t.positions:
                t.pos += shift
            text = t.text
            if "-" not in text and "\u2010" not in text and "\u2011" not in text:  # HYPHENS unrolled; most words
                t.compound_parts = 1
                yield t
                continue
            parts = list(HYPHEN_PARTS.finditer(text))
            t.compound_parts = len(parts)
            if len(parts) == 1:
                yield t
                continue
            pos = t.pos if t.positions else 0
            startchar = t.startchar if t.chars else 0
            for i, part in enumerate(parts):
                t.text = part.group()
                if t.positions:
                    t.pos = pos + i
                if t.chars:
                    t.startchar = startchar + part.start()
                    t.endchar = startchar + part.end()
                yield t
            shift += len(parts) - 1


class CompoundMergeFilter(Filter):
    """At index time, also indexes a hyphenated word joined up: ez-Zor adds "ezzor".

    The joined token goes at the position of the first part and again at the last, so both
    "Deir Ezzor" and "Ezzor province" phrase-match "Deir ez-Zor province". Queries are
    never merged: a phrase query needs exactly one token per position. Runs of numbers
    (2011-2012) are not merged.
    """

    def __call__(self, tokens):
        group, parts = None, []
        for t in tokens:
            if t.mode != "index":
                yield t
                continue
            compound = getattr(t, "compound", None)
            if compound != group:
                yield from self._joined(parts)
                group, parts = compound, []
            # A word HyphenSplitFilter left whole has nothing to join: no copy to keep.
            if not t.stopped and getattr(t, "compound_parts", 2) > 1:
                parts.append(t.copy())
            yield t
        yield from self._joined(parts)

    @staticmethod
    def _joined(parts):
        if len(parts) < 2 or all(p.text.isdigit() for p in parts):
            return
        first, last = parts[0], parts[-1]
        joined = first.copy()
        joined.text = "".join(p.text for p in parts)
        if joined.chars:
            joined.endchar = last.endchar
        again = joined.copy()
        if joined.positions:
            again.pos = last.pos
        yield joined
        yield again


class _TokenTextFilter(Filter):
    """Replaces each token's text with ``transform(text)``; drops a token left empty.

    ``transform`` is pure and words recur, so results are kept in a per-instance dict (bounded by
    ``utils.remember``; left out of the pickle and of comparisons)."""

    CACHE_SIZE = 200_000

    def transform(self, text: str) -> str:
        raise NotImplementedError

    def __call__(self, tokens):
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = self._cache = {}
        transform = self.transform
        for t in tokens:
            text = t.text
            try:
                text = cache[text]
            except KeyError:
                text = remember(cache, text, transform(text), self.CACHE_SIZE)
            t.text = text
            if text:
                yield t

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_cache"}

    def __setstate__(self, state):
        self.__dict__.update(state or {})

    def __eq__(self, other):
        return type(self) is type(other) and self.__getstate__() == other.__getstate__()


class ArabicNormalizeFilter(_TokenTextFilter):
    """``normalize_arabic`` per token: الْحُكُومَة -> الحكومه, حـــلب -> حلب, ٢٠٢٣ -> 2023.

    Character offsets keep pointing at the original text, so highlights still work.
    """

    def transform(self, text: str) -> str:
        return normalize_arabic(text)


class LatinFoldFilter(_TokenTextFilter):
    """``fold_latin`` per token: casefolds, strips accents and apostrophes (Ḩimş -> hims)."""

    def transform(self, text: str) -> str:
        return fold_latin(text)


class CachedStemFilter(Filter):
    """Stems unstopped tokens not in ``ignore``, caching stems per instance.

    Whoosh's StemFilter cache (``lfu_cache``) is not safe when several threads search at
    once; a plain dict bounded by ``utils.remember`` is.
    """

    is_morph = True
    _unpickled = ("_cache",)

    def __init__(self, ignore=frozenset(), cachesize: int = 50_000):
        self.ignore = frozenset(ignore)
        self.cachesize = cachesize
        self._cache: dict[str, str] = {}

    def stem_word(self, word: str) -> str:
        raise NotImplementedError

    def stem(self, word: str) -> str:
        try:
            return self._cache[word]
        except KeyError:
            return remember(self._cache, word, self.stem_word(word), self.cachesize)

    def __call__(self, tokens):
        ignore = self.ignore
        for t in tokens:
            if not t.stopped and t.text not in ignore:
                t.text = self.stem(t.text)
            yield t

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._unpickled}

    def __setstate__(self, state):
        self.__init__(**state)

    def __eq__(self, other):
        return type(self) is type(other) and self.__getstate__() == other.__getstate__()


class Light10StemFilter(CachedStemFilter):
    """Arabic light stemming (``light10``) of normalised tokens: والمدينه -> مدين."""

    def stem_word(self, word: str) -> str:
        return light10(word)


class SnowballStemFilter(CachedStemFilter):
    """Snowball stemming through PyStemmer: conscripts, conscripted, conscription -> conscript.

    A PyStemmer object neither pickles nor may be shared between threads, so each thread
    creates its own on first use.
    """

    _unpickled = ("_cache", "_local")

    def __init__(self, language: str = "english", ignore=frozenset(), cachesize: int = 50_000):
        super().__init__(ignore, cachesize)
        self.language = language
        self._local = threading.local()

    def stem_word(self, word: str) -> str:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            import Stemmer  # PyStemmer

            stemmer = self._local.stemmer = Stemmer.Stemmer(self.language, 0)
        return stemmer.stemWord(word)


def _protected_tokens(names) -> frozenset[str]:
    """Names in the analyzers' token form: "Hamas" -> hamas, "حماة" -> حماه."""
    return frozenset(token for name in names for token in normalized_tokens(name))


def _surface_analyzer(drop_possessives: bool):
    """Tokens in ``normalize_text`` form; optionally without English possessives."""
    tokenizer = WordTokenizer()
    if drop_possessives:
        tokenizer = tokenizer | PossessiveFilter()
    return tokenizer | HyphenSplitFilter() | ArabicNormalizeFilter() | LatinFoldFilter()


def exact_analyzer():
    """Unstemmed, no stop words, for both scripts: the field that ranks highest.

    Possessives stay (Assad's -> assads) so that tokens equal ``normalized_tokens``.
    """
    return _surface_analyzer(drop_possessives=False) | CompoundMergeFilter()


def english_analyzer(protected=frozenset()):
    """English stop words and Snowball stems; ``protected`` names are never stemmed."""
    return (_surface_analyzer(drop_possessives=True) | StopFilter(ENGLISH_STOP_WORDS, minsize=1)
            | CompoundMergeFilter() | SnowballStemFilter("english", _protected_tokens(protected)))


def arabic_analyzer(protected=frozenset()):
    """Arabic stop words and Light10 stems; ``protected`` names (حماه, لبنان) are never stemmed."""
    return (_surface_analyzer(drop_possessives=True) | StopFilter(ARABIC_STOP_WORDS, minsize=1)
            | CompoundMergeFilter() | Light10StemFilter(_protected_tokens(protected)))


def analyze(analyzer, text: str, mode: str = "query") -> list[str]:
    """The terms ``analyzer`` makes of ``text``; mode="index" adds the merged compounds."""
    return [t.text for t in analyzer(text, mode=mode)]
