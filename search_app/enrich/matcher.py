"""Find place and actor names in text: one name index (``names``), one longest-match pass, one context rule.

Places and actors share this mechanism; ``places.py`` and ``actors.py`` only read its output.

Matching runs over ``normalized_tokens(text)`` (Arabic normalisation + Latin folding, never stemmed):

* every variant name is normalised the same way and indexed as a token tuple;
* Latin articles (al, el, ad, ar, as, ash, at, az, an, ath, ez, es, ed, er, et, adh) are one token "al"
  on both sides, and each variant is also indexed without them and with a mid-name article fused
  to the next word, so Deir ez-Zor = Deir ezZor = Deir ez Zor = Deir al-Zor = Deir Zor;
  apostrophes and hyphens are already folded by the normaliser (Dar'a = Dara);
* the first token of a name may carry Arabic clitics (و ف ب ل ك, two-letter combinations such as
  وب ول, and وال بال لل ...): they are stripped only when the rest, or ال + the rest after a
  clitic that ends in the article, completes a known name (بحلب, وحماة, بالرقة, لإدلب, بدير
  الزور); a name that has a form with ال must keep it (فرقة "division" is not ف + رقة: Raqqa is
  الرقة). A Latin token ending in "s" is tried without it (Aleppo's -> aleppos -> aleppo) only
  when the token is not itself the start of a name, so "Hamas" is never Hama;
* all matches are collected and taken longest first, without overlaps; at equal length an exact
  token beats a clitic-stripped one (لبنان is Lebanon, not ل + بنان).

Case: Latin acronyms of up to three letters and acronyms flagged ambiguous (IS, US, WHO, AQ, TIP,
MIT, ...) must match in their capitals ("us" is not the United States); longer ones such as ISIS
also match "Isis". A Latin place name flagged ambiguous (Bab, Tal, Sham, Duma, Hole, ...) must be
capitalised. Text whose case cannot be recovered fails these checks.

Context, for names flagged ``ambiguous`` in the reference data (حماة "protectors", الباب "the
door", السلمية "peaceful", regime, IS, ...). Such a name is tagged only when:

* place: a trigger word precedes it (city/town/village/province/governorate/countryside/district
  of; مدينة بلدة قرية ريف محافظة محافظات ناحية منطقة بلدات قرى مدن, clitics allowed: بريف) or
  follows it (city, province, countryside, ...); or it stands in a list next to a tagged place
  (حلب وحماة, "Raqqa and Hama"); or at most three words place it in or beside a tagged place of
  the same governorate (السلمية بريف حماة, "Palmyra in Homs province", "north of Aleppo"); or a
  tagged place elsewhere in the text shares its governorate (for governorate and region names)
  or its district (for districts and anything smaller). The brief asked for the governorate; the
  district is used below it because every Hama story would otherwise turn السلمية "peaceful"
  into the town of Salamiyah. A preposition (in, near, في من إلى على قرب, or a ب/ل clitic:
  بحماة) is enough only for a governorate name whose other sense is not an everyday word
  (حماة "protectors", but not الجزيرة "the island"); for smaller places it proves little
  ("في الثورة" is "in the revolution", "in Bab al-Hawa" is not al-Bab, "في الجيزة" is likely
  Giza in Egypt);
* a one-word place name found only by stripping a clitic (وتبني, فاطمة = ف + أطمة) needs the same
  context, unless it names a governorate (بحلب, بالرقة, لإدلب);
* actor: the same actor is tagged elsewhere in the text by an unambiguous name; or it is an
  acronym written in capitals inside mixed-case text (an all-caps headline is not context).

Which entity a name means when several share it: a governorate name means the governorate unless
a city trigger (city of, مدينة, "... city") asks for the city, which then is the governorate's
capital town; otherwise the most specific unit wins (town, then sub-district, district, region);
a tie between units of the same level is settled by the governorates tagged elsewhere, else dropped.

Queries (``for_query=True``) relax the context rule only where that is plainly what the user
means. An ambiguous place name counts when its other sense is another referent rather than an
everyday word (حماة "protectors", Duma the Russian parliament, Jericho, Al Jazeera: so "تجنيد حماة"
finds Hama), or when it makes up the whole query, unless it is an everyday word in the query's own
script ("Bab" and "تدمر" alone are places; "الثورة" or "الباب" alone, "hole" or "sarin" alone are
not). An ambiguous actor name counts as the whole query ("regime", "التنظيم") or as an acronym
typed in capitals ("IS"). Ambiguous acronyms still need their capitals ("us" is never the United
States); capitalisation of other names is not required.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from search_app.utils import MappedCache
from search_app.text.arabic import ARABIC_ARTICLE, ARABIC_CLITICS, CONJUNCTION_CLITICS, ends_in_article, has_arabic
from search_app.text.normalize import normalized_tokens

from .names import Entity, Mention, NameIndex, Sense, canonical, name_index, source_case_tokens
from .roles import not_a_place  # context that makes a place name something else


PLACE_LEVELS = ("town", "subdistrict", "district", "region", "governorate")  # most specific first
_LEVEL_RANK = {level: rank for rank, level in enumerate(PLACE_LEVELS)}


_PLACE_TRIGGERS_BEFORE = frozenset({
    ("city", "of"), ("town", "of"), ("village", "of"), ("province", "of"), ("governorate", "of"),
    ("countryside", "of"), ("district", "of"), ("outskirts", "of"), ("suburbs", "of"),
    ("مدينه",), ("بلده",), ("قريه",), ("ريف",), ("محافظه",), ("محافظات",), ("ناحيه",), ("منطقه",),
    ("بلدات",), ("قري",), ("مدن",),
})
_PLACE_TRIGGERS_AFTER = frozenset({
    "city", "town", "village", "province", "governorate", "countryside", "district", "subdistrict",
    "suburbs",
})
# Prepositions: context only for a governorate name whose other sense is neither an everyday word
# nor another place (في حماة is Hama; في الثورة is "in the revolution", "in Bab al-Hawa" not al-Bab).
_WEAK_TRIGGERS_BEFORE = frozenset({
    ("in",), ("near",), ("في",), ("من",), ("الي",), ("علي",), ("قرب",), ("نحو",), ("باتجاه",), ("حول",),
})
_PREPOSITION_CLITICS = ("ب", "ل")
_CITY_TRIGGERS_BEFORE = frozenset({("city", "of"), ("town", "of"), ("مدينه",)})
_CITY_WORDS = frozenset({"city", "town", "مدينه"})
_LIST_CONNECTORS = frozenset({"and", "or", "و", "او"})
_NEARBY_TOKENS = 3
_WHERE_WORDS = frozenset({
    "ريف", "محافظه", "ناحيه", "منطقه", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي",
    "province", "governorate", "countryside", "district", "north", "south", "east", "west",
    "northern", "southern", "eastern", "western",
})
# Words in an ambiguity note that mean "this name is also an everyday word", not "another place".
_COMMON_WORD_NOTES = ("word", "common", "verb", "adjective", "personal name", "nerve agent")
# Notes that keep a name from counting even as a whole query, per script: "Bab" typed alone is
# al-Bab (its note is about the Arabic word), but "الثورة" typed alone is "the revolution".
_EVERYDAY_LATIN_NOTES = ("english word", "nerve agent")
_EVERYDAY_ARABIC_NOTES = ("common", "adjective", "personal name")


@dataclass
class _Match:
    start: int
    end: int
    senses: tuple[Sense, ...]
    stripped: str  # the clitic or possessive "s" removed from the first token, or ""


# ---------------------------------------------------------------------------------------------
# Matching


def _first_token_forms(token: str, prefixes: frozenset) -> list[tuple[str, str]]:
    """(form, what was stripped) for the token as it is and without a clitic or possessive s.

    A clitic that ends in the article gives the name with its article back (بالرقة -> الرقه);
    one without gives the bare rest (بحلب -> حلب, والرقة -> الرقه)."""
    forms = [(token, "")]
    if has_arabic(token):
        for clitic in ARABIC_CLITICS:
            rest = token[len(clitic):]
            if token.startswith(clitic) and len(rest) >= 2:
                forms.append((ARABIC_ARTICLE + rest if ends_in_article(clitic) else rest, clitic))
    elif token.endswith("s") and len(token) > 3 and (token,) not in prefixes:
        forms.append((token[:-1], "s"))
    return forms


def _needs_article(key: tuple[str, ...], clitic: str, index: NameIndex) -> bool:
    """A name written with ال keeps it after a clitic: فرقة is not ف + رقة (Raqqa is الرقة)."""
    return (bool(clitic) and has_arabic(clitic) and not ends_in_article(clitic)
            and (ARABIC_ARTICLE + key[0],) + key[1:] in index.senses)


def _starting_forms(token: str) -> tuple[tuple[str, str], ...]:
    """The forms of ``token`` (``_first_token_forms``) that begin some name in the global index;
    most tokens have none, and the same words recur: asked once per distinct token."""
    prefixes = name_index().prefixes
    return tuple((form, stripped) for form, stripped in _first_token_forms(token, prefixes) if (form,) in prefixes)


_all_starting_forms = MappedCache(_starting_forms, limit=200_000)


def _raw_matches(tokens: list[str], index: NameIndex) -> list[_Match]:
    if index is name_index():
        forms = _all_starting_forms(tokens)
    else:
        forms = [_first_token_forms(token, index.prefixes) for token in tokens]
    matches = []  # most tokens begin no name: skip them at C speed
    for start in itertools.compress(range(len(tokens)), forms):
        for form, stripped in forms[start]:
            key, end = (form,), start + 1
            while key in index.prefixes:
                if key in index.senses and not _needs_article(key, stripped, index):
                    matches.append(_Match(start, end, index.senses[key], stripped))
                if end == len(tokens):
                    break
                key, end = key + (tokens[end],), end + 1
    return matches


class _SourceCase:
    """The source-case tokens, computed only when a match needs them."""

    def __init__(self, text: str, n_tokens: int):
        self._text, self._n_tokens, self._tokens = text, n_tokens, None

    @property
    def tokens(self) -> list[str] | None:
        if self._tokens is None:
            tokens = source_case_tokens(self._text)
            self._tokens = tokens if len(tokens) == self._n_tokens else []
        return self._tokens or None

    def mixed_case_around(self, start: int, end: int) -> bool:
        """Some Latin word near the span has a lower-case letter (the text is not shouting)."""
        tokens = self.tokens or []
        window = tokens[max(0, start - 4):start] + tokens[end:end + 4]
        return any(any(ch.islower() for ch in token) for token in window)


def _case_allows(sense: Sense, match: _Match, case: _SourceCase, for_query: bool) -> bool:
    if sense.cased is not None and (sense.cased_in_query or not for_query):
        source = case.tokens
        if source is None or tuple(source[match.start:match.end]) != sense.cased:
            return False
    if sense.capitalised and not for_query:
        source = case.tokens
        if source is None or not source[match.end - 1][:1].isupper():
            return False
    return True


def _select_longest(matches: list[_Match]) -> list[_Match]:
    taken, chosen = set(), []
    # Longest first; at equal length the token as written, then the shortest clitic (ولبنان is
    # و + لبنان, not ول + بنان).
    for match in sorted(matches, key=lambda m: (m.start - m.end, len(m.stripped), m.start)):
        span = range(match.start, match.end)
        if not taken.intersection(span):
            taken.update(span)
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def _preceding_forms(tokens: list[str], position: int) -> set[tuple[str, ...]]:
    """The one or two tokens before ``position``, with a leading clitic also stripped."""
    found = set()
    if position >= 1:
        for form, _ in _first_token_forms(tokens[position - 1], frozenset()):
            found.add((form,))
    if position >= 2:
        found.add(tuple(tokens[position - 2:position]))
    return found


@dataclass
class _Context:
    tokens: list[str]
    for_query: bool
    governorates: set[str]
    districts: set[str]
    actors: set[str]
    resolved: dict[int, Entity]  # match position in the selected list -> entity

    def trigger_before(self, match: _Match, triggers: frozenset) -> bool:
        return bool(_preceding_forms(self.tokens, match.start) & triggers)

    def weak_trigger(self, match: _Match) -> bool:
        """A preposition before the name, or a ب/ل clitic on it (بحماة "in Hama")."""
        clitic = match.stripped
        if clitic.endswith(ARABIC_ARTICLE):
            clitic = clitic[:-len(ARABIC_ARTICLE)]
        return (self.trigger_before(match, _WEAK_TRIGGERS_BEFORE)
                or any(letter in clitic for letter in _PREPOSITION_CLITICS))

    def trigger_after(self, match: _Match) -> bool:
        return match.end < len(self.tokens) and self.tokens[match.end] in _PLACE_TRIGGERS_AFTER

    def tag(self, position: int, entity: Entity) -> None:
        """``entity`` stands at ``position``; its area or the actor now confirms other names."""
        self.resolved[position] = entity
        if entity.kind == "place" and entity.governorate:
            self.governorates.add(entity.governorate)
            if entity.district:
                self.districts.add(entity.district)
        elif entity.kind == "actor":
            self.actors.add(entity.id)

    def city_context(self, match: _Match) -> bool:
        key = self.tokens[match.start:match.end]
        following = self.tokens[match.end:match.end + 1]
        return (self.trigger_before(match, _CITY_TRIGGERS_BEFORE)
                or bool(_CITY_WORDS.intersection(key)) or bool(_CITY_WORDS.intersection(following)))


def _near_tagged_place(position: int, sense: Sense, matches: list[_Match], context: _Context) -> bool:
    """In a list next to a tagged place (حلب وحماة, "Raqqa and Hama"), or placed by a few words
    inside or beside a tagged place of the same governorate (السلمية بريف حماة, "Palmyra in Homs
    province", "north of Aleppo"; not المظاهرات السلمية في حماة)."""
    match = matches[position]
    for other in range(position - 2, position + 3):
        entity = context.resolved.get(other)
        if other == position or entity is None or entity.kind != "place":
            continue
        neighbour = matches[other]
        first, second = sorted((match, neighbour), key=lambda m: m.start)
        gap = context.tokens[first.end:second.start]
        listed = gap[0] in _LIST_CONNECTORS if len(gap) == 1 else not gap and _joined_as_list(second, context.tokens)
        if listed:
            return True
        if (len(gap) <= _NEARBY_TOKENS and entity.governorate == sense.entity.governorate
                and (_says_where(gap) or context.trigger_after(neighbour))):
            return True
    return False


def _says_where(gap: list[str]) -> bool:
    """The words between two names place one inside or beside the other (بريف, "north of")."""
    return any(form in _WHERE_WORDS for token in gap for form, _ in _first_token_forms(token, frozenset()))


_QUERY_FILLERS = frozenset({"of", "the"})


def place_word_beside(tokens: list[str], start: int, end: int) -> bool:
    """A word that says "place" stands right before or after ``tokens[start:end]`` (village of,
    بلدة, بريف, "... province"): the name there is meant as a place. ``tokens`` as ``text_tokens``."""
    return (bool(_preceding_forms(tokens, start) & _PLACE_TRIGGERS_BEFORE)
            or (end < len(tokens) and tokens[end] in _PLACE_TRIGGERS_AFTER))


def _whole_query(match: _Match, context: _Context) -> bool:
    """Nothing else in the query but the name and words like "city of" or "the"."""
    rest = context.tokens[:match.start] + context.tokens[match.end:]
    return all(token in _CITY_WORDS or token in _QUERY_FILLERS or token in _PLACE_TRIGGERS_AFTER
               or (token,) in _PLACE_TRIGGERS_BEFORE for token in rest)


def _context_note(sense: Sense, match: _Match) -> str | None:
    """Why this name needs context where it stands, or None when it needs none."""
    if sense.ambiguous is not None:
        return sense.ambiguous
    if (sense.entity.kind == "place" and sense.entity.level != "governorate"
            and match.end - match.start == 1 and has_arabic(match.stripped)):
        return "common word plus a clitic, perhaps"  # فاطمة = ف + أطمة, وتبني = و + تبني
    return None


def _confirmed(sense: Sense, position: int, matches: list[_Match], context: _Context,
               case: _SourceCase) -> bool:
    """Whether ``sense`` holds where its name stands: always for a name that needs no context."""
    match = matches[position]
    note = _context_note(sense, match)
    if note is None:
        return True
    if sense.entity.kind == "actor":
        return _actor_confirmed(sense, match, context, case)
    return _place_confirmed(sense, note.lower(), position, matches, context)


def _actor_confirmed(sense: Sense, match: _Match, context: _Context, case: _SourceCase) -> bool:
    """An ambiguous actor's name counts once the actor is tagged, when written in its own capitals
    amid mixed-case text, or in a query that is the name alone or an acronym."""
    if sense.entity.id in context.actors:
        return True
    if context.for_query:
        return _whole_query(match, context) or sense.cased is not None
    return sense.cased is not None and case.mixed_case_around(match.start, match.end)


def _place_confirmed(sense: Sense, note: str, position: int, matches: list[_Match], context: _Context) -> bool:
    """An ambiguous place name counts with a trigger word beside it ("in", بريف), next to or near a
    tagged place, or with another tagged place of its area; in a query, also on its own."""
    match = matches[position]
    # The note names another referent (a person, a place abroad), not an everyday word.
    other_referent = not any(word in note for word in _COMMON_WORD_NOTES)
    if context.for_query and (other_referent or _alone_in_query(note, match, context)):
        return True
    return (context.trigger_before(match, _PLACE_TRIGGERS_BEFORE) or context.trigger_after(match)
            or (other_referent and sense.entity.level == "governorate" and context.weak_trigger(match))
            or _near_tagged_place(position, sense, matches, context)
            or _cooccurs(sense, context))


def _alone_in_query(note: str, match: _Match, context: _Context) -> bool:
    """The query is the name alone and the name is not an everyday word of its script."""
    everyday = _EVERYDAY_ARABIC_NOTES if has_arabic(context.tokens[match.start]) else _EVERYDAY_LATIN_NOTES
    return _whole_query(match, context) and not any(word in note for word in everyday)


def _joined_as_list(second: _Match, tokens: list[str]) -> bool:
    """Two names with nothing between them form a list when the second starts with "and" (حلب
    وحماة) or, in Latin script, when a comma stood between them ("Aleppo, Hama"); حلب السلمية
    ("Aleppo's peaceful ...") and الثورة بريف دمشق are not lists."""
    if has_arabic(tokens[second.start]):
        return second.stripped[:1] in CONJUNCTION_CLITICS
    return True


def _cooccurs(sense: Sense, context: _Context) -> bool:
    """Another tagged place shares the governorate (for a governorate or region name) or the
    district (for anything smaller): "peaceful" السلمية next to any Hama story would otherwise
    become the town of Salamiyah."""
    entity = sense.entity
    if entity.level in ("governorate", "region") or entity.district is None:
        return entity.governorate is not None and entity.governorate in context.governorates
    return entity.district in context.districts


def _choose(senses: list[Sense], match: _Match, context: _Context) -> Entity | None:
    """The one entity the confirmed senses point to, preferring places to actors; when several
    remain, the one already known from the text (its governorate or the actor tagged), else None."""
    places = [sense.entity for sense in senses if sense.entity.kind == "place"]
    if places:
        candidates = _likeliest_places(places, match, context)
        known = [entity for entity in candidates if entity.governorate in context.governorates]
    else:
        candidates = [sense.entity for sense in senses]
        known = [entity for entity in candidates if entity.id in context.actors]
    if len(candidates) == 1:
        return candidates[0]
    return known[0] if len(known) == 1 else None


def _likeliest_places(places: list[Entity], match: _Match, context: _Context) -> list[Entity]:
    """The places of the highest level a name may mean: governorates (Hama) unless only smaller
    places share the name or the words around it speak of a city ("Hama city", مدينة حماة)."""
    governorates = [entity for entity in places if entity.level == "governorate"]
    others = [entity for entity in places if entity.level != "governorate"]
    if governorates and (not others or not context.city_context(match)):
        places = governorates
    else:
        places = others
    best = min(_LEVEL_RANK[entity.level] for entity in places)
    return [entity for entity in places if _LEVEL_RANK[entity.level] == best]


def _reads_otherwise(match: _Match, entity: Entity, context: _Context) -> bool:
    """A person, a road, a place abroad, a common noun (roles.not_a_place); trigger asked if it matters."""
    where = (context.tokens, match.start, match.end, entity.level)
    return not_a_place(*where, False, match.stripped) and not_a_place(
        *where, context.trigger_before(match, _PLACE_TRIGGERS_BEFORE), match.stripped)


def _resolve(matches: list[_Match], tokens: list[str], case: _SourceCase, for_query: bool) -> dict[int, Entity]:
    context = _Context(tokens, for_query, set(), set(), set(), {})
    changed = True
    while changed:  # each tagged name can confirm ambiguous ones; stop when nothing new is tagged
        changed = False
        for position, match in enumerate(matches):
            if position in context.resolved:
                continue
            senses = [s for s in match.senses if _confirmed(s, position, matches, context, case)]
            entity = _choose(senses, match, context) if senses else None
            if entity is None or (entity.kind == "place" and not for_query and _reads_otherwise(match, entity, context)):
                continue
            context.tag(position, entity)
            changed = True
    return context.resolved


def find_mentions(text: str, *, for_query: bool = False) -> list[Mention]:
    """Places and actors named in ``text``: non-overlapping, longest names first, in text order."""
    return list(_cached_mentions(text, for_query))


@lru_cache(maxsize=64)
def text_tokens(text: str) -> tuple[str, ...]:
    """The tokens ``Mention`` offsets index: normalised, Latin articles spelled "al"."""
    return canonical(normalized_tokens(text))


@lru_cache(maxsize=64)
def _cached_mentions(text: str, for_query: bool) -> tuple[Mention, ...]:
    # Cached because ingest asks for places and actors of the same article one after the other.
    tokens = list(text_tokens(text))
    if not tokens:
        return ()
    index = name_index()
    case = _SourceCase(text, len(tokens))
    matches = []
    for match in _raw_matches(tokens, index):
        senses = tuple(s for s in match.senses if _case_allows(s, match, case, for_query))
        if senses:
            matches.append(_Match(match.start, match.end, senses, match.stripped))
    selected = _select_longest(matches)
    resolved = _resolve(selected, tokens, case, for_query)
    return tuple(Mention(selected[i].start, selected[i].end, entity, selected[i].stripped)
                 for i, entity in sorted(resolved.items()))

