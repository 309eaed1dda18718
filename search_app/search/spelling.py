"""Spelling correction of query words, decided word by word before searching.

A typed word is a *candidate* for correction only when nothing would find it as it is:

* it is a plain word (not a phrase, a fielded term, an operator, a prefix ``word*`` or an excluded
  ``-word``), of at least ``MIN_LETTERS`` letters, without digits, and not in capitals (acronyms);
* no document has its normalised form (the exact field). When its stem is in the English or
  Arabic fields, the typed word does find something: it stands when its correction has the same
  stem (``conscripted`` -> conscript, ``unitted`` -> unit as united), else the correction is only
  suggested (``operaation`` -> opera, not operation's stem);
* it is not a place or actor name of the gazetteer (any spelling, either script), a glossary
  term, or a name or term the query matcher recognises (``Aleppo's``, ``والتجنيد``);
* it is not a proper word of its language: pyspellchecker's English and Arabic frequency lists
  (British spellings as American; Arabic compared normalised, also without a clitic and the
  article, an attached pronoun or tanween, or by its Light10 stem). English words at the list's
  floor frequency are mostly rare words and foreign names (``Palmira``): they may only become a
  gazetteer or actor name one edit away.

Its correction is the nearest word, by optimal-string-alignment distance (a transposition is one
edit: ``chemcial`` -> ``chemical``), among the gazetteer and actor names, the glossary terms and
the words of the index (in at least ``MIN_CANDIDATE_DOCS`` documents, so the archive's own typos
are not offered): one edit keeping the first letter, else one edit anywhere, else (from seven
letters) two edits keeping the first letter; among equals, the word in more documents. A
four-letter word may only become a place or actor name (not a common word such as camp or
western), one edit away; so may a capitalised word outside the dictionary (Beattie, Calum: names
more often than typos), which is otherwise only offered its correction, unless that is a common
word with two neighbouring letters swapped (``Chemcial`` is searched as ``Chemical``: a slip of
the fingers names seldom are). Whether the corrected query is searched instead of the typed one
is ``SpellingDecision``'s choice, the same for every backend.

A word the index does know, but only in a document or two, is the archive's own typo more often
than not (``Damscus``): its correction is only *suggested*, when the nearest name or word is in
``DOMINANCE`` times as many documents.

The vocabulary (a generation's exact-field lexicon, bucketed by script, length and first letter)
is read once per index generation, on the first word that needs it; the dictionaries once per
process.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Generic, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from spellchecker import SpellChecker

from ..enrich.matcher import find_mentions
from ..enrich.names import actor_entities, place_entities
from ..text.arabic import ARABIC_CLITICS, TOKEN_PATTERN, arabic_letter_count, has_arabic, light10, normalize_arabic
from ..text.glossary import all_concepts, find_concepts
from ..text.normalize import normalized_tokens
from .query import ITEM_PATTERN, MAX_CONCEPTS, MAX_QUERY_CHARS, ParsedQuery

MIN_LETTERS = 4  # shorter words (Hms, Dam) have too many neighbours one edit away
MIN_CANDIDATE_DOCS = 3  # an index word offered as a correction is in at least this many documents
RARE_DOCS = 2  # a known word in at most this many documents may be the archive's typo
DOMINANCE = 20  # ... and is only worth a suggestion when its correction is this much more frequent
LONG_WORD = 7  # from this length two edits are allowed
SWAP_LETTERS = 6  # from this length a capitalised word may be a common word's swapped letters (not Palin)
DICTIONARY_FLOOR = 50  # pyspellchecker's frequency for words it lists without counting them
COMMON_WORD = 1000  # a name word English uses more than this is a common word (camp, army, sham)
OPERATORS = frozenset({"OR", "AND", "NOT"})
_RAW_TOKEN = re.compile(TOKEN_PATTERN)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Spelling:
    """Corrections of one query. ``corrected``: the text with every word no document has replaced
    (None when there is none); ``suggested``: also with the archive's rare typos replaced."""
    corrected: str | None
    suggested: str | None
    words: tuple[tuple[str, str], ...] = ()  # (typed, replacement), for display and tests


NO_SPELLING = Spelling(None, None)


@dataclass(frozen=True)
class _Fix:
    replacement: str
    automatic: bool  # no document has the typed word: search the replacement instead


