"""FreeDict's English–Arabic and Arabic–English dictionaries, read where they are installed.

Debian's ``dict-freedict-eng-ara`` and ``dict-freedict-ara-eng`` (GPL-2+, so read in place and never
copied into this package) put ``freedict-eng-ara.index`` and ``freedict-eng-ara.dict.dz`` where the
dictd packages keep their data. The query builder uses them for words the glossary lacks.

The dictd format
================

The ``.index`` file has one line per headword: ``headword TAB offset TAB length``, the two numbers
written in base64 digits (``A`` = 0 … ``/`` = 63, most significant first), pointing into the
``.dict`` file. ``.dict.dz`` is dictzip: gzip with a random-access table that any gzip reader
ignores, so the whole text is read once. Headwords starting ``00database`` are the dictionary's own
description. An entry there is its headword line, the headword as written and its pronunciation
(``Bread /bɹˈɛd/``), then its senses, one a line, numbered when there are several (``1. Chief``).
A sense may hold alternatives separated by commas, a gloss after `` - `` or in brackets; only
translations of a few words are kept (longer ones describe, they do not translate).

Lookup
======

A query token (``normalized_tokens``) matches a headword with the same normal form first ("prices"
-> الأسعار), else with the same key (``glossary.term_key``: Snowball stem for English, Light10 with
the glossary's guards for Arabic), shortest headword first, so "schools" finds school's entry and
ماء finds الماء's "water". Multi-word headwords are matched before single words.
"""
from __future__ import annotations

import gzip
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .arabic import ARABIC_MARKS, has_arabic
from .glossary import term_key
from .normalize import normalized_tokens
from .stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS

# Where the dictd packages install dictionaries (Debian and a local build), searched in this order.
DICTD_FOLDERS = (Path("/usr/share/dictd"), Path("/usr/local/share/dictd"))
# The dictionary that translates from each query language.
DICTIONARY_NAMES = {"en": "freedict-eng-ara", "ar": "freedict-ara-eng"}
MAX_HEADWORD_WORDS = 4
MAX_TRANSLATION_WORDS = 3

_BASE64 = {c: n for n, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}
_NUMBERED = re.compile(r"^\s*\d+\s*[.)]\s*")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_GLOSS = re.compile(r"\s[-–—:]\s.*$")  # "آها - فرقة بوب": what follows the dash explains
_ALTERNATIVES = re.compile(r"[,،;؛]")
_PRONUNCIATION = re.compile(r"\s+/[^/]*/?\s*$")
_MARKS = re.compile(f"[{ARABIC_MARKS}\u0640]")
_EDGE_PUNCTUATION = " \t.:!?\"'«»“”‘’"


@dataclass(frozen=True)
class DictdEntry:
    headwords: tuple[str, ...]  # as written ("الومّاض، المتعرّي" is two)
    translations: tuple[str, ...]  # best first, as the dictionary orders its senses


@dataclass(frozen=True)
class DictionaryMatch:
    start: int  # token offsets into the caller's list, end exclusive
    end: int
    translations: tuple[str, ...]  # entries for the form typed first, then those sharing its key


def decode_number(digits: str) -> int:
    """A dictd index number: base64 digits, most significant first."""
    number = 0
    for digit in digits:
        number = number * 64 + _BASE64[digit]
    return number


def read_dictd(index_path: Path, data_path: Path) -> Iterator[DictdEntry]:
    """Every entry of a dictd dictionary (``data_path``: ``.dict`` or dictzip ``.dict.dz``)."""
    opener = gzip.open if data_path.suffix == ".dz" else open
    with opener(data_path, "rb") as handle:
        data = handle.read()
    with index_path.open(encoding="utf-8") as index:
        for line in index:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or parts[0].startswith("00database"):
                continue
            try:
                start, length = decode_number(parts[1]), decode_number(parts[2])
            except KeyError:
                continue  # not base64 digits: a damaged line is skipped, not the dictionary
            entry = parse_entry(data[start:start + length].decode("utf-8", errors="replace"))
            if entry is not None:
                yield entry


