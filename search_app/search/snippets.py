"""Highlighted snippets: what a query matched, marked as a unit, in fragments a reader can trust.

* A unit is one term, one prefix or one phrase of the query, in the field whose analyzer made it.
  A phrase (``compulsory military service``, ``deir ez zor``) is marked only where its words stand
  at consecutive positions as the index counts them (stop words removed, hyphenated words also
  joined up), and then as one mark; its single words are never marked on their own. Every
  spelling of a place is a term of the exact field, so each one is found wherever it occurs.
* Marks carry the class ``t<n>``, n the query concept the unit belongs to (every spelling of Hama
  shares one class).
* A fragment begins at the start of the text, after a sentence or clause boundary, or with a
  leading "…" when it had to cut; it ends at a sentence end, the end of the text, or with "…".
  Fragments that touch or overlap are one fragment: " … " stands only for text left out.

Words are analysed one at a time and the result kept (our analyzers treat each word alike
wherever it stands), so a snippet costs one regular-expression pass over the text and a
dictionary look-up a word.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from itertools import accumulate, repeat

from whoosh.highlight import htmlescape

from ..text.analyzers import INWORD_MARKS, WORD_PATTERN
from ..text.characters import APOSTROPHES, HYPHENS
from ..text.index_terms import term_positions_function
from ..utils import remember

CHAR_LIMIT = 1 << 15  # as Whoosh's highlighter: matches past this many characters are not looked for
_CACHE_SIZE = 100_000  # words analysed, per analyzer
_ANALYZERS_KEPT = 32
_QUERIES_KEPT = 8  # per thread: a page's snippets share their query's
_TEXTS_KEPT = 512  # texts whose words are listed (their hashes: the document cache's recurring texts)
# WORD_PATTERN where no in-word mark occurs: letters and digits, joined by a hyphen or apostrophe.
_PLAIN_WORD = re.compile(rf"[^\W_]+(?:[{HYPHENS}{APOSTROPHES}][^\W_]+)*")
_JOINERS = frozenset(HYPHENS + APOSTROPHES)
_SPECIAL = re.compile(f"[{INWORD_MARKS}_]")
_SENTENCE_END = re.compile(r"[.!?؟…\n]+[\"'»”’)\]]*(?=\s|$)")
_CLAUSE_END = re.compile(r"[,،;؛:]+[\"'»”’)\]]*(?=\s)")
_SPACE = re.compile(r"\s+")
_BARE_LINE_BREAK = re.compile(r"(?<![.!?؟…:;،,\s])[^\S\n]*\n\s*")
_caches: dict[int, tuple[object, dict]] = {}
_texts_words: dict[int, tuple[str, list[str], set[str]]] = {}
_vocabularies: dict[int, "_Vocabulary"] = {}
_lock = threading.Lock()
_local = threading.local()


@dataclass(frozen=True)
class Unit:
    """Something to mark: ``terms`` at consecutive positions (one term, or a phrase), or with
    ``prefix`` any token starting with the single term."""
    terms: tuple[str, ...]
    group: int = 0  # the query concept it belongs to
    prefix: bool = False


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    group: int


def find_matches(text: str, analyzer, units) -> list[Match]:
    """Where ``units`` (terms made by ``analyzer``) occur in ``text``: character spans, sorted,
    not overlapping (at one start the longest wins)."""
    given, units = units, tuple(units)
    if not units or not text:
        return []
    text = text[:CHAR_LIMIT]
    expression = _expression(analyzer, text)
    if expression is not _PLAIN_WORD:
        return _matches_at(_walk(text, analyzer, units, expression), units)
    at_position = _lookup(text, analyzer, units, given)
    if at_position is None:  # the vocabulary was emptied under us by another thread
        return _matches_at(_walk(text, analyzer, units, expression), units)
    return _matches_at(at_position, units)


def _lookup(text: str, analyzer, units: tuple, given=None) -> dict | None:
    """``_walk``'s result without visiting each word in Python: the query's wanted words (those
    of the analyzer's vocabulary that make a wanted token, usually a handful) are looked for in
    the text with ``str.find`` and kept where they stand as a whole word of the word pattern.
    The text's words are listed only to learn a text not seen before, and to count positions
    when a phrase may be in it; otherwise each token is keyed by (character offset of its word,
    position within the word), as good as a position for matching single terms."""
    vocabulary = _vocabulary(analyzer)
    key = hash(text)
    if key not in vocabulary.texts:
        vocabulary.learn(key, _words(text, key)[1])
    query = _wanted(analyzer, units, given)
    wanted = query.current(vocabulary)
    listed = _texts_words.get(key)
    # The words of a text just listed (new, or read by the other analyzer) are a set: looking
    # each wanted word up there is cheaper than scanning the text for it.
    present = listed[2] if listed is not None and listed[0] == text else text
    found = {}
    for word in wanted:
        if word in present:
            offsets = _offsets(text, word)
            if offsets:
                found[word] = offsets
    if not found:
        return {}
    starts = words = None
    if query.phrases:
        tokens = {token[2] for word in found for token in wanted[word]}
        if any(phrase <= tokens for phrase in query.phrases):
            words = _words(text, key)[0]
            starts = [0, *accumulate(map(vocabulary.irregular.get, words, repeat(1)))]
            if vocabulary.epoch != query.epoch:  # emptied by another thread meanwhile
                return None
    at_position: dict = {}
    for word, offsets in found.items():
        hits = wanted[word]
        if starts is None:
            keys = [(offset, relative) for offset in offsets for *_, relative in hits]
        else:
            indices = _occurrences(words, word)
            if len(indices) != len(offsets):
                return None
            keys = [starts[index] + relative for index in indices for *_, relative in hits]
        spans = [(base + start, base + end, token) for base in offsets for start, end, token, _ in hits]
        for position, (start, end, token) in zip(keys, spans):
            at_position.setdefault(position, {})[token] = (start, end)
    return at_position


def _words(text: str, key: int) -> tuple[list[str], set[str]]:
    """The text's words in order and as a set, kept by the text's hash ``key`` for a few hundred
    texts: the other analyzer reads the same text next, and a page's documents recur."""
    found = _texts_words.get(key)
    if found is None or found[0] != text:
        words = _PLAIN_WORD.findall(text)
        found = remember(_texts_words, key, (text, words, set(words)), _TEXTS_KEPT)
    return found[1], found[2]


def _occurrences(words: list[str], word: str) -> list[int]:
    found, index = [], -1
    try:
        while True:
            index = words.index(word, index + 1)
            found.append(index)
    except ValueError:
        return found


def _offsets(text: str, word: str) -> list[int]:
    """Where ``word`` stands in ``text`` as a whole match of ``_PLAIN_WORD``: not preceded or
    followed by a letter or digit, nor by a joiner (hyphen, apostrophe) next to one."""
    found, start, size, length = [], text.find(word), len(word), len(text)
    while start >= 0:
        end = start + size
        if not ((start and (text[start - 1].isalnum()
                            or (start > 1 and text[start - 1] in _JOINERS and text[start - 2].isalnum())))
                or (end < length and (text[end].isalnum()
                                      or (end + 1 < length and text[end] in _JOINERS and text[end + 1].isalnum())))):
            found.append(start)
        start = text.find(word, start + 1)
    return found


def _walk(text: str, analyzer, units: tuple, expression) -> dict[int, dict[str, tuple[int, int]]]:
    """``_lookup``'s result word by word, for texts the plain word pattern cannot read."""
    words, wanted, prefixes = _word_info(analyzer, units)
    at_position: dict[int, dict[str, tuple[int, int]]] = {}
    position = 0
    for base, word in _spans(text, expression):
        info = words.get(word)
        if info is None:
            info = words[word] = _interest(analyzer, wanted, prefixes, word)
        width, hits = info
        for start, end, token, relative in hits:
            at_position.setdefault(position + relative, {})[token] = (base + start, base + end)
        position += width
    return at_position


def _matches_at(at_position: dict, units: tuple) -> list[Match]:
    if not at_position:
        return []
    return _without_overlaps([match for unit in units for match in _unit_matches(unit, at_position)])


def _unit_matches(unit: Unit, at_position: dict) -> list[Match]:
    """Every place ``unit`` occurs: a token with its prefix, or its terms at consecutive positions."""
    found = []
    for position, tokens in at_position.items():
        if unit.prefix:
            found += [Match(*span, unit.group) for token, span in tokens.items()
                      if token.startswith(unit.terms[0])]
            continue
        first = tokens.get(unit.terms[0])
        if first is None:
            continue
        if len(unit.terms) > 1 and type(position) is tuple:
            break  # positions were not counted: _lookup saw the phrase cannot be in this text
        last = first
        for step, term in enumerate(unit.terms[1:], 1):
            last = at_position.get(position + step, {}).get(term)
            if last is None:
                break
        else:
            found.append(Match(first[0], last[1], unit.group))
    return found


def _without_overlaps(matches: list[Match]) -> list[Match]:
    kept: list[Match] = []
    for match in sorted(set(matches), key=lambda m: (m.start, -m.end, m.group)):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept


def merge_matches(*lists: list[Match]) -> list[Match]:
    """Matches found by several analyzers in one text, overlaps resolved."""
    return _without_overlaps([match for found in lists for match in found])


def make_snippet(text: str, matches: list[Match], maxchars: int = 240, fragments: int = 2) -> str:
    """HTML: escaped text of the best fragments, ``<mark>`` around each match; the opening of the
    text when nothing matched."""
    if not matches:
        end, cut = _fragment_end(text, 0, maxchars)
        return _html(text, [(0, end, False, cut)], [])
    windows = sorted(_chosen_windows(text, matches, maxchars, fragments))
    pieces = [_fragment_around(text, matches[first].start, matches[last].end, maxchars)
              for first, last in windows]
    return _html(text, _joined(text, pieces), matches)


def _chosen_windows(text: str, matches: list[Match], maxchars: int, fragments: int) -> list[tuple[int, int]]:
    """Up to ``fragments`` windows of matches, best first, each adding something to those before."""
    chosen: list[tuple[int, int]] = []
    words = [text[match.start:match.end].casefold() for match in matches]
    for _ in range(fragments):
        best = _best_window(words, matches, maxchars, chosen)
        if best is None:
            break
        chosen.append(best)
    return chosen


def _fragment_around(text: str, core_start: int, core_end: int, maxchars: int) -> tuple[int, int, bool, bool]:
    """(start, end, cut before, cut after) of the fragment showing the matches from ``core_start`` to
    ``core_end``: some context before them, the rest of ``maxchars`` after."""
    room = maxchars - (core_end - core_start)
    start, cut_before = _fragment_start(text, core_start, max(20, min(100, room - 40)))
    end, cut_after = _fragment_end(text, core_end, max(20, start + maxchars - core_end))
    return start, end, cut_before, cut_after


def _joined(text: str, pieces: list[tuple[int, int, bool, bool]]) -> list[tuple[int, int, bool, bool]]:
    """Fragments in text order with those that overlap or have only space between them made one."""
    merged = [list(pieces[0])]
    for piece in pieces[1:]:
        previous = merged[-1]
        if piece[0] <= previous[1] or not text[previous[1]:piece[0]].strip():  # adjacent: one fragment
            if piece[1] > previous[1]:
                previous[1], previous[3] = piece[1], piece[3]
        else:
            merged.append(list(piece))
    return [tuple(piece) for piece in merged]


def _best_window(words, matches, maxchars, chosen) -> tuple[int, int] | None:
    """(first, last) match indices of the best run of matches spanning at most 3/4 of ``maxchars``:
    most concepts, then most distinct words (``words``: each match's text, case-folded), then
    most matches, then earliest; a further window holds none of the chosen windows' matches and
    shows something they do not."""
    taken = {i for first, last in chosen for i in range(first, last + 1)}
    taken_groups = {matches[i].group for i in taken}
    taken_words = {words[i] for i in taken}
    best, best_score = None, None
    for first in range(len(matches)):
        if first in taken:
            continue
        last = _window_last(matches, first, taken, maxchars * 3 // 4)
        window = matches[first:last + 1]
        new_groups = {match.group for match in window} - taken_groups
        new_words = set(words[first:last + 1]) - taken_words
        if chosen and not (new_groups or new_words):
            continue
        score = (len(new_groups), len(new_words), len(window))
        if best_score is None or score > best_score:
            best, best_score = (first, last), score
    return best


def _window_last(matches: list[Match], first: int, taken: set[int], span: int) -> int:
    """The last match of the run from ``first`` that fits in ``span`` characters and stops before a
    taken match."""
    last = first
    while (last + 1 < len(matches) and last + 1 not in taken
           and matches[last + 1].end - matches[first].start <= span):
        last += 1
    return last


def _fragment_start(text: str, core_start: int, room: int) -> tuple[int, bool]:
    """Where a fragment ending in a match at ``core_start`` begins, and whether it cut a sentence:
    the text's start, else the earliest sentence boundary within ``room`` characters before, else
    the earliest clause boundary, else a word boundary (cut)."""
    low = core_start - room
    if low <= 0:
        return 0, False
    window = text[low:core_start]
    for boundary in (_SENTENCE_END, _CLAUSE_END):
        found = boundary.search(window)
        if found:
            return _skip_space(text, low + found.end()), False
    space = _SPACE.search(window)
    return (_skip_space(text, low + space.start()) if space else core_start), True


def _fragment_end(text: str, core_end: int, room_from_core: int) -> tuple[int, bool]:
    """Where a fragment whose last match ends at ``core_end`` stops, and whether it cut: the text's
    end, else the last sentence end within reach (unless that leaves most of the room unused), else
    the last word end (cut)."""
    limit = core_end + room_from_core
    if limit >= len(text):
        return len(text.rstrip()), False
    window = text[core_end:limit]
    ends = [end for end in _SENTENCE_END.finditer(window) if end.end() * 5 >= len(window) * 2]
    if ends:  # a paragraph break ends a sentence too, but is not part of it
        return len(text[:core_end + ends[-1].end()].rstrip()), False
    spaces = list(_SPACE.finditer(window))
    return (core_end + spaces[-1].start() if spaces else core_end), True


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def mark_all(text: str, matches: list[Match]) -> str:
    """The whole text, escaped, every match marked (the article page)."""
    return _html(text, [(0, len(text), False, False)], matches)


def _html(text: str, fragments, matches: list[Match]) -> str:
    """Fragments (start, end, cut before, cut after), escaped, whitespace runs as one space,
    joined by " … "; matches inside them marked."""
    parts = []
    for number, (start, end, cut_before, cut_after) in enumerate(fragments):
        if number:
            parts.append(" … ")
        elif cut_before:
            parts.append("…")
        position = start
        for match in matches:
            if match.start < start or match.end > end:
                continue
            parts.append(_plain(text[position:match.start]))
            parts.append(f'<mark class="hl t{match.group}">{_plain(text[match.start:match.end])}</mark>')
            position = match.end
        parts.append(_plain(text[position:end]))
        if cut_after and number == len(fragments) - 1:
            parts.append("…")
    return "".join(parts).strip()


def _plain(text: str) -> str:
    # A line that ends without punctuation (an event's "Sides: …" line, a list of headlines) is
    # kept apart from the next by a middle dot, or the lines would read as one run-on sentence.
    # Most pieces have no white space but single spaces (every other space and line break is
    # unprintable): they skip both expressions.
    if not text.isprintable() or "  " in text:
        text = _SPACE.sub(" ", _BARE_LINE_BREAK.sub(" · ", text))
    return htmlescape(text, quote=False)


def _spans(text: str, expression) -> list[tuple[int, str]]:
    """(start, word) of every word; kept for the next call, which is often the same text in the
    other analyzer (they share the tokenizer)."""
    last = getattr(_local, "spans", None)
    if last is not None and last[0] is text and last[1] is expression:
        return last[2]
    spans = [(match.start(), match.group()) for match in expression.finditer(text)]
    _local.spans = (text, expression, spans)
    return spans


class _Vocabulary:
    """Every word one analyzer has analysed (as ``_word_tokens``): its tokens and width, and per
    token the words that make it, so a query finds the words it wants without visiting each."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        # The index writer's one-pass analysis says most words' single term far faster than the
        # Whoosh chain (a fresh process analyses ~100,000 words in its first few hundred queries).
        one_pass = term_positions_function(analyzer)
        self.single_terms = one_pass.single_terms if one_pass is not None else None
        # word -> its tokens (start, end, text, position in it); for the many words that are one
        # token, the token's text alone (``tokens_of``): a string is no object for the garbage
        # collector to visit, and a fresh process learns ~100,000 words
        self.tokens: dict[str, tuple | str] = {}
        # word -> positions it takes in the index, for the few words not taking one (stop words,
        # hyphenated words): a small table is looked up faster than one of every word
        self.irregular: dict[str, int] = {}
        self.by_token: dict[str, list[str]] = {}
        self.learnt: list[str] = []  # words in the order they came, for queries to catch up
        self.texts: set[int] = set()  # hashes of the texts whose every word is learnt
        self.epoch = 0  # changes when everything is forgotten (the cache was full)
        self._lock = threading.Lock()

    def learn(self, key: int, words: set[str]) -> None:
        """Analyse the words not seen before of a text, remembered by its hash ``key`` (listing
        and looking up its few hundred words again costs more than the rest of its snippet)."""
        new = words.difference(self.tokens)  # a set less a dict's keys, without a Python loop
        if not new:
            self.texts.add(key)
            return
        with self._lock:
            if len(self.tokens) + len(new) > _CACHE_SIZE or len(self.texts) > _CACHE_SIZE:
                self.tokens, self.irregular, self.by_token, self.learnt, self.texts = {}, {}, {}, [], set()
                self.epoch += 1
                new = list(words)
            cache: dict = {}
            new = list(new)
            terms = self.single_terms(new) if self.single_terms is not None else [...] * len(new)
            tokens, irregular, by_token = self.tokens, self.irregular, self.by_token
            for word, term in zip(new, terms):
                if term is None:
                    tokens[word], irregular[word] = (), 0
                elif term is not ...:
                    tokens[word] = term
                    words_of_term = by_token.get(term)
                    if words_of_term is None:
                        by_token[term] = [word]
                    else:
                        words_of_term.append(word)
                else:
                    found, width = _word_tokens(self.analyzer, cache, word)
                    tokens[word] = found
                    if width != 1:
                        irregular[word] = width
                    for term in {token[2] for token in found}:
                        by_token.setdefault(term, []).append(word)
            self.learnt += new
            self.texts.add(key)

    def tokens_of(self, word: str) -> tuple | None:
        """The tokens of a learnt word (None for a word not learnt)."""
        found = self.tokens.get(word)
        return ((0, len(word), found, 0),) if found.__class__ is str else found


class _Wanted:
    """The words of one analyzer's vocabulary that hold a token some unit of one query wants,
    with those tokens; brought up to date with the words learnt since."""

    def __init__(self, units: tuple):
        self.terms = frozenset(term for unit in units if not unit.prefix for term in unit.terms)
        self.prefixes = tuple(unit.terms[0] for unit in units if unit.prefix)
        self.phrases = [frozenset(unit.terms) for unit in units if len(unit.terms) > 1 and not unit.prefix]
        self.epoch = None
        self.seen = 0
        self.counts: dict[str, int] = {}  # per wanted term, how many of its words were checked
        self.words: dict[str, tuple] = {}

    def current(self, vocabulary: _Vocabulary) -> dict[str, tuple]:
        """word -> its tokens some unit wants (only words that have any)."""
        if self.epoch != vocabulary.epoch:
            self.epoch, self.seen, self.words, self.counts = vocabulary.epoch, len(vocabulary.learnt), {}, {}
            if self.prefixes:
                candidates = {word for token, words in list(vocabulary.by_token.items())
                              if token in self.terms or token.startswith(self.prefixes) for word in words}
                self._check(vocabulary, candidates)
            else:
                self._catch_up(vocabulary)
        elif not self.prefixes:
            self._catch_up(vocabulary)
        elif self.seen < len(vocabulary.learnt):
            learnt = vocabulary.learnt[self.seen:]
            self.seen += len(learnt)
            self._check(vocabulary, learnt)
        return self.words

    def _catch_up(self, vocabulary: _Vocabulary) -> None:
        """Check the words learnt under each wanted term since the last call: a few look-ups,
        where checking every word learnt since (hundreds for each text not seen before) costs more."""
        by_token, counts = vocabulary.by_token, self.counts
        for term in self.terms:
            words = by_token.get(term)
            if words is not None:
                checked, count = counts.get(term, 0), len(words)  # learn() may append meanwhile
                if count > checked:
                    counts[term] = count
                    self._check(vocabulary, words[checked:count])

    def _check(self, vocabulary: _Vocabulary, words) -> None:
        for word in words:
            tokens = vocabulary.tokens_of(word)
            if tokens is None:
                continue
            hits = tuple(token for token in tokens
                         if token[2] in self.terms or (self.prefixes and token[2].startswith(self.prefixes)))
            if hits:
                self.words[word] = hits


def _vocabulary(analyzer) -> _Vocabulary:
    entry = _vocabularies.get(id(analyzer))
    if entry is None or entry.analyzer is not analyzer:
        with _lock:
            entry = remember(_vocabularies, id(analyzer), _Vocabulary(analyzer), _ANALYZERS_KEPT)
    return entry


def _wanted(analyzer, units: tuple, given=None) -> _Wanted:
    """One query's ``_Wanted`` per analyzer, kept for the snippets of its page (per thread).
    Found by the identity of the units' list the caller gave (each hit of a page passes the same
    one) before their value: hashing every unit for each of a page's texts costs more."""
    found = getattr(_local, "wanted", None)
    if found is None:
        found = _local.wanted = {}
    if given is not None:
        entry = found.get((id(analyzer), id(given)))
        if entry is not None and entry[0] is analyzer and entry[1] is given:
            return entry[2]
    key = (id(analyzer), units)
    entry = found.get(key)
    if entry is None or entry[0] is not analyzer:
        entry = remember(found, key, (analyzer, units, _Wanted(units)), 2 * _QUERIES_KEPT)
    if given is not None:
        remember(found, (id(analyzer), id(given)), (analyzer, given, entry[2]), 2 * _QUERIES_KEPT)
    return entry[2]


def _word_info(analyzer, units: tuple) -> tuple[dict, frozenset, tuple]:
    """(word -> (positions it takes, its tokens some unit wants), the terms wanted, the prefixes)
    for one analyzer and one query's units: a page's snippets share them."""
    key = (id(analyzer), units)
    infos = getattr(_local, "infos", None)
    if infos is None:
        infos = _local.infos = {}
    entry = infos.get(key)
    if entry is None or entry[0] is not analyzer:
        wanted = frozenset(term for unit in units if not unit.prefix for term in unit.terms)
        prefixes = tuple(unit.terms[0] for unit in units if unit.prefix)
        entry = remember(infos, key, (analyzer, {}, wanted, prefixes), _QUERIES_KEPT)
    return entry[1], entry[2], entry[3]


def _interest(analyzer, wanted: frozenset, prefixes: tuple, word: str) -> tuple[int, tuple]:
    tokens, width = _word_tokens(analyzer, _word_cache(analyzer), word)
    return width, tuple(token for token in tokens
                        if token[2] in wanted or (prefixes and token[2].startswith(prefixes)))


def _word_cache(analyzer) -> dict:
    entry = _caches.get(id(analyzer))
    if entry is None or entry[0] is not analyzer:
        with _lock:
            entry = remember(_caches, id(analyzer), (analyzer, {}), _ANALYZERS_KEPT)
    return entry[1]


def _word_tokens(analyzer, cache: dict, word: str) -> tuple[tuple, int]:
    """The indexed tokens of ``word`` as (start, end, text, position within the word), and how
    many positions the word takes in the index (its tokens that are not stop words).

    Analysed as the indexer does (mode "index": a hyphenated word also gives its joined form, at
    the positions of its first and last part), stop words kept but skipped."""
    found = cache.get(word)
    if found is None:
        tokens = [(t.startchar, t.endchar, t.text, t.pos)
                  for t in analyzer(word, chars=True, positions=True, mode="index", removestops=False)
                  if not t.stopped]
        ranks = {pos: rank for rank, pos in enumerate(sorted({pos for *_, pos in tokens}))}
        found = (tuple((start, end, token, ranks[pos]) for start, end, token, pos in tokens), len(ranks))
        remember(cache, word, found, _CACHE_SIZE)
    return found


def _expression(analyzer, text: str):
    """The tokenizer's expression, or for our word pattern on a text without marks, tatweel,
    format characters or underscores the plain equivalent, which runs twice as fast."""
    expression = analyzer.items[0].expression
    if expression.pattern == WORD_PATTERN and not _has_special(text):
        return _PLAIN_WORD
    return expression


def _has_special(text: str) -> bool:
    """Whether ``text`` has an in-word mark; kept for the next call (the other analyzer's)."""
    last = getattr(_local, "special", None)
    if last is not None and last[0] is text:
        return last[1]
    found = _SPECIAL.search(text) is not None
    _local.special = (text, found)
    return found