class Speller:
    """Corrects query words against one index generation's vocabulary and the reference names.

    One per generation; ``correct`` takes the calling thread's reader, since Whoosh readers are
    not shared between threads."""

    def __init__(self, schema):
        self.schema = schema
        self._proper_names: frozenset[str] | None = None
        self._buckets: dict[tuple, list[str]] | None = None
        self._lock = threading.Lock()

    @property
    def reference(self) -> dict[str, str]:
        # Read on the first rare word (most queries have none): a tenth of a second of cold start.
        return reference_words()

    def buckets(self, reader) -> dict[tuple, list[str]]:
        """Every candidate word by (is Arabic, length), and by (is Arabic, length, first letter)
        for two-edit corrections: read on the first word that needs one (the lexicon of a large
        index takes a second), then kept for the generation."""
        if self._buckets is None:
            with self._lock:
                if self._buckets is None:
                    words = set(self.reference)
                    words.update(text for text in (raw.decode("utf-8") for raw in reader.lexicon("exact"))
                                 if len(text) >= 3 and not _DIGIT.search(text))
                    buckets: dict[tuple, list[str]] = {}
                    for word in words:
                        buckets.setdefault((has_arabic(word), len(word)), []).append(word)
                        buckets.setdefault((has_arabic(word), len(word), word[0]), []).append(word)
                    self._buckets = buckets
        return self._buckets

    # -- a query ----------------------------------------------------------------------------

    def correct(self, text: str, reader) -> Spelling:
        """The corrected and suggested forms of ``text`` (only its plain words change)."""
        pieces, fixes, last = [], [], 0
        for start, end, word in _plain_words(text):
            fix = self.fix_word(word, reader)
            if fix is None:
                continue
            pieces.append((start, end, fix))
            fixes.append((word, fix.replacement))
        if not pieces:
            return NO_SPELLING
        corrected, suggested = [], []
        for start, end, fix in pieces:
            corrected += [text[last:start], fix.replacement if fix.automatic else text[start:end]]
            suggested += [text[last:start], fix.replacement]
            last = end
        corrected_text = "".join(corrected) + text[last:]
        suggested_text = "".join(suggested) + text[last:]
        return Spelling(corrected_text if corrected_text != text else None, suggested_text, tuple(fixes))

    # -- a word -----------------------------------------------------------------------------

    def fix_word(self, word: str, reader) -> _Fix | None:
        """The correction of one typed word, or None when it stands as typed."""
        tokens = normalized_tokens(word)
        if len(tokens) != 1 or not self._correctable(tokens[0]):
            return None
        token = tokens[0]
        docs = reader.doc_frequency("exact", token)
        if docs > RARE_DOCS or token in self.reference or _recognised(word, token):
            return None
        if word.isupper() and not has_arabic(word):  # an acronym (DARPA, MAGA), not a misspelling
            return None
        proper = dictionary_frequency(token)
        if proper and proper > DICTIONARY_FLOOR:
            return None
        best, suggest_only = self._best_replacement(
            word, token, reader, names_only=bool(proper) or bool(docs) or len(token) <= MIN_LETTERS)
        if best is None:
            return None
        replacement, replacement_docs = best
        if docs and replacement_docs < DOMINANCE * docs:
            return None
        return self._fix(word, token, replacement, docs, suggest_only, reader)

    def _best_replacement(self, word: str, token: str, reader,
                          names_only: bool) -> tuple[tuple[str, int] | None, bool]:
        """(the nearest word and its documents or None, whether it may only be suggested).

        A four-letter word has too many neighbours one edit away: it may only become a place or
        actor name (Idlb is Idlib); so may a word that is in the dictionary or the index. A
        capitalised word not in the dictionary is more often a person's or a foreign name (Beattie,
        Calum) than a misspelt common word: it becomes a place or actor, or else is only offered
        the common word (Calum, calm), unless it is that word with two neighbouring letters
        swapped (Chemcial, typed first as a phone capitalises it)."""
        capitalised = word[:1].isupper() and not has_arabic(token)
        best = self._nearest(token, reader, names_only=names_only or capitalised)
        if best is None and capitalised and not names_only:
            common = self._nearest(token, reader, names_only=False)
            return common, common is None or not _swapped_neighbours(token, common[0])
        return best, False

    def _fix(self, word: str, token: str, replacement: str, docs: int, suggest_only: bool, reader) -> _Fix | None:
        """``replacement`` as the fix of ``word``: applied when what was typed finds nothing,
        else offered; none when the word is found through its stem as the replacement is."""
        stems = self._stems(token)
        if not docs and self._stem_known(stems, reader):
            # Found through its stem: "conscripted" (conscript) stands; "unitted" (unit, as
            # "united") finds what its correction would; "operaation" (opera) is only offered
            # "operation", since what was typed does find something.
            if stems & self._stems(replacement):
                return None
            return _Fix(_display(replacement, word, self.reference), automatic=False)
        return _Fix(_display(replacement, word, self.reference), automatic=not docs and not suggest_only)

    def proper_names(self) -> frozenset[str]:
        """Words of place and actor names that are not common English words: Idlib, Damascus,
        حلب; not Camp (Yarmouk Camp), Plain or Western, which a foreign name is more often near."""
        if self._proper_names is None:
            self._proper_names = frozenset(word for word in name_words() if has_arabic(word)
                                           or dictionary_frequency(word) <= COMMON_WORD)
        return self._proper_names

    @staticmethod
    def _correctable(token: str) -> bool:
        letters = arabic_letter_count(token) if has_arabic(token) else len(token)
        return letters >= MIN_LETTERS and not _DIGIT.search(token) and token.isalpha()

    def _stems(self, token: str) -> set[tuple[str, str]]:
        """(field, term) of ``token`` in its script's stemmed fields."""
        fields = ("title_ar", "body_ar") if has_arabic(token) else ("title_en", "body_en")
        return {(fieldname, t.text) for fieldname in fields
                for t in self.schema[fieldname].analyzer(token, mode="query")}

    @staticmethod
    def _stem_known(stems: set[tuple[str, str]], reader) -> bool:
        return any(reader.doc_frequency(fieldname, stem) for fieldname, stem in stems)

    def _nearest(self, token: str, reader, names_only: bool) -> tuple[str, int] | None:
        """(word, documents) nearest to ``token`` among names, terms and index words, or None.
        ``names_only``: a single edit towards a place or actor name only."""
        most = 1 if names_only or len(token) < LONG_WORD else 2
        arabic = has_arabic(token)
        buckets = self.buckets(reader)
        # One edit keeping the first letter (people seldom mistype it, and these buckets are a
        # twentieth of the words), then one edit anywhere, then two keeping the first letter.
        passes = [(1, True), (1, False)] + ([(2, True)] if most == 2 else [])
        for edits, same_initial in passes:
            found: list[tuple[int, str]] = []
            for length in range(len(token) - edits, len(token) + edits + 1):
                key = (arabic, length, token[0]) if same_initial else (arabic, length)
                for choice, distance, _ in process.extract(token, buckets.get(key, ()), scorer=OSA.distance,
                                                           score_cutoff=edits, limit=None):
                    if distance != edits or (names_only and choice not in self.proper_names()):
                        continue
                    docs = reader.doc_frequency("exact", choice)
                    if docs >= (1 if choice in self.reference else MIN_CANDIDATE_DOCS):
                        found.append((-docs, choice))
            if found:
                minus_docs, choice = min(found)
                return choice, -minus_docs
        return None


