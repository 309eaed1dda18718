"""Context a reader uses to decide what a name is doing in a sentence, over normalised tokens.

Places (``not_a_place``): a name the matcher would tag is not a place when

* a given name, a kunya or a title stands before it: صالح حماه, محمد علي الشدادي, بن عثمان الركبان,
  "Sheikh ... al-Halabi" (a family name or a nisba, not the town);
* it names a road: طريق حلب (Tariq Halab, a district of Hama city), طريق دمشق حلب, "the Aleppo road",
  "the Damascus-Aleppo highway";
* a foreign country stands right after it, with no border between: قرية دوما بمدينة نابلس الفلسطينية,
  سوسة التونسية (another Duma, another Sousse). Governorate names are exempt;
* an Arabic town name with the article is followed by an adjective that makes it a common noun:
  الطبقة المتوسطة "the middle class" (not Tabqa); directions and "Syrian" do not count;
* درعا and other names ending in alif are followed by an accusative adjective: درعاً تذكارياً
  "a commemorative shield", درعاً حصيناً;
* a one-word name below governorate level follows a given name anywhere in the text: once محمد علي
  الشدادي is a man, الشدادي alone is him too;
* a Latin one-word name that is a generic first word (Tal, Bab, Ras, Deir, ...) goes on into a
  longer name the gazetteer lacks: "Tal Qarrah", "Tal al-Hawa" are not At Tall.

An explicit place trigger before the name (مدينة, "city of", ...) keeps a common noun or an
accusative a place (مدينة الطبقة), not a road, a person or a place abroad (قرية دوما بمدينة نابلس).

Actors (``acting_actors``):

* a foreign country named by its bare name or capital (Lebanon, لبنان, Ankara) is an actor only when
  it acts: a verb follows it (Turkey said, روسيا تقصف) or precedes it (أعلنت تركيا), an acting noun
  follows (Turkey's army, the US defence secretary) or precedes it (وزير خارجية تركيا, من قبل روسيا,
  "backed by Russia"); in a list ("Russia and Iran back ...", توصلت روسيا وإيران) the list's context
  counts for every member. A destination, a border, a base, a dateline, "Britain-based" or
  "US-backed" is no such context. Names that say it acts (Turkish army, القوات التركية) need none;
* an outlet that is also an actor (SOHR, SNHR, SANA) is an actor only when some mention is not
  quoting it: not after "according to", قال, ذكر, بحسب, "director of", not before "said",
  "reported", not the first words of the text (a headline's attribution); and never when it is the
  record's own source;
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from search_app.reference import load_context_words, load_places
from search_app.text.arabic import clitic_prefixes, has_arabic
from search_app.text.normalize import normalized_tokens

_CLITICS = clitic_prefixes(prepositions=("ب", "ل")) + ("ك",)  # and كـ alone


def _phrases(words) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(normalized_tokens(word)) for word in words if normalized_tokens(word))


@dataclass(frozen=True)
class _Words:
    countries: frozenset[str]
    outlets: frozenset[str]
    acting_name_words: frozenset[str]
    given_names: frozenset[str]
    road_words_after: frozenset[str]
    foreign_locators: frozenset[tuple[str, ...]]
    foreign_forms: frozenset[str]
    road_forms: frozenset[str]
    border_words: frozenset[str]
    not_adjectives: frozenset[str]
    countries_ending_ya: frozenset[str]
    verbs_en: frozenset[tuple[str, ...]]
    auxiliaries_en: frozenset[tuple[str, ...]]
    nouns_en: frozenset[str]
    before_en: frozenset[tuple[str, ...]]
    verbs_ar: frozenset[str]
    nouns_ar: frozenset[str]
    quoting_before: frozenset[tuple[str, ...]]
    quoting_after: frozenset[str]
    prepositions: frozenset[str]
    particles_ar: frozenset[str]
    directions_ar: frozenset[str]
    name_prefixes: frozenset[str]
    after_a_name: frozenset[str]


def _with_clitics(words) -> frozenset[str]:
    """The words as written alone or after a clitic (طريق, بطريق, وطريق): set lookups, not loops."""
    return frozenset(clitic + word for word in words for clitic in ("",) + _CLITICS
                     if not clitic or has_arabic(word))


def _single(words) -> frozenset[str]:
    return frozenset(phrase[0] for phrase in _phrases(words) if len(phrase) == 1)


@lru_cache(maxsize=None)
def _words() -> _Words:
    raw = load_context_words()
    return _Words(
        countries=frozenset(raw["countries"]), outlets=frozenset(raw["outlets"]),
        acting_name_words=_single(raw["acting_name_words"]), given_names=_single(raw["given_names"]),
        road_words_after=_single(raw["road_words_after"]),
        foreign_locators=_phrases(raw["foreign_locators"]), border_words=_single(raw["border_words"]),
        foreign_forms=_with_clitics(phrase[0] for phrase in _phrases(raw["foreign_locators"])),
        road_forms=_with_clitics(_single(raw["road_words"])),
        not_adjectives=_single(raw["not_adjectives"]), countries_ending_ya=_single(raw["countries_ending_ya"]),
        verbs_en=_phrases(raw["country_acting_verbs_en"]), auxiliaries_en=_phrases(raw["auxiliaries_en"]),
        nouns_en=_single(raw["country_acting_nouns_en"]), before_en=_phrases(raw["country_acting_before_en"]),
        verbs_ar=_single(raw["country_acting_verbs_ar"]), nouns_ar=_single(raw["country_acting_nouns_ar"]),
        quoting_before=_phrases(raw["quoting_before"]), quoting_after=_single(raw["quoting_after"]),
        prepositions=_single(raw["prepositions"]), particles_ar=_single(raw["particles_ar"]),
        directions_ar=_single(raw["directions_ar"]), name_prefixes=_single(raw["name_prefixes"]),
        after_a_name=_single(raw["after_a_name"]),
    )


@lru_cache(maxsize=100_000)
def _bare(token: str) -> frozenset[str]:
    """The token and its forms without a leading Arabic clitic (وقالت -> قالت, بدعم -> دعم)."""
    if not has_arabic(token):
        return frozenset((token,))
    return frozenset([token] + [token[len(c):] for c in _CLITICS if token.startswith(c) and len(token) - len(c) >= 2])


def _has_phrase(window: list[str], phrases: frozenset[tuple[str, ...]]) -> bool:
    """Some phrase occurs in the window (its first word may carry a clitic)."""
    for i in range(len(window)):
        for first in _bare(window[i]):
            for size in (1, 2, 3):
                if (first,) + tuple(window[i + 1:i + size]) in phrases:
                    return True
    return False


# ---------------------------------------------------------------------------------------------
# Places


def not_a_place(tokens: list[str], start: int, end: int, level: str, triggered: bool = False,
                clitic: str = "") -> bool:
    """The name at tokens[start:end] reads as something other than a place (module docstring);
    ``triggered``: a place trigger (مدينة, "city of") stands before it; ``clitic``: what the matcher
    read off its first token (ودير الزور: a list, so عيسى before it is not a man's name)."""
    words = _words()
    name = tokens[start:end]
    after = tokens[end] if end < len(tokens) else ""
    if not clitic and _follows_a_given_name(tokens, start, words):
        return True
    if level != "governorate" and not triggered and len(name) == 1 and name[0] in _people(tokens, words):
        return True  # named as a person elsewhere: "ويعد الشدادي ..." after "محمد علي الشدادي"
    if _names_a_road(tokens, start, end, words):
        return True
    if level != "governorate" and _foreign_after(tokens[end:end + 3], words):
        return True
    if len(name) == 1 and _starts_a_longer_name(name[0], after, words):
        return True
    return not triggered and len(name) == 1 and _noun_and_adjective(name[0], after, level, words)


def _follows_a_given_name(tokens: list[str], start: int, words: _Words) -> bool:
    """A given name stands before (محمد الشدادي), or علي after one: علي after a name is a name
    (محمد علي الشدادي); alone it is the preposition على."""
    before = tokens[start - 1] if start else ""
    return before in words.given_names or (before == "علي" and start >= 2 and tokens[start - 2] in words.given_names)


def _starts_a_longer_name(word: str, after: str, words: _Words) -> bool:
    """"Tal Qarrah", "Tal al-Hawa": a longer name the gazetteer lacks, not At Tall."""
    return word in words.name_prefixes and bool(after) and not has_arabic(after) and after not in words.after_a_name


def _noun_and_adjective(word: str, after: str, level: str, words: _Words) -> bool:
    """An Arabic name read as a noun by the adjective after it: الطبقه المتوسطه (a town's name), درعا
    تذكاريا, درعا حصينا (an accusative; not درعا جنوبا, درعا سوريا)."""
    if not has_arabic(word):
        return False
    if (level in ("town", "subdistrict") and word.startswith("ال")
            and after.startswith("ال") and after.endswith("ه") and after not in words.not_adjectives):
        return True
    return (word.endswith("ا") and after.endswith("ا") and len(after) >= 4
            and after not in words.countries_ending_ya and after not in words.directions_ar)


_people_cache: list = [None, frozenset()]


def _people(tokens: list[str], words: _Words) -> frozenset[str]:
    """Words that follow a given name somewhere in this text (الشدادي in محمد علي الشدادي), computed
    once per token list: the matcher asks for every place name of one text in turn."""
    if _people_cache[0] is not tokens:
        found = set()
        if not words.given_names.isdisjoint(tokens):  # most texts name nobody: decided at C speed
            found = {tokens[i + 1] for i in range(len(tokens) - 1) if tokens[i] in words.given_names}
            found |= {tokens[i + 1] for i in range(1, len(tokens) - 1)
                      if tokens[i] == "علي" and tokens[i - 1] in words.given_names}
        _people_cache[:] = [tokens, frozenset(found)]
    return _people_cache[1]


def _names_a_road(tokens: list[str], start: int, end: int, words: _Words) -> bool:
    """طريق حلب, طريق دمشق حلب (a road word up to two names back), "Aleppo road"."""
    if not words.road_forms.isdisjoint(tokens[max(0, start - 2):start]):
        return True
    following = tokens[end:end + 2]
    # "Aleppo road"; "Damascus Aleppo highway" (another place name between), not "Aleppo. Location: road"
    return bool(following) and (following[0] in words.road_words_after or (
        len(following) == 2 and following[1] in words.road_words_after and following[0] in _place_words()))


@lru_cache(maxsize=None)
def _place_words() -> frozenset[str]:
    """Every one-word Latin place name of the gazetteer, as the matcher's tokens spell it."""
    names = (name for record in load_places() for name in record["names_en"])
    return frozenset(tokens[0] for tokens in map(normalized_tokens, names) if len(tokens) == 1)


def _foreign_after(window: list[str], words: _Words) -> bool:
    if words.foreign_forms.isdisjoint(window):
        return False  # the usual case, decided at C speed
    for i, token in enumerate(window):
        if _bare(token) & words.border_words:
            return False
        if _has_phrase(window[i:i + 2], words.foreign_locators):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Actors


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    actor: str
    clitic: str = ""  # what the matcher stripped off the first token (بتركيا: ب)


def acting_actors(tokens: list[str], spans: list[Span], source_outlets: frozenset[str] = frozenset()) -> set[str]:
    """The actor ids that count, given where each is named (module docstring)."""
    words = _words()
    kept = set()
    groups: dict | None = None  # the lists names stand in, worked out when a bare country needs them
    for span in spans:
        if span.actor in kept:
            continue
        if span.actor in words.countries:
            if not _is_bare(tuple(tokens[span.start:span.end])):
                kept.add(span.actor)
                continue
            groups = groups if groups is not None else _lists(tokens, spans)
            if _group_acts(tokens, groups[span], words):
                kept.add(span.actor)
        elif span.actor in words.outlets:
            if span.actor not in source_outlets and not _quoted(tokens, span, words):
                kept.add(span.actor)
        else:
            kept.add(span.actor)
    return kept


@lru_cache(maxsize=4096)
def _is_bare(name: tuple[str, ...]) -> bool:
    """A country's name or capital, not a name that says it acts (Turkish army, القوات التركية)."""
    return not any(_bare(token) & _words().acting_name_words for token in name)


def _lists(tokens: list[str], spans: list[Span]) -> dict[Span, tuple[Span, Span]]:
    """Each span with the first and last member of the list it stands in (itself when alone):
    names side by side, or joined by and/or/و/أو."""
    groups: dict[Span, tuple[Span, Span]] = {}
    members: list[Span] = []
    for span in spans:
        if members and _joined(tokens, members[-1], span):
            members.append(span)
        else:
            _close(members, groups)
            members = [span]
    _close(members, groups)
    return groups


def _joined(tokens: list[str], left: Span, right: Span) -> bool:
    gap = tokens[left.end:right.start]
    return not gap or (len(gap) == 1 and gap[0] in ("and", "or", "و", "او"))


def _close(members: list[Span], groups: dict) -> None:
    for member in members:
        groups[member] = (members[0], members[-1])


def _group_acts(tokens: list[str], group: tuple[Span, Span], words: _Words) -> bool:
    """The list acts by what precedes its first name or, unless a preposition governs it (في
    تركيا, بتركيا, "in Turkey"), by what follows its last."""
    first, last = group
    if _acts_before(tokens, first.start, words):
        return True
    governed = any(letter in first.clitic for letter in "بلك") or (
        first.start > 0 and _bare(tokens[first.start - 1]) & words.prepositions)
    return not governed and _acts_after(tokens, last.end, words)


def _verb_form(token: str) -> bool:
    """A feminine past verb (أعلنت, قالت, شنت): not a plural noun in -ات, nor a noun with ال."""
    return len(token) >= 3 and token.endswith("ت") and not token.endswith("ات") and not token.startswith("ال")


def _present_verb(token: str) -> bool:
    """تريد, ترغب, يتمكن, ستقبل: a present or future verb, not a noun in -ة/-ات (تسوية)."""
    stem = token[1:] if token.startswith("س") and token[1:2] in ("ت", "ي") else token
    return (len(stem) >= 4 and stem[0] in "تي" and not stem.endswith(("ه", "ات", "ي"))
            and not stem.startswith("ال"))


def _acts_before(tokens: list[str], start: int, words: _Words) -> bool:
    if not start:
        return False
    previous = tokens[start - 1]
    if has_arabic(previous):
        forms = _bare(previous)
        if forms & (words.verbs_ar | words.nouns_ar) or any(_verb_form(form) or _present_verb(form) for form in forms):
            return True
        # بدعم من تركيا, من قبل روسيا, ممثلين عن إيران
        return previous in ("من", "عن") and start >= 2 and bool(_bare(tokens[start - 2]) & words.nouns_ar)
    if previous == "the":
        start -= 1
    return any(tuple(tokens[max(0, start - len(phrase)):start]) == phrase for phrase in words.before_en)


def _acts_after(tokens: list[str], end: int, words: _Words) -> bool:
    if end >= len(tokens):
        return False
    following = tokens[end]
    if has_arabic(following):
        if following in words.particles_ar and end + 1 < len(tokens):  # لا تريد, قد وافقت
            following = tokens[end + 1]
        # The verb itself, not one after و/ف: "تركيا ووصفت مصادر" starts a new clause.
        return following in words.verbs_ar or _verb_form(following) or _present_verb(following)
    position = _skip_auxiliaries(tokens, end, words)
    if position >= len(tokens):
        return False
    word = tokens[position]
    # After an auxiliary or a time ("has raised", "on Sunday acknowledged") any past form is a verb.
    return (word in words.nouns_en or (word,) in words.verbs_en
            or tuple(tokens[position:position + 2]) in words.verbs_en
            or (position > end and word.endswith("ed") and len(word) > 4))


def _skip_auxiliaries(tokens: list[str], position: int, words: _Words) -> int:
    """The position after any run of auxiliaries and adverbs (has, will, also, on Monday)."""
    for _ in range(4):
        for size in (3, 2, 1):
            if tuple(tokens[position:position + size]) in words.auxiliaries_en:
                position += size
                break
        else:
            return position
    return position


def _quoted(tokens: list[str], span: Span, words: _Words) -> bool:
    if span.start == 0:
        return True  # a headline's attribution: "المرصد السوري: مقتل ..."
    if _has_phrase(tokens[max(0, span.start - 4):span.start], words.quoting_before):
        return True
    return any(token in words.quoting_after for token in tokens[span.end:span.end + 12])
