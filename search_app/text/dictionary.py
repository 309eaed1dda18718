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

The compiled file
=================

Reading and normalising both dictionaries costs seconds of CPU, so the lookup tables are compiled
once into a SQLite file in the cache folder (``dictionary-<key>.sqlite3``), opened read-only
by every later process: a lookup reads only the query's words. The key digests the compiled
format, the dictd files' paths, sizes and modification times, and the name tables' fingerprint
of the package, Python and the stemmer, so an upgraded dictionary package or changed code
compiles a new file. Operator commands compile it ahead; a searching process that finds none writes one
when it can, and otherwise builds the tables in memory, as before.
"""
from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator


from ..utils import remember
from .arabic import ARABIC_MARKS, has_arabic
from .glossary import term_key
from .normalize import normalized_tokens
from .stopwords import ARABIC_STOP_WORDS, ENGLISH_STOP_WORDS
from .table_cache import fingerprint

# Where the dictd packages install dictionaries (Debian and a local build), searched in this order.
DICTD_FOLDERS = (Path("/usr/share/dictd"), Path("/usr/local/share/dictd"))
# The dictionary that translates from each query language.
DICTIONARY_NAMES = {"en": "freedict-eng-ara", "ar": "freedict-ara-eng"}
MAX_HEADWORD_WORDS = 4
MAX_TRANSLATION_WORDS = 3
COMPILED_FORMAT = 1  # the compiled file's layout; a new number compiles a new file
COMPILED_PREFIX = "dictionary-"
LOOKUPS_KEPT = 100_000  # compiled-file answers kept per table and process (words -> a few translations)

log = logging.getLogger(__name__)

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
    """Lookup tables of one dictionary: normal form -> translations, key -> translations. The tables
    are dicts, or a compiled file's tables read through the same ``get``."""

    def __init__(self, by_form, by_key, headwords: int, longest: int):
        self.by_form = by_form
        self.by_key = by_key
        self.headwords = headwords
        self.longest = longest

    @classmethod
    def from_entries(cls, entries: Iterable[DictdEntry]) -> "_Direction":
        by_form: dict[tuple[str, ...], list[str]] = {}
        keyed: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []  # (length, key, translations)
        headwords = 0
        for entry in entries:
            headwords += 1
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
        return cls({form: tuple(dict.fromkeys(found)) for form, found in by_form.items()},
                   {key: tuple(dict.fromkeys(found)) for key, found in by_key.items()},
                   headwords, max((len(form) for form in by_form), default=0))

    def translations(self, tokens: list[str]) -> tuple[str, ...]:
        exact = self.by_form.get(tuple(tokens), ())
        stemmed = self.by_key.get(term_key(" ".join(tokens)), ())
        return tuple(dict.fromkeys(exact + stemmed))


class BilingualDictionary:
    """The installed dictionaries of one folder, loaded on first use: from the compiled file in
    ``cache_dir`` when there is one (milliseconds), else read and normalised (seconds of CPU) and
    compiled there for later processes when ``cache_dir``'s parent (the data folder) is writable."""

    def __init__(self, folder: Path, files: dict[str, tuple[Path, Path]], cache_dir: Path | None = None):
        self.folder = folder
        self.files = files  # query language -> (index path, data path)
        self.cache_dir = cache_dir
        self.compiled: Path | None = None  # the compiled file the lookups read, once loaded from one
        self._directions: dict[str, _Direction] | None = None
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return [DICTIONARY_NAMES[language] for language in self.files]

    def _loaded(self) -> dict[str, _Direction]:
        if self._directions is None:
            with self._lock:
                if self._directions is None:
                    self._directions = self._load()
        return self._directions

    def _load(self) -> dict[str, _Direction]:
        path = compiled_path(self.cache_dir, self.files) if self.cache_dir else None
        directions = _open_compiled(path) if path and path.is_file() else None
        if directions is not None:
            self.compiled = path
            return directions
        directions, read_here = _read_tables(self.files)
        if path and read_here:  # written once per process at most: the next process opens it
            try:
                write_compiled(path, directions)
            except (OSError, sqlite3.Error) as error:  # a read-only data folder: in memory, as before
                log.info("bilingual dictionary not compiled into %s: %s", path.parent, error)
        return directions

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


# Query language -> tables read from the dictd files, by compiled key: one reading per process, shared
# by every data folder (tests open many).
_read: dict[str, dict[str, _Direction]] = {}
_read_lock = threading.Lock()


def _read_tables(files: dict[str, tuple[Path, Path]]) -> tuple[dict[str, _Direction], bool]:
    """The tables of ``files`` read from the dictd files, and whether this call read them."""
    key = compiled_key(files)
    with _read_lock:
        if key in _read:
            return _read[key], False
        _read[key] = {language: _Direction.from_entries(read_dictd(*paths)) for language, paths in files.items()}
        return _read[key], True


