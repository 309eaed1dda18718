"""Turn what a person typed into a Whoosh query of concepts.

A concept is one thing the user means: a place or actor (matched in every language and
spelling, and through its facet id), a glossary word (expanded to its translations), a
phrase, or a plain word. Concepts are ANDed; ``OR`` joins neighbours; ``-x`` excludes.
Nothing typed can make parsing fail: unknown syntax is read as words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from ..enrich.actors import actor_country, country_actor
from ..enrich.matcher import find_mentions, place_word_beside, text_tokens
from ..enrich.names import LATIN_ARTICLES, source_case_tokens
from ..enrich.outlets import outlet_key
from ..text.arabic import ARABIC_ARTICLE, has_arabic
from ..text.countries import arabic_clitic_forms, countries, country_names, find_countries, language_names
from ..text.glossary import find_concepts
from ..text.normalize import normalized_tokens

MAX_QUERY_CHARS = 1000
MAX_CONCEPTS = 32

ENGLISH_FIELDS = ("title_en", "body_en")
ARABIC_FIELDS = ("title_ar", "body_ar")
EXACT_FIELDS = ("exact_title", "exact")
# The exact, unstemmed fields outrank stems; titles outrank bodies.
FIELD_BOOSTS = {"exact_title": 4.0, "exact": 2.0, "title_en": 2.0, "title_ar": 2.0,
                "body_en": 1.0, "body_ar": 1.0}
EXPANSION_BOOST = 0.5  # translations and variants rank below what was typed
DICTIONARY_BOOST = 0.3  # a general dictionary's translations rank below the glossary's
MAX_TRANSLATIONS = 4  # per word: the first senses of its entry, then those of words sharing its stem
# A translation found in more than this share of the stories is too common to stand for a word
# ("run" -> المرة "once"): it would match nearly every Arabic story.
FREQUENT_TRANSLATION_SHARE = 0.1
FREQUENT_TRANSLATION_MIN_STORIES = 20  # below this a share says little (one story of three is a third)
FIELD_PREFIXES = {"title": EXACT_FIELDS[:1], "source": ("source",), "lang": ("lang",),
                  "governorate": ("governorate",), "district": ("district",), "actor": ("actor",),
                  "place": ("place",), "year": ("year",), "kind": ("kind",)}

_ITEM = re.compile(r'(?P<neg>-)?(?:(?P<field>[A-Za-z_]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
ITEM_PATTERN = _ITEM  # what the lexer reads as one item; spelling correction reads words the same way


@dataclass
class ParsedQuery:
    query: wq.Query | None  # None: nothing searchable was typed (browse)
    relaxed_query: wq.Query | None = None  # any concept instead of all, for when nothing has all
    expansions: list[str] = field(default_factory=list)  # names and translations added for display
    entities: list = field(default_factory=list)  # places and actors recognised in the query
    # Per concept that names places (ORed names share one entry): the place ids a document must be
    # tagged with for that concept to count as a place match, not a bare string match. Ranking puts
    # documents with more such concepts first (a surname حماه is not Hama).
    place_concepts: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class _Item:
    kind: str  # word, phrase, field, or
    text: str
    negated: bool = False
    field: str | None = None


def _lex(text: str) -> list[_Item]:
    items: list[_Item] = []
    negate_next = False
    for match in _ITEM.finditer(text[:MAX_QUERY_CHARS]):
        negated = bool(match["neg"]) or negate_next
        negate_next = False
        if match["phrase"] is not None:
            if match["field"]:
                items.append(_Item("word", match["field"]))
            items.append(_Item("phrase", match["phrase"], negated))
            continue
        word = match["word"]
        if match["field"] and match["field"].lower() in FIELD_PREFIXES:
            items.append(_Item("field", word, negated, match["field"].lower()))
        elif word == "OR":
            items.append(_Item("or", word))
        elif word == "NOT":
            negate_next = True
        elif word != "AND":
            items.append(_Item("word", f"{match['field']}:{word}" if match["field"] else word, negated))
    return items


class QueryBuilder:
    """Builds queries against one index schema (its analyzers decide the terms)."""

    def __init__(self, schema, expand: bool = True, dictionary=None, reader=None):
        self.schema = schema
        self.expand = expand
        self.dictionary = dictionary  # text.dictionary.BilingualDictionary, for words the glossary lacks
        self.reader = reader  # the index's reader, to leave out translations that nearly every story has

    def terms(self, fieldname: str, text: str) -> list[str]:
        analyzer = self.schema[fieldname].analyzer
        return [token.text for token in analyzer(text, mode="query")]

    def _text_query(self, fieldname: str, text: str, boost: float) -> wq.Query | None:
        return _any(_build(self._alternatives(text, boost, (fieldname,))))

    def _alternatives(self, text: str, boost: float, fields) -> list[tuple[str, tuple[str, ...], float]]:
        """(field, analysed terms, boost) for ``text`` in each field; empty where analysis drops it."""
        found = []
        for fieldname in fields:
            terms = tuple(self.terms(fieldname, text))
            if terms:
                found.append((fieldname, terms, boost * FIELD_BOOSTS.get(fieldname, 1.0)))
        return found

    @staticmethod
    def _fields_for(text: str, exact: bool = True, stemmed: bool = True) -> tuple[str, ...]:
        script_fields = ARABIC_FIELDS if has_arabic(text) else ENGLISH_FIELDS
        return (EXACT_FIELDS if exact else ()) + (script_fields if stemmed else ())

    def text_anywhere(self, text: str, boost: float = 1.0, stemmed: bool = True) -> wq.Query | None:
        """``text`` as a word or phrase in the exact fields and, stemmed, in its script's fields."""
        return _any(_build(self._alternatives(text, boost, self._fields_for(text, stemmed=stemmed))))

    def _entity_query(self, entity, typed: str, names: list[str]) -> wq.Query:
        """The facet id, or any of the entity's ``names`` in the exact (unstemmed) fields."""
        facet = "actor" if entity.kind == "actor" else "place"
        alternatives = self._alternatives(typed, 1.0, EXACT_FIELDS)
        for name in names:
            alternatives += self._alternatives(name, EXPANSION_BOOST, EXACT_FIELDS)
        return _any([wq.Term(facet, entity.id, boost=2.0)] + _build(alternatives))

    def _glossary_query(self, concept, typed: str) -> wq.Query:
        """What was typed, anywhere; its translations and synonyms in the stemmed fields."""
        alternatives = self._alternatives(typed, 1.0, self._fields_for(typed))
        for term in concept.en + concept.ar:
            alternatives += self._alternatives(term, EXPANSION_BOOST, self._fields_for(term, exact=False))
        return _any(_build(alternatives))

    def _country_query(self, country, typed: str, actor_id: str | None, names=()) -> wq.Query:
        """What was typed, anywhere; the country's names and English adjectives in the exact and
        stemmed fields (the stemmed Arabic field is where والأردن and الأردنية meet الأردن); its
        Arabic adjectives and an actor's own ``names`` in the exact fields."""
        alternatives = self._alternatives(typed, 1.0, self._fields_for(typed))
        for name in country.names_en + country.names_ar + country.adjectives_en:
            alternatives += self._alternatives(name, EXPANSION_BOOST, self._fields_for(name))
        # Arabic adjectives unstemmed only: Light10 makes التركية "ترك", the verb "left". Names
        # with a clitic too (والعراق, للبنان): the stemmed field has them as عراق and لبن "milk".
        written = (form for name in country.names_ar for form in arabic_clitic_forms(name))
        for name in (*country.adjectives_ar, *written, *names):
            alternatives += self._alternatives(name, EXPANSION_BOOST, EXACT_FIELDS)
        facet = [wq.Term("actor", actor_id, boost=2.0)] if actor_id else []
        return _any(facet + _build(alternatives))

    def _country_concepts(self, tokens: list[str], taken: list[bool], spans: list, parsed: ParsedQuery):
        """Country names and nationality adjectives (CLDR, ``text.countries``) among the words no
        place, actor or glossary concept took: one concept each, both languages."""
        for mention in find_countries(tokens):
            if any(taken[mention.start:mention.end]):
                continue
            typed = " ".join(tokens[mention.start:mention.end])
            country = mention.country
            spans.append((mention.start, self._country_query(country, typed, country_actor(country.code)), ()))
            parsed.expansions += self._added_terms(country.all_names, typed)
            taken[mention.start:mention.end] = [True] * (mention.end - mention.start)

    def _language_concepts(self, tokens: list[str], written_as_names: dict[int, bool], taken: list[bool], spans: list,
                           parsed: ParsedQuery) -> None:
        """A capitalised language name no concept took (Welsh, Syriac): CLDR's Arabic name of the
        language as its translation, where some story has it, instead of the dictionary's senses
        of the word (FreeDict's "Welsh" is the verb, to welsh on a debt)."""
        for position in sorted(written_as_names):
            arabic = language_names().get(tokens[position])
            if arabic and not taken[position]:
                built = self._dictionary_query(tokens[position:position + 1], (arabic,), parsed)
                if built is not None:
                    spans.append((position, built, ()))
                    taken[position] = True

    def _field_query(self, item: _Item) -> wq.Query | None:
        fieldname = FIELD_PREFIXES[item.field][0]
        if fieldname in EXACT_FIELDS:
            return self._text_query(fieldname, item.text, 1.0)
        return wq.Term(fieldname, outlet_key(item.text) if fieldname == "source" else item.text)

    def _word_run_concepts(self, words: list[str], parsed: ParsedQuery) -> list[tuple[wq.Query, tuple]]:
        """Group a run of plain words into place/actor/glossary concepts and single words:
        (query, ids of the places it names) per concept, in the order typed."""
        text = " ".join(words)
        tokens = normalized_tokens(text)
        spans: list[tuple[int, wq.Query, tuple]] = []
        taken = [False] * len(tokens)
        written_as_names = self._written_as_names(text, tokens)
        if self.expand:
            concepts = find_concepts(tokens)
            for mention in find_mentions(text, for_query=True):
                if _glossary_word_not_place(mention, concepts, text, tokens):
                    continue
                typed = " ".join(tokens[mention.start:mention.end])
                entity = mention.entity
                names = _distinct_names(entity.names_en + entity.names_ar)
                places = (entity.id,) if entity.kind != "actor" else ()
                code = actor_country(entity.id) if entity.kind == "actor" else None
                if code:  # an actor that is a country: its CLDR names and adjectives too
                    names = _not_another_country(names, code)
                    query = self._country_query(countries()[code], typed, entity.id, names)
                    parsed.expansions += self._added_terms(countries()[code].all_names, typed)
                else:
                    query = self._entity_query(entity, typed, names)
                spans.append((mention.start, query, places))
                parsed.entities.append(entity)
                parsed.expansions += _spellings(entity, names, text)
                taken[mention.start:mention.end] = [True] * (mention.end - mention.start)
            for match in concepts:
                if any(taken[match.start:match.end]):
                    continue
                typed = " ".join(tokens[match.start:match.end])
                spans.append((match.start, self._glossary_query(match.concept, typed), ()))
                parsed.expansions += self._added_terms(match.concept.en + match.concept.ar, typed)
                taken[match.start:match.end] = [True] * (match.end - match.start)
            self._country_concepts(tokens, taken, spans, parsed)
            self._language_concepts(tokens, written_as_names, taken, spans, parsed)
            # A name is not translated as a word: Wales is not "welts" (علامات).
            untranslated = [done or position in written_as_names for position, done in enumerate(taken)]
            for match in self.dictionary.find(tokens, untranslated) if self.dictionary else ():
                built = self._dictionary_query(tokens[match.start:match.end], match.translations, parsed)
                if built is not None:
                    spans.append((match.start, built, ()))
                    taken[match.start:match.end] = [True] * (match.end - match.start)
        for position, token in enumerate(tokens):
            if not taken[position]:
                spans.append((position, self._word_query(token, stemmed=not written_as_names.get(position)), ()))
        return [(query, places) for _, query, places in sorted(spans, key=lambda span: span[0])
                if query is not None]

    def _dictionary_query(self, words: list[str], translations, parsed: ParsedQuery) -> wq.Query | None:
        """The words as typed, or one of their dictionary translations in the stemmed fields."""
        chosen = self._useful_translations(" ".join(words), translations)
        if not chosen:
            return None
        parsed.expansions += chosen
        typed = [self._word_query(word) for word in words]
        alternatives = []
        for term in chosen:
            alternatives += self._alternatives(term, DICTIONARY_BOOST, self._fields_for(term, exact=False))
        return _any([typed[0] if len(typed) == 1 else wq.And([q for q in typed if q is not None])]
                    + _build(alternatives))

    def _useful_translations(self, typed: str, translations) -> list[str]:
        """Up to MAX_TRANSLATIONS translations that search for something new: not all stop words,
        not a one-letter stem, in some story but not in too many (when the index is known)."""
        seen = {self._search_form(typed)}
        chosen = []
        for term in translations:
            form = self._search_form(term)
            if not form or form in seen or all(len(stem) < 2 for stem in form):
                continue
            seen.add(form)
            if self.reader is not None:
                stories = min(self.reader.doc_frequency(ARABIC_FIELDS[1] if has_arabic(term) else ENGLISH_FIELDS[1],
                                                        stem) for stem in form)
                too_many = max(FREQUENT_TRANSLATION_MIN_STORIES, FREQUENT_TRANSLATION_SHARE * self.reader.doc_count())
                if not stories or stories > too_many:
                    continue
            chosen.append(term)
            if len(chosen) == MAX_TRANSLATIONS:
                break
        return chosen

    def _added_terms(self, terms, typed: str) -> list[str]:
        """Glossary terms that search for something besides what was typed: one surface form
        for each distinct analysed form ("conscripts" adds nothing to "conscription")."""
        seen = {self._search_form(typed)}
        added = []
        for term in terms:
            form = self._search_form(term)
            if form and form not in seen:
                seen.add(form)
                added.append(term)
        return added

    def _search_form(self, text: str) -> tuple[str, ...]:
        fieldname = ARABIC_FIELDS[1] if has_arabic(text) else ENGLISH_FIELDS[1]
        return tuple(self.terms(fieldname, text))

    def _word_query(self, token: str, stemmed: bool = True) -> wq.Query | None:
        if token.endswith("*") and len(token) > 2:
            return _any([wq.Prefix(name, token.rstrip("*")) for name in EXACT_FIELDS])
        return self.text_anywhere(token, stemmed=stemmed)

    def _written_as_names(self, text: str, tokens: list[str]) -> dict[int, bool]:
        """Positions of Latin words typed as names: capitalised (not all capitals) and standing
        after a lower-case word of the query ("floods in Wales"), or a form English uses more than
        the word it stems to (Wales, not the plural of "wale"), or a language's name (Welsh, not
        the verb to welsh). A capital that starts the query says little by itself: "Schools" is
        still the plural of "school". Each maps to whether it must be searched unstemmed (the
        second kind)."""
        written = source_case_tokens(text)
        if len(written) != len(tokens):
            return {}
        names = {}
        for position, word in enumerate(written):
            if not _capitalised(word):
                continue
            after_lower_case = any(other[:1].islower() for other in written[:position] if not has_arabic(other))
            unstemmed = self._stems_to_another_word(tokens[position])
            if after_lower_case or tokens[position] in language_names() or unstemmed:
                names[position] = unstemmed
        return names

    def _stems_to_another_word(self, token: str) -> bool:
        """Stemming merges ``token`` with a rarer English word it is no form of in use: "wales"
        stems as "wale" (and so does "Waleed"), but English writes Wales far more than wales the
        plural of wale. A common noun's plural is rarer than its singular (schools, Christians)."""
        from .spelling import dictionary_frequency  # the English word list; spelling imports this module

        stem = self.terms(ENGLISH_FIELDS[1], token)
        if len(stem) != 1 or stem[0] == token:
            return False
        lemmas = {stem[0], stem[0] + "e", token[:-1], token[:-2], token[:-3]}
        lemma_frequency = max((dictionary_frequency(lemma) for lemma in lemmas
                               if len(lemma) >= 3 and lemma != token
                               and self.terms(ENGLISH_FIELDS[1], lemma) == stem), default=0)
        return 0 < lemma_frequency < dictionary_frequency(token)

    def parse(self, text: str) -> ParsedQuery:
        parsed = ParsedQuery(None)
        concepts = _Concepts()
        run: list[str] = []  # plain words typed one after another: read together (multi-word names)
        join_next = False  # the last item was OR: the next concept joins the one before
        for item in _lex(text):
            if item.kind == "word" and not item.negated and not join_next:
                run.append(item.text)
                continue
            self._add_word_run(run, parsed, concepts)
            run = []
            if item.kind == "or":
                join_next = bool(concepts.positives)
                continue
            built, named = self._item_query(item, parsed)
            if built is None:
                continue
            if item.negated:
                concepts.negatives.append(built)
            elif join_next:
                concepts.or_with_last(built, named)
                join_next = False
            else:
                concepts.add(built, named)
        self._add_word_run(run, parsed, concepts)
        concepts.fill(parsed)
        parsed.expansions = _unique(name for name in parsed.expansions if name)
        return parsed

    def _add_word_run(self, words: list[str], parsed: ParsedQuery, concepts: _Concepts) -> None:
        for concept, named in self._word_run_concepts(words, parsed) if words else ():
            concepts.add(concept, named)

    def _item_query(self, item: _Item, parsed: ParsedQuery) -> tuple[wq.Query | None, tuple[str, ...]]:
        """(query, ids of the places it names) of one item read on its own: a phrase, a field
        term, or a word that is negated or joined by OR."""
        if item.kind == "phrase":
            return self.text_anywhere(item.text, stemmed=False), ()
        if item.kind == "field":
            return self._field_query(item), ()
        concepts = self._word_run_concepts([item.text], parsed)
        return _any(concept for concept, _ in concepts), tuple(place for _, ids in concepts for place in ids)


