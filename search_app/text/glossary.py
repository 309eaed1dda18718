"""Bilingual glossary of conflict-reporting vocabulary and a query-side matcher.

The data lives in ``search_app/reference/glossary.json``: about 340 concepts
(airstrike, detention, displacement, bread, sanctions ...), each with English
and Arabic surface terms. :func:`find_concepts` finds those terms in a query's
token list so the caller can expand a query across languages.

How terms are compared
======================

Every term and every query token is reduced to one *key* per word:

* **English / Latin script:** ``normalize_text`` (casefold, accents, apostrophes,
  hyphens to spaces), then the Snowball English stemmer (PyStemmer). So
  "conscripts" and "conscript" agree, and "air-strikes" is the sequence
  ``air strike``.
* **Arabic:** ``normalize_arabic`` then Light10 (``light10``), so التجنيد,
  والتجنيد and تجنيد share the key تجنيد.

Stemming also merges glossary words with frequent unrelated words. Where that
was found (in the shared Arabic and English news samples) the stem is listed in
``_EXACT_AR_STEMS`` / ``_EXACT_EN_STEMS``, and words with such a stem are
compared unstemmed (Arabic: minus the article only), so every inflection the
glossary wants is listed in the JSON. Examples: عملة "currency" / عملية
"operation"; officer / office. Stems shorter than three letters are treated the
same way (كمين "ambush" -> كم "how many"; IEDs -> "i").

Query tokens are more forgiving than glossary terms. Besides the plain key, a
query token may match through:

* its key with a leading و/ف/ب/ل clitic (or وب, ول, فب, فل) removed: Light10
  does not strip بـ/لـ/فـ, so بقصف or للاجئين would otherwise be missed; and
* its key with the article ال added: Light10 strips a bare initial و only
  when there is no article, so وقود -> قود but الوقود -> وقود.

Those extra keys are "dictionary confirmed": they only count when a glossary
term actually has that key, and a match through the plain key wins a tie.

Protected words
===============

Light10 merges some place names with ordinary words: حماة/حماه (Hama) becomes
حما, exactly like حماية "protection". A query token whose normalised form
(optionally after one clitic and the article) is a protected place name, or
one of a few administrative words (محافظة "governorate" would otherwise stem
to محافظ "governor", بلدة "town" to بلدية "municipality"), never matches any
concept. English has the same problem in "governorate" -> "governor" and
"Hamas"/"Hama" -> "hama".

Longest match first
===================

All matches are collected, then chosen greedily: longest first (counted in
sub-word units), then leftmost, then the one that used more plain keys. The
result is non-overlapping and sorted by position. ``start``/``end`` are token
offsets (end exclusive) into the token list the caller passed in.
"""
from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import Stemmer

from .arabic import TOKEN_PATTERN, clitic_prefixes, has_arabic, light10, normalize_arabic
from .normalize import normalize_text
from .table_cache import cached_table

__all__ = [
    "GlossaryConcept",
    "GlossaryMatch",
    "all_concepts",
    "concept",
    "find_concepts",
    "term_key",
    "PROTECTED_AR",
    "PROTECTED_EN",
]

_RESOURCE_PACKAGE = "search_app"
_RESOURCE_PATH = ("reference", "glossary.json")

_WORD = re.compile(TOKEN_PATTERN)

# Article-type prefixes Light10 may strip (used for the short-stem fallback).
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
# Proclitics Light10 never strips on its own; only used to look up keys that a
# glossary term actually has. كـ "as" is left out there: it is rare on the nouns
# the glossary holds and stripping it invents words (كاميرون -> اميرون).
_CLITICS = clitic_prefixes(prepositions=("ب", "ل"))
# Protected names are also recognised behind كـ (كحماة).
_PROTECTED_CLITICS = clitic_prefixes()