def compiled_key(files: dict[str, tuple[Path, Path]]) -> str:
    """What the compiled tables depend on: their format, the dictd files (path, size, mtime), and the
    code and libraries behind normal forms and keys (the name tables' fingerprint of the package,
    Python and PyStemmer)."""
    digest = hashlib.sha256(f"{COMPILED_FORMAT}|{fingerprint()}".encode())
    for language, paths in sorted(files.items()):
        for path in paths:
            stat = path.stat()
            digest.update(f"|{language}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


def compiled_path(cache_dir: Path, files: dict[str, tuple[Path, Path]]) -> Path:
    return cache_dir / f"{COMPILED_PREFIX}{compiled_key(files)}.sqlite3"


def _words(words: tuple[str, ...]) -> str:
    return " ".join(words)  # normal forms and keys hold no spaces


def write_compiled(path: Path, directions: dict[str, _Direction]) -> None:
    """Write the tables to ``path`` atomically (a concurrent reader sees no file or the whole file),
    then remove compiled files of other keys (an older dictionary or code)."""
    path.parent.mkdir(exist_ok=True)  # the cache folder, not the data folder: that is the operator's
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        db = sqlite3.connect(partial)
        try:
            db.execute("PRAGMA journal_mode=OFF")  # a temporary file: a crash leaves it unrenamed
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            for table in ("by_form", "by_key"):
                db.execute(f"CREATE TABLE {table} (language TEXT, words TEXT, translations TEXT NOT NULL, "
                           "PRIMARY KEY (language, words)) WITHOUT ROWID")
            meta = {"format": str(COMPILED_FORMAT), "languages": " ".join(directions)}
            for language, direction in directions.items():
                meta |= {f"{language}.headwords": str(direction.headwords), f"{language}.longest": str(direction.longest)}
                for table, rows in (("by_form", direction.by_form), ("by_key", direction.by_key)):
                    db.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",  # translations hold no line breaks
                                   ((language, _words(words), "\n".join(found)) for words, found in rows.items()))
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.commit()
        finally:
            db.close()
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    for stale in path.parent.glob(f"{COMPILED_PREFIX}*.sqlite3"):
        if stale != path:
            stale.unlink(missing_ok=True)


class _CompiledTable:
    """One table of a compiled file, read like the dict it was written from (words -> translations)."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock, table: str, language: str):
        self._db, self._lock, self._language = db, lock, language
        self._select = f"SELECT translations FROM {table} WHERE language = ? AND words = ?"
        self._found: dict[tuple[str, ...], tuple[str, ...]] = {}  # a query tries each span: half the parse

    def get(self, words: tuple[str, ...], default: tuple[str, ...] = ()) -> tuple[str, ...]:
        found = self._found.get(words)
        if found is None:
            with self._lock:  # one connection shared by the web's threads
                row = self._db.execute(self._select, (self._language, _words(words))).fetchone()
            found = remember(self._found, words, tuple(row[0].split("\n")) if row else (), LOOKUPS_KEPT)
        return found or default


def _open_compiled(path: Path) -> dict[str, _Direction] | None:
    """The tables of a compiled file, or None when it cannot be read or has another format."""
    db = None
    try:
        # immutable: a compiled file is never changed after its rename, so no locks and no journal
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        meta = dict(db.execute("SELECT name, value FROM meta"))
        if meta.get("format") != str(COMPILED_FORMAT):
            raise ValueError(f"format {meta.get('format')}, not {COMPILED_FORMAT}")
        lock = threading.Lock()
        return {language: _Direction(_CompiledTable(db, lock, "by_form", language),
                                     _CompiledTable(db, lock, "by_key", language),
                                     int(meta[f"{language}.headwords"]), int(meta[f"{language}.longest"]))
                for language in meta["languages"].split()}
    except (sqlite3.Error, KeyError, ValueError) as error:
        if db is not None:
            db.close()
        log.warning("ignoring the compiled bilingual dictionary %s: %s", path, error)
        return None


def compile_dictionary(setting: Path | str, cache_dir: Path) -> Path | None:
    """Compile the dictionary a ``SEARCH_APP_DICTIONARY_DIR`` value names into ``cache_dir`` unless
    it is there already (what operator commands run, so no search waits for it); its path, or None
    when there is no dictionary."""
    folder = _dictionary_folder(setting)
    if folder is None:
        return None
    files = find_dictionary_files(folder)
    path = compiled_path(cache_dir, files)
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_compiled(path, _read_tables(files)[0])
    return path


def _dictionary_folder(setting: Path | str) -> Path | None:
    if setting == "off":
        return None
    folders = DICTD_FOLDERS if setting == "auto" else (Path(setting),)
    return next((folder for folder in folders if find_dictionary_files(folder)), None)


_opened: dict[tuple[Path, Path | None], BilingualDictionary] = {}
_opened_lock = threading.Lock()


def open_dictionary(setting: Path | str = "auto", cache_dir: Path | None = None) -> BilingualDictionary | None:
    """The dictionary a ``SEARCH_APP_DICTIONARY_DIR`` value names: ``auto`` (the first dictd folder
    holding one), ``off``, or a folder; None when there is none. Its compiled file is looked for
    in ``cache_dir`` (without one, the tables are built in memory). One instance per folder and
    cache folder, so it loads once per process."""
    folder = _dictionary_folder(setting)
    if folder is None:
        return None
    with _opened_lock:
        if (folder, cache_dir) not in _opened:
            _opened[(folder, cache_dir)] = BilingualDictionary(folder, find_dictionary_files(folder), cache_dir)
        return _opened[(folder, cache_dir)]