@dataclass
class _Concepts:
    """What parse() gathers: the concepts to AND, beside each the place ids it names, and what to exclude."""
    positives: list[wq.Query] = field(default_factory=list)
    places: list[tuple[str, ...]] = field(default_factory=list)
    negatives: list[wq.Query] = field(default_factory=list)

    def add(self, query: wq.Query, places: tuple[str, ...]) -> None:
        self.positives.append(query)
        self.places.append(places)

    def or_with_last(self, query: wq.Query, places: tuple[str, ...]) -> None:
        self.positives[-1] = wq.Or([self.positives[-1], query])
        # "Hama OR Homs": either place's tag makes it a place match; "Hama OR shelling" has
        # no place the shelling stories could be tagged with, so it ranks as plain words.
        self.places[-1] = self.places[-1] + places if self.places[-1] and places else ()

    def fill(self, parsed: ParsedQuery) -> None:
        """Set the parse's query (every concept), relaxed query (any of them) and place concepts."""
        positives, negatives = self.positives[:MAX_CONCEPTS], self.negatives
        parsed.place_concepts = [named for named in self.places[:MAX_CONCEPTS] if named]
        if positives:
            query = wq.And(positives) if len(positives) > 1 else positives[0]
            parsed.query = _excluding(query, negatives)
            if len(positives) > 1:
                parsed.relaxed_query = _excluding(wq.Or(positives), negatives)
        elif negatives:
            parsed.query = wq.AndNot(wq.Every(), wq.Or(negatives))