def parse_entry(text: str) -> DictdEntry | None:
    """An entry's headwords and translations; None when it has neither."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    headwords = _alternatives(_PRONUNCIATION.sub("", lines[0]))
    translations: list[str] = []
    for line in lines[1:]:
        translations += _alternatives(_GLOSS.sub("", _BRACKETED.sub(" ", _NUMBERED.sub("", line))))
    translations = [t for t in dict.fromkeys(translations) if len(t.split()) <= MAX_TRANSLATION_WORDS]
    if not headwords or not translations:
        return None
    return DictdEntry(tuple(headwords), tuple(translations))


def _alternatives(text: str) -> list[str]:
    """The comma-separated parts of ``text``, without diacritics or edge punctuation."""
    parts = (" ".join(_MARKS.sub("", part).split()).strip(_EDGE_PUNCTUATION) for part in _ALTERNATIVES.split(text))
    return [part for part in parts if part and any(character.isalpha() for character in part)]


class _Direction:
    """Lookup tables of one dictionary: normal form -> translations, key -> translations."""

    def __init__(self, entries: Iterable[DictdEntry]):
        by_form: dict[tuple[str, ...], list[str]] = {}
        keyed: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []  # (length, key, translations)
        self.headwords = 0
        for entry in entries:
            self.headwords += 1
            for headword in entry.headwords:
                form = tuple(normalized_tokens(headword))
                if not form or len(form) > MAX_HEADWORD_WORDS:
                    continue
                by_form.setdefault(form, []).extend(entry.translations)
                keyed.append((len(headword), term_key(headword), entry.translations))
        by_key: dict[tuple[str, ...], list[str]] = {}
        for _length, key, translations in sorted(keyed, key=lambda item: item[0]):  # shortest headword first
            if key:
                by_key.setdefault(key, []).extend(translations)
        self.by_form = {form: tuple(dict.fromkeys(found)) for form, found in by_form.items()}
        self.by_key = {key: tuple(dict.fromkeys(found)) for key, found in by_key.items()}
        self.longest = max((len(form) for form in self.by_form), default=0)

    def translations(self, tokens: list[str]) -> tuple[str, ...]:
        exact = self.by_form.get(tuple(tokens), ())
        stemmed = self.by_key.get(term_key(" ".join(tokens)), ())
        return tuple(dict.fromkeys(exact + stemmed))


class BilingualDictionary:
    """The installed dictionaries of one folder, loaded on first use (about two seconds)."""

    def __init__(self, folder: Path, files: dict[str, tuple[Path, Path]]):
        self.folder = folder
        self.files = files  # query language -> (index path, data path)
        self._directions: dict[str, _Direction] | None = None
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return [DICTIONARY_NAMES[language] for language in self.files]

    def _loaded(self) -> dict[str, _Direction]:
        if self._directions is None:
            with self._lock:
                if self._directions is None:
                    self._directions = {language: _Direction(read_dictd(*paths))
                                        for language, paths in self.files.items()}
        return self._directions

    def headwords(self) -> dict[str, int]:
        return {DICTIONARY_NAMES[language]: direction.headwords for language, direction in self._loaded().items()}

    def translations(self, text: str) -> tuple[str, ...]:
        """The translations of one word or phrase, best first (empty when the dictionary lacks it)."""
        tokens = normalized_tokens(text)
        direction = self._loaded().get("ar" if has_arabic(text) else "en")
        return direction.translations(tokens) if direction and tokens else ()

    def find(self, tokens: list[str], taken: list[bool] | None = None) -> list[DictionaryMatch]:
        """Dictionary entries for the untaken content words of a query, longest first from the left.

        ``tokens`` are ``normalized_tokens``; a span never crosses a taken token or a change of script,
        and a single stop word or a word with a digit is never looked up."""
        taken = taken or [False] * len(tokens)
        directions = self._loaded()
        found: list[DictionaryMatch] = []
        start = 0
        while start < len(tokens):
            match = None
            if not taken[start] and _translatable(tokens[start]):
                direction = directions.get("ar" if has_arabic(tokens[start]) else "en")
                if direction is not None:
                    match = _longest_at(direction, tokens, taken, start)
            if match is None:
                start += 1
                continue
            found.append(match)
            start = match.end
        return found


def _longest_at(direction: _Direction, tokens: list[str], taken: list[bool], start: int) -> DictionaryMatch | None:
    script = has_arabic(tokens[start])
    end = start
    while (end < len(tokens) and end - start < direction.longest and not taken[end]
           and has_arabic(tokens[end]) == script):
        end += 1
    for stop in range(end, start, -1):
        span = tokens[start:stop]
        if len(span) == 1 and not _translatable(span[0]):
            continue
        translations = direction.translations(span)
        if translations:
            return DictionaryMatch(start, stop, translations)
    return None


def _translatable(token: str) -> bool:
    return (len(token) > 1 and not any(character.isdigit() for character in token)
            and token not in ENGLISH_STOP_WORDS and token not in ARABIC_STOP_WORDS)


def find_dictionary_files(folder: Path) -> dict[str, tuple[Path, Path]]:
    """Query language -> (index, data) of the FreeDict dictionaries present in ``folder``."""
    files = {}
    for language, name in DICTIONARY_NAMES.items():
        index = folder / f"{name}.index"
        data = next((path for path in (folder / f"{name}.dict.dz", folder / f"{name}.dict") if path.is_file()), None)
        if index.is_file() and data is not None:
            files[language] = (index, data)
    return files


_opened: dict[Path, BilingualDictionary] = {}
_opened_lock = threading.Lock()


def open_dictionary(setting: Path | str = "auto") -> BilingualDictionary | None:
    """The dictionary a ``SEARCH_APP_DICTIONARY_DIR`` value names: ``auto`` (the first dictd folder
    holding one), ``off``, or a folder; None when there is none. One instance per folder, so it
    loads once per process."""
    if setting == "off":
        return None
    folders = DICTD_FOLDERS if setting == "auto" else (Path(setting),)
    for folder in folders:
        files = find_dictionary_files(folder)
        if files:
            with _opened_lock:
                if folder not in _opened:
                    _opened[folder] = BilingualDictionary(folder, files)
                return _opened[folder]
    return None