# Single query words that never match a concept, compared after normalisation
# and ignoring the article and one clitic (وحماة, بحماه, لحماة). Place names
# whose Light10 stem equals a glossary stem, the largest towns for safety, and
# administrative words that Light10 merges with a glossary word. Multi-word
# place names are the gazetteer's job.
PROTECTED_AR: frozenset[str] = frozenset(
    normalize_arabic(w)
    for w in (
        # Hama: حماه -> حما, the stem of حماية "protection"
        "حماة", "حماه", "حما",
        # other governorate centres and large towns, kept out of glossary matching
        "حمص", "حلب", "دمشق", "إدلب", "ادلب", "الرقة", "رقة", "درعا", "اللاذقية",
        "طرطوس", "السويداء", "السويدا", "القنيطرة", "الحسكة", "دير", "الزور",
        "منبج", "عفرين", "كوباني", "القامشلي", "قامشلو", "جرابلس", "الباب",
        "تدمر", "دوما", "داريا", "مضايا", "الزبداني", "جبلة", "بانياس",
        # towns whose single-word names stem like a glossary word:
        # السفيرة -> سفير "ambassador", الغارية -> غار "air raid"
        "السفيرة", "الغارية",
        # administrative words: محافظة -> محافظ "governor", بلدة -> بلد (بلدية)
        "محافظة", "محافظات", "بلدة", "بلدات", "بلد", "بلاد",
    )
)
# Casefolded Latin tokens that must never match a concept.
PROTECTED_EN: frozenset[str] = frozenset(
    {"hama", "hamah", "hamas", "homs", "hims", "governorate", "governorates", "muhafaza", "muhafazat"}
)

_stemmer_lock = threading.Lock()
_stemmer = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class GlossaryConcept:
    id: str
    en: tuple[str, ...]
    ar: tuple[str, ...]


@dataclass(frozen=True)
class GlossaryMatch:
    start: int
    end: int
    concept: GlossaryConcept


# --------------------------------------------------------------------------- keys


# Snowball stems shared by a glossary word and a common unrelated one; for these
# (and for stems under three letters: IEDs -> "i", like the pronoun) the key is
# the casefolded word itself. officer/office -> offic; generals/general (as in
# "Secretary-General") -> general; freed/free; wanted/want; transition/transit;
# imports/important -> import; missing/miss; arms/armed -> arm; medication/
# medical -> medic; crossing/cross; bodies/body -> bodi; housing/house -> hous;
# informants/information -> inform; fire (wildfire) and fired/firing -> fire;
# commander/command; storm/stormed; rights/right; deserters/desert;
# accountability/account; execution/executive; correspondent/corresponding;
# immunization/immune; extremism/extremely; minorities/minor.
_EXACT_EN_STEMS: frozenset[str] = frozenset(
    {
        "offic", "general", "free", "want", "transit", "import", "miss", "arm", "medic",
        "cross", "bodi", "hous", "inform", "fire", "command", "storm", "right",
        "desert", "account", "execut", "correspond", "immun", "extrem", "minor",
    }
)


@lru_cache(maxsize=65536)
def _en_key(word: str) -> str:
    with _stemmer_lock:
        stem = _stemmer.stemWord(word)
    if len(stem) < 3 or stem in _EXACT_EN_STEMS:
        return word
    return stem


def _strip_article(word: str) -> str:
    for prefix in _ARTICLES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    return word


# Light10 stems shared by a glossary word and a very common unrelated word. For
# these the key is the word minus its article, unstemmed, so each inflected form
# the glossary wants has to be listed. Examples: عملة "currency" and عملية
# "operation" -> عمل; مصادرة "confiscation" and مصادر "sources"; المصدرين
# "exporters" and مصدر "source"; قبلي "tribal" and قبل "before"; شرطة "police"
# and شرط "condition"; دورية "patrol" and دور "role"; جامعة "university" and
# جامع "mosque"; مساعدات "aid" and مساعد "assistant"; مصالحة "reconciliation"
# and مصالح "interests"; ملكية "property" and ملك "king"; أقلية "minority" and
# أقل "less"; بلدية "municipality" and بلد "country"; طالب "student" and
# طالبان "Taliban"; حوالات "remittances" and حوالي "about"; محلات "shops" and
# محلي "local"; مدني "civilian" and مدن "cities"; ماء "water" and مائة
# "hundred"; تعزيزات "reinforcements" and تعزيز "strengthening"; قطعان "herds"
# and قطع "cut"; أسرى "prisoners" and أسرة "family"; سيدة "woman" and السيد
# "Mr"; سلام "peace" and سلامة "safety"; العدوى "infection" and العدو "the
# enemy"; قبيلة "tribe" and قبيل "shortly before"; تقنين "rationing" and تقنية
# "technology"; أدوية "medicines" and أدوات "tools"; صادرات/واردات "exports/imports" and صادر/وارد "issued/received";
# مواصلات "transport" and مواصلة "continuing"; المطلوبين "wanted men" and
# المطلوب "required"; قيادي "commander" and بقيادة "led by"; امرأة "woman" and
# أمرا "an order"; قادة "leaders" and قاد "led"; وسيط "mediator" and بسيطة
# "simple"; سارين "sarin" and سارة "Sarah"; سيل "torrent" and وسيلة "means";
# وزارة "ministry" and زار "visited"; بسطة "stall" and بسط "extended";
# مساءلة "accountability" and مسائل "issues"; الزيتون "olives" and الزيت "oil";
# العقيد "colonel" and العقيدة "doctrine"; التعليم "education" and تعليمات
# "instructions"; مظاهرة "demonstration" and مظاهر "signs"; الاحتياط "reserve
# duty" and الاحتياطي "(currency) reserves".
_EXACT_AR_STEMS: frozenset[str] = frozenset(
    {
        "عمل", "مصادر", "مصدر", "قبل", "شرط", "دور", "جامع", "مساعد", "مصالح",
        "ملك", "اقل", "بلد", "طالب", "حوال", "محل", "مدن", "ماء", "تعزيز", "قطع", "اسر",
        "سيد", "سلام", "عدو", "قبيل", "سلب", "تقن", "ادو", "صادر", "وارد",
        "مواصل", "مطلوب", "قياد", "امرا", "قاد", "سيط", "سار",
        "سيل", "زار", "بسط", "مساءل", "زيت", "عقيد", "تعليم", "مظاهر", "احتياط",
    }
)