def _distinct_names(names) -> list[str]:
    """Names whose normalised tokens differ, dropping those that contain a shorter one:
    wherever "Hama Governorate" matches, "Hama" already does."""
    forms = {}
    for name in names:
        tokens = tuple(normalized_tokens(name))
        if tokens:
            forms.setdefault(tokens, name)
    kept = []
    for tokens in sorted(forms, key=len):
        if not any(_contains(tokens, shorter) for shorter in map(tuple, map(normalized_tokens, kept))):
            kept.append(forms[tokens])
    return kept


def _capitalised(word: str) -> bool:
    """A Latin word written with a capital and some lower case (Wales, not WALES or wales)."""
    return word[:1].isupper() and any(letter.islower() for letter in word[1:]) and not has_arabic(word)


def _glossary_word_not_place(mention, concepts, text: str, tokens: list[str]) -> bool:
    """The query names a glossary word, not the minor place spelled the same ("sarin Idlib" is the
    nerve agent in Idlib, not the sub-district of Sarin near Kobani): a place below a governorate
    whose whole name a glossary term covers is the place only with a word that says place beside it
    ("village of Sarin", بلدة) or when typed in a spelling of the place that no term of the concept has."""
    entity = mention.entity
    if entity.kind != "place" or entity.level == "governorate":
        return False
    concept = next((match.concept for match in concepts
                    if match.start <= mention.start and mention.end <= match.end), None)
    if concept is None or place_word_beside(list(text_tokens(text)), mention.start, mention.end):
        return False
    typed = _without_article(tokens[mention.start:mention.end])
    place_forms = {_without_article(normalized_tokens(name)) for name in entity.names_en + entity.names_ar}
    term_forms = {_without_article(normalized_tokens(term)) for term in concept.en + concept.ar}
    return typed not in place_forms or typed in term_forms