Matches = TypeVar("Matches")


@dataclass(frozen=True)
class Understood(Generic[Matches]):
    """What a search searches: the parse (of the query as typed, or of its spelling correction),
    the query searched (that parse's, or its any-concept form when no story has every concept:
    ``relaxed``), what the backend's ``matching`` made of it (the engine's match mask, reused for
    the page) and the spelling to show (``corrected`` only when the correction is what is searched)."""
    parsed: ParsedQuery
    query: Any  # a whoosh query, or None for a browse
    matches: Matches
    spelling: Spelling
    relaxed: bool = False


@dataclass(frozen=True)
class SpellingDecision(Generic[Matches]):
    """The one choice, for every backend, between the query as typed and its spelling correction,
    and of the did-you-mean. A backend supplies how to parse a text, correct its words, and find a
    query's matches: ``matching`` makes of a query what the backend keeps (the engine's mask; by
    default the query itself, for a backend that only counts), ``finds`` says whether that is anything."""
    parse: Callable[[str], ParsedQuery]
    correct: Callable[[str], Spelling]
    finds: Callable[[Matches], bool]
    matching: Callable[[Any], Matches] = lambda query: query

    def understand(self, text: str, spell: bool = True) -> Understood[Matches]:
        """The query as typed, or its spelling correction when some word of it is in no document,
        the typed query finds nothing and the correction finds something (``spell=False`` turns
        this off); then, when the chosen query finds nothing, its any-concept form."""
        typed = self.parse(text)
        matches = self.matching(typed.query)
        if not text.strip():
            return Understood(typed, typed.query, matches, NO_SPELLING)
        spelling = self.correct(text)
        if self.finds(matches):  # found as typed: only the archive's rare typos may earn a did-you-mean
            offered = Spelling(None, None if spelling.corrected else spelling.suggested, spelling.words)
            return Understood(typed, typed.query, matches, offered)
        if spell and spelling.corrected:
            corrected = self._found(self.parse(spelling.corrected), spelling)
            if corrected is not None:
                return corrected
        offered = Spelling(None, spelling.suggested, spelling.words)
        if typed.relaxed_query is not None:  # no story has every concept: those with some, and say so
            return Understood(typed, typed.relaxed_query, self.matching(typed.relaxed_query), offered, relaxed=True)
        return Understood(typed, typed.query, matches, offered)

    def _found(self, parsed: ParsedQuery, spelling: Spelling) -> Understood[Matches] | None:
        """The correction's query, or its any-concept form, whichever first finds something; or None."""
        matches = self.matching(parsed.query)
        if self.finds(matches):
            return Understood(parsed, parsed.query, matches, spelling)
        if parsed.relaxed_query is not None:
            relaxed = self.matching(parsed.relaxed_query)
            if self.finds(relaxed):
                return Understood(parsed, parsed.relaxed_query, relaxed, spelling, relaxed=True)
        return None

    def suggestion(self, text: str, spelling: Spelling) -> str | None:
        """Did-you-mean, when no correction was searched instead: the query with its misspelt words
        (and the archive's rare typos, ``Damscus``) corrected, offered when that finds something."""
        suggested = spelling.suggested
        if spelling.corrected or not suggested or suggested == text:
            return None
        return suggested if self.finds(self.matching(self.parse(suggested).query)) else None