@lru_cache(maxsize=65536)
def _ar_key(word: str) -> str:
    """Light10 stem; the bare word for ambiguous stems; for stems under three letters
    the word minus article and final ه."""
    stem = light10(word)
    if stem in _EXACT_AR_STEMS:
        return _strip_article(word)
    if len(stem) >= 3:
        return stem
    word = _strip_article(word)
    if len(word) >= 4 and word.endswith("ه"):
        word = word[:-1]
    return word


def _bare_forms(word: str) -> set[str]:
    """The word, minus one clitic, and each of those minus the article."""
    forms = {word}
    for clitic in _PROTECTED_CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 2:
            forms.add(word[len(clitic):])
    for form in list(forms):
        if form.startswith("ال") and len(form) > 3:
            forms.add(form[2:])
        if form.startswith("لل") and len(form) > 3:
            forms.add(form[2:])
    return forms


@lru_cache(maxsize=1)
def _protected_bare() -> frozenset[str]:
    return frozenset(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in PROTECTED_AR)


def _is_protected_ar(word: str) -> bool:
    return not _bare_forms(word).isdisjoint(_protected_bare())


def _split(text: str) -> list[str]:
    return _WORD.findall(normalize_text(text))


def _word_key(word: str) -> str:
    return _ar_key(word) if has_arabic(word) else _en_key(word)


def term_key(term: str) -> tuple[str, ...]:
    """The comparison key of a glossary term (or any phrase): one key per word."""
    return tuple(_word_key(w) for w in _split(term))


@lru_cache(maxsize=65536)
def _query_keys(word: str) -> tuple[str, frozenset[str]]:
    """(plain key, every key this query word may match); empty if protected."""
    if has_arabic(word):
        if _is_protected_ar(word):
            return "", frozenset()
        primary = _ar_key(word)
        keys = {primary}
        if not word.startswith("ال"):
            keys.add(_ar_key("ال" + word))
        for clitic in _CLITICS:
            if not word.startswith(clitic) or len(word) - len(clitic) < 3:
                continue
            form = word[len(clitic):]
            if form.startswith("ال"):
                keys.add(_ar_key(form))
                continue
            # Behind the article Light10 cannot strip a second و (فوقاني must
            # not become قانون's stem via ف + و + قاني).
            keys.add(_ar_key("ال" + form))
            if not form.startswith("و"):
                keys.add(_ar_key(form))
        return primary, frozenset(keys)
    if word in PROTECTED_EN:
        return "", frozenset()
    primary = _en_key(word)
    return primary, frozenset({primary})


# --------------------------------------------------------------------------- data

_END = "\x00"


@dataclass(frozen=True)
class _Glossary:
    concepts: tuple[GlossaryConcept, ...]
    by_id: dict
    trie: dict
    order: dict


def _read_json() -> object:
    resource = resources.files(_RESOURCE_PACKAGE)
    for part in _RESOURCE_PATH:
        resource = resource / part
    return json.loads(resource.read_text(encoding="utf-8"))


def _entries(data: object) -> Iterable[dict]:
    if isinstance(data, dict):
        data = data.get("concepts", [])
    return data  # type: ignore[return-value]