def _without_article(tokens) -> tuple[str, ...]:
    """Tokens without a leading article (al-, ال), for comparing names with glossary terms."""
    tokens = tuple(tokens)
    if tokens and tokens[0] in LATIN_ARTICLES and len(tokens) > 1:
        return tokens[1:]
    if tokens and tokens[0].startswith(ARABIC_ARTICLE) and len(tokens[0]) > len(ARABIC_ARTICLE) + 1:
        return (tokens[0][len(ARABIC_ARTICLE):],) + tokens[1:]
    return tokens


def _not_another_country(names, code: str) -> list[str]:
    """A country actor's own names without those that name another country: Jordan's عمان
    (Amman) is written as Oman (عُمان) is, and must not bring Oman's stories to a Jordan search."""
    owners = country_names()
    return [name for name in names if owners.get(tuple(normalized_tokens(name)), code) == code]


def _contains(tokens: tuple, part: tuple) -> bool:
    return any(tokens[i:i + len(part)] == part for i in range(len(tokens) - len(part) + 1))


def _spellings(entity, searched: list[str], query_text: str) -> list[str]:
    """Every spelling of the entity that its ``searched`` names match (حماة and حماه are one
    term, but a reader should see both), labels first, except one typed as it stands."""
    forms = {tuple(normalized_tokens(name)) for name in searched}
    names = [entity.en, entity.ar] + list(entity.names_en) + list(entity.names_ar)
    return [name for name in _unique(names)
            if name and tuple(normalized_tokens(name)) in forms
            and not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", query_text, re.IGNORECASE)]


def _build(alternatives) -> list[wq.Query]:
    """One Term or Phrase per distinct (field, terms), at the highest boost asked for it.

    Synonyms often analyse alike (conscript, conscripts, conscription); each matcher costs time.
    """
    best: dict[tuple[str, tuple[str, ...]], float] = {}
    for fieldname, terms, boost in alternatives:
        best[(fieldname, terms)] = max(boost, best.get((fieldname, terms), 0.0))
    return [wq.Term(fieldname, terms[0], boost=boost) if len(terms) == 1 else
            wq.Phrase(fieldname, list(terms), boost=boost) for (fieldname, terms), boost in best.items()]


def _excluding(query: wq.Query, negatives: list[wq.Query]) -> wq.Query:
    return wq.AndNot(query, wq.Or(negatives)) if negatives else query


def _any(queries) -> wq.Query | None:
    queries = [query for query in queries if query is not None]
    if not queries:
        return None
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _unique(items) -> list:
    return list(dict.fromkeys(items))


# Typed prefixes that are filters (query field -> SearchRequest field): the web lifts them out of the
# box into the request's filters, so `governorate:SY07` typed is the same state as Homs clicked.
FILTER_PREFIXES = {"governorate": "governorate", "district": "district", "place": "place", "actor": "actor",
                   "lang": "lang", "source": "source", "year": "year", "kind": "kind"}


def lift_filters(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(the text without its liftable filter terms, [(request field, value)]).

    Only plain ``field:value`` terms are lifted; a negated one (``-lang:ar``, ``NOT lang:ar``),
    one joined by ``OR`` to a neighbour, or a quoted value stays in the text, where the query
    parser reads it as it always has."""
    matches = list(_ITEM.finditer(text))
    lifted, kept, cut_from = [], [], 0
    for position, match in enumerate(matches):
        field = (match["field"] or "").lower()
        before = matches[position - 1]["word"] if position else None
        after = matches[position + 1]["word"] if position + 1 < len(matches) else None
        if (field in FILTER_PREFIXES and match["word"] is not None and not match["neg"]
                and before not in ("OR", "NOT") and after != "OR"):
            kept.append(text[cut_from:match.start()])
            cut_from = match.end()
            lifted.append((FILTER_PREFIXES[field], match["word"]))
    if not lifted:
        return text, []
    kept.append(text[cut_from:])
    return " ".join("".join(kept).split()), lifted