def _plain_words(text: str):
    """(start, end, word) of each plain word of the query, as the query parser reads it: not in
    a phrase, not fielded, not excluded, not an operator or a prefix search."""
    negate_next = False
    count = 0
    for match in ITEM_PATTERN.finditer(text[:MAX_QUERY_CHARS]):
        word = match["word"]
        negated, negate_next = bool(match["neg"]) or negate_next, False
        if word is None or match["field"] or count >= MAX_CONCEPTS:
            continue
        count += 1
        if word == "NOT":
            negate_next = True
        if negated or word in OPERATORS or "*" in word:
            continue
        raw = list(_RAW_TOKEN.finditer(word))
        if len(raw) == 1:  # "Alepo," -> just the word; "ez-Zor" and "Dar'a" are left alone
            yield match.start("word") + raw[0].start(), match.start("word") + raw[0].end(), raw[0].group()


def _swapped_neighbours(token: str, word: str) -> bool:
    """``word`` is a common word of the dictionary and ``token`` is it with two neighbouring letters
    swapped, its first kept (chemcial, chemical): a slip of the fingers that a name seldom is, from
    six letters (Palin is not Plain). Of the 5,900 words of an index of FA-KES, the Arabic news and
    UCDP that are neither dictionary nor gazetteer words (mostly names), 14 are such a swap of a
    common word, all the archive's own typos (civilains, westren); 1,983 are one edit of some sort
    from a word of the index. No word of NTREX's English is searched as another by this."""
    return (len(token) >= SWAP_LETTERS and token[:1] == word[:1] and OSA.distance(token, word) == 1
            and Levenshtein.distance(token, word) == 2 and dictionary_frequency(word) > DICTIONARY_FLOOR)