@cached_table
def _glossary() -> _Glossary:
    concepts = []
    for entry in _entries(_read_json()):
        concepts.append(
            GlossaryConcept(
                id=entry["id"],
                en=tuple(entry.get("en", ())),
                ar=tuple(entry.get("ar", ())),
            )
        )
    by_id = {c.id: c for c in concepts}
    order = {c.id: i for i, c in enumerate(concepts)}
    trie: dict = {}
    for c in concepts:
        for term in c.en + c.ar:
            key = term_key(term)
            if not key:
                continue
            node = trie
            for part in key:
                node = node.setdefault(part, {})
            # first concept wins on a (forbidden, tested) duplicate key
            node.setdefault(_END, c)
    return _Glossary(tuple(concepts), by_id, trie, order)


def all_concepts() -> list[GlossaryConcept]:
    return list(_glossary().concepts)


def concept(id: str) -> GlossaryConcept:  # noqa: A002 - public API name
    """The concept with this id; KeyError if there is none."""
    return _glossary().by_id[id]


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class _Subword:
    token: int  # index into the caller's token list
    first: bool  # first sub-word of that token
    last: bool  # last sub-word of that token
    primary: str  # the key of the word as written
    keys: frozenset  # its keys in every form the glossary may hold (primary included)


def _subwords(tokens: list[str]) -> list[_Subword]:
    subwords: list[_Subword] = []
    for index, token in enumerate(tokens):
        words = _split(token) if token else []
        for number, word in enumerate(words):
            primary, keys = _query_keys(word)
            subwords.append(_Subword(index, number == 0, number == len(words) - 1, primary, keys))
    return subwords


@dataclass(frozen=True)
class _Candidate:
    """A concept whose term matches the query's sub-words from ``start``."""
    length: int  # sub-words covered
    start: int
    primary_hits: int  # sub-words matched as written, not through another form
    order: int  # the concept's place in the glossary
    first_token: int
    end_token: int  # one past the last token covered
    concept: GlossaryConcept

    def rank(self) -> tuple[int, int, int, int]:
        """Longest first, then earliest, then most words as written, then the glossary's order."""
        return -self.length, self.start, -self.primary_hits, self.order


def find_concepts(tokens: list[str]) -> list[GlossaryMatch]:
    """Glossary concepts in a query, longest match first, non-overlapping, in order.

    ``tokens`` are the query's word tokens (raw or already normalised). A token
    that contains several words ("air-strikes") is split internally; matches
    always start and end on token boundaries and never span a gap left by a
    token with no word characters.
    """
    glossary = _glossary()
    subwords = _subwords(list(tokens))
    candidates = [candidate for start, subword in enumerate(subwords) if subword.first and subword.keys
                  for candidate in _candidates_from(glossary, subwords, start)]
    return _non_overlapping(candidates)


def _candidates_from(glossary: _Glossary, subwords: list[_Subword], start: int) -> Iterable[_Candidate]:
    """Every concept with a term matching the sub-words from ``start`` to the end of some token:
    a depth-first walk of the glossary's trie, one sub-word a step, through any of its keys."""
    stack = [(glossary.trie, start, 0)]  # (trie node, next sub-word, sub-words matched as written)
    while stack:
        node, following, primary_hits = stack.pop()
        if following > start and _END in node and subwords[following - 1].last:
            found = node[_END]
            yield _Candidate(following - start, start, primary_hits, glossary.order[found.id],
                             subwords[start].token, subwords[following - 1].token + 1, found)
        if following >= len(subwords):
            continue
        subword = subwords[following]
        if following > start and subword.token - subwords[following - 1].token > 1:
            continue  # a token without words sits between them
        for key in subword.keys:
            child = node.get(key)
            if child is not None:
                stack.append((child, following + 1, primary_hits + (key == subword.primary)))


def _non_overlapping(candidates: list[_Candidate]) -> list[GlossaryMatch]:
    """The best candidates (by ``_Candidate.rank``) that share no token, in text order."""
    taken: set[int] = set()
    chosen = []
    for candidate in sorted(candidates, key=_Candidate.rank):
        span = range(candidate.first_token, candidate.end_token)
        if any(token in taken for token in span):
            continue
        taken.update(span)
        chosen.append(GlossaryMatch(candidate.first_token, candidate.end_token, candidate.concept))
    chosen.sort(key=lambda match: match.start)
    return chosen