def _recognised(word: str, token: str) -> bool:
    """A name or glossary term the query parser would recognise as typed (clitics, plurals...)."""
    return bool(find_concepts([token])) or bool(find_mentions(word, for_query=True))


def _display(replacement: str, typed: str, reference: dict[str, str]) -> str:
    """The replacement as it reads: the reference spelling for Arabic (حماة, not the normalised
    حماه), the typed word's capital for Latin (Alepo -> Aleppo)."""
    if has_arabic(replacement):
        return reference.get(replacement, replacement)
    return replacement[:1].upper() + replacement[1:] if typed[:1].isupper() else replacement


@lru_cache(maxsize=1)
def name_words() -> dict[str, str]:
    """Normalised token -> how it is written, for every word of every place and actor name."""
    return _words([name for entities in (place_entities(), actor_entities()) for entity in entities.values()
                   for name in entity.names_en + entity.names_ar])


@lru_cache(maxsize=1)
@lru_cache(maxsize=None)
def reference_words() -> dict[str, str]:
    """Normalised token -> how it is written, for every word of every gazetteer and actor name
    (all spellings, both scripts) and every glossary term."""
    terms = [term for concept in all_concepts() for term in concept.en + concept.ar]
    return {**_words(terms), **name_words()}


def _words(names: list[str]) -> dict[str, str]:
    words: dict[str, str] = {}
    for name in names:
        tokens = normalized_tokens(name)
        raw = _RAW_TOKEN.findall(name)
        for position, token in enumerate(tokens):
            written = raw[position] if len(raw) == len(tokens) else token
            words.setdefault(token, written)
    return words


@lru_cache(maxsize=None)
def _english() -> dict[str, int]:
    return dict(SpellChecker(language="en", distance=1).word_frequency.dictionary)


@lru_cache(maxsize=None)
def _arabic() -> tuple[frozenset[str], frozenset[str]]:
    """Arabic words (normalised) and their Light10 stems: the Arabic list has few inflected forms
    (حقولهم, الممسوحة), so a word whose stem is a listed word's is a word too."""
    words = frozenset(normalize_arabic(word) for word in
                      SpellChecker(language="ar", distance=1).word_frequency.dictionary)
    return words, frozenset(light10(word) for word in words)


# Attached pronouns Light10 leaves on (حقولهم "their fields", اعتمادهم), the accusative alef of
# tanween (صمودا) and the construct plural's waw (مزارعو).
_PRONOUN_SUFFIXES = ("هما", "هم", "هن", "كم", "كن", "نا", "ها", "ه", "ك", "ي", "ا", "و")
_BRITISH = ((re.compile(r"our(s|ed|ing)?$"), r"or\1"), (re.compile(r"is(e|es|ed|ing|ation|ations)$"), r"iz\1"),
            (re.compile(r"yse(s|d)?$"), r"yze\1"), (re.compile(r"(?<=[bt])re(s)?$"), r"er\1"))


def _american_forms(token: str) -> list[str]:
    """``token`` and its American spellings: neighbour -> neighbor, recognises -> recognizes."""
    return [token] + [pattern.sub(replacement, token) for pattern, replacement in _BRITISH if pattern.search(token)]


def dictionary_frequency(token: str) -> int:
    """How common ``token`` is as a word of its language: pyspellchecker's count for English
    (``DICTIONARY_FLOOR`` for listed rare words), ``DICTIONARY_FLOOR + 1`` for an Arabic word
    (alone, after a clitic and the article, وبالتجنيد, without a pronoun suffix, حقولهم, or by
    its stem), 0 for no word. British spellings count as their American form (the list's)."""
    if not has_arabic(token):
        english = _english()
        return max(english.get(form, 0) for form in _american_forms(token))
    arabic, arabic_stems = _arabic()
    forms = [token] + [token[len(clitic):] for clitic in ARABIC_CLITICS if token.startswith(clitic)]
    forms += [form[:-len(suffix)] for form in forms for suffix in _PRONOUN_SUFFIXES
              if form.endswith(suffix) and len(form) - len(suffix) >= 3]
    forms += ["ال" + form for form in forms if not form.startswith("ال")]
    known = any(form in arabic or light10(form) in arabic_stems for form in forms if len(form) >= 2)
    return DICTIONARY_FLOOR + 1 if known else 0
