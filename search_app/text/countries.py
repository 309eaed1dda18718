"""Country names and nationality adjectives in English and Arabic, from CLDR (through Babel).

Babel's compiled CLDR data gives one name per country and language (``Locale('ar').territories``:
JO -> الأردن). CLDR's alternative names (``alt="short"``, ``alt="variant"``: "Turkey" beside
"Türkiye", "Czech Republic" beside "Czechia") are left out of Babel's data, so the few that news
uses are listed below with the CLDR alt they come from. CLDR has no nationality adjectives and no
library installed here carries them well, so they are derived by rules (``english_adjectives``,
``arabic_adjectives``) with a short list of English irregulars; the tests pin both.

Arabic names are used as CLDR writes them: a name that carries the article (الأردن, العراق) keeps
it, one that does not (سوريا, لبنان, تركيا) never takes it (السوريا is not Arabic). Clitics (بالأردن,
ولبنان) are the matcher's business, as for every other name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from .arabic import ARABIC_ARTICLE, ends_in_article, has_arabic
from .normalize import normalized_tokens
from .table_cache import cached_table

# Names and adjectives that are more often something else in the text they would be searched in:
# مالي "financial" (Mali); تركي the given name Turki (تركي بن ..., تركي السديري: a good part of its
# uses in the Arabic news sample). Neither recognised nor searched for; the country keeps its
# other forms (تركية, التركي, الأتراك ...).
EVERYDAY_WORD_NAMES = frozenset({"مالي", "تركي"})

# Two-letter CLDR region codes that are not countries: groupings and private-use codes.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})

# CLDR ``alt="short"`` / ``alt="variant"`` names (common/main/en.xml, ar.xml) missing from Babel.
CLDR_ALTERNATIVES_EN = {
    "TR": ("Turkey",), "CZ": ("Czech Republic",), "CI": ("Ivory Coast",), "SZ": ("Swaziland",),
    "TL": ("East Timor",), "PS": ("Palestine",), "HK": ("Hong Kong",), "MO": ("Macao",),
    "BA": ("Bosnia",), "CD": ("DR Congo",), "CG": ("Republic of the Congo",), "MK": ("Macedonia",),
}
# Left out on purpose: the short forms "US" and "UK", which the actor table already matches with
# the case rule they need ("us" is a pronoun).
CLDR_ALTERNATIVES_AR = {"PS": ("فلسطين",), "HK": ("هونغ كونغ",)}

# English nationality adjectives the suffix rules cannot make (Lebanon -> Lebanese, not
# Lebanonian). Usage as in the CIA World Factbook's "Nationality: adjective" entries.
IRREGULAR_ADJECTIVES_EN = {
    "AE": ("Emirati",), "AF": ("Afghan",), "AR": ("Argentine", "Argentinian"), "AZ": ("Azerbaijani",),
    "BD": ("Bangladeshi",), "BE": ("Belgian",), "BH": ("Bahraini",), "BR": ("Brazilian",),
    "BY": ("Belarusian",), "CA": ("Canadian",), "CH": ("Swiss",), "CL": ("Chilean",), "CN": ("Chinese",),
    "CY": ("Cypriot",), "CZ": ("Czech",), "DE": ("German",), "DK": ("Danish",), "DZ": ("Algerian",), "EG": ("Egyptian",),
    "ES": ("Spanish",), "FI": ("Finnish",), "FR": ("French",), "GB": ("British",), "GR": ("Greek",),
    "HU": ("Hungarian",), "IE": ("Irish",), "IL": ("Israeli",), "IQ": ("Iraqi",), "IR": ("Iranian",),
    "IT": ("Italian",), "JO": ("Jordanian",), "JP": ("Japanese",), "KP": ("North Korean",),
    "KR": ("South Korean",), "KW": ("Kuwaiti",), "LB": ("Lebanese",), "LY": ("Libyan",),
    "MA": ("Moroccan",), "MM": ("Burmese",), "ML": ("Malian",), "MT": ("Maltese",), "MX": ("Mexican",), "NL": ("Dutch",),
    "NO": ("Norwegian",), "NP": ("Nepali",), "NZ": ("New Zealander",), "OM": ("Omani",),
    "PE": ("Peruvian",), "PH": ("Filipino",), "PK": ("Pakistani",), "PL": ("Polish",),
    "PS": ("Palestinian",), "PT": ("Portuguese",), "QA": ("Qatari",), "SA": ("Saudi", "Saudi Arabian"),
    "SD": ("Sudanese",), "SE": ("Swedish",), "SO": ("Somali",), "SS": ("South Sudanese",),
    "SY": ("Syrian",), "TD": ("Chadian",), "TN": ("Tunisian",), "TR": ("Turkish",), "TW": ("Taiwanese",),
    "UA": ("Ukrainian",), "US": ("American",), "VN": ("Vietnamese",), "YE": ("Yemeni",),
}

# Arabic names that news uses beside CLDR's formal ones, and that the nisba comes from
# (السعودية -> سعودي, not المملكة العربية السعودية); سورية is the other common spelling of سوريا.
EVERYDAY_NAMES_AR = {
    "SA": ("السعودية",), "AE": ("الإمارات",), "US": ("أمريكا", "أميركا"), "GB": ("بريطانيا",),
    "SY": ("سورية",), "CZ": ("تشيكيا",),
}


@dataclass(frozen=True)
class Country:
    code: str  # CLDR / ISO 3166 two-letter region code
    en: str  # Babel's English name
    ar: str  # Babel's Arabic name
    names_en: tuple[str, ...]
    names_ar: tuple[str, ...]
    adjectives_en: tuple[str, ...]
    adjectives_ar: tuple[str, ...]

    @property
    def all_names(self) -> tuple[str, ...]:
        return self.names_en + self.adjectives_en + self.names_ar + self.adjectives_ar


_PARENTHESES = re.compile(r"\s*\(([^)]*)\)")


def _name_forms(name: str) -> list[str]:
    """CLDR's name, or for "Myanmar (Burma)" both of its parts."""
    inside = _PARENTHESES.findall(name)
    if not inside:
        return [name]
    return [form for form in [_PARENTHESES.sub("", name).strip()] + [part.strip() for part in inside] if form]


def english_adjectives(code: str, name: str) -> tuple[str, ...]:
    """Nationality adjectives of a country with this English name, with their plurals where
    English has them (Jordanian, Jordanians); empty when no rule is sure."""
    adjectives = IRREGULAR_ADJECTIVES_EN.get(code)
    if adjectives is None:
        adjectives = _english_rule(name)
    forms = []
    for adjective in adjectives:
        forms.append(adjective)
        if adjective.endswith(("an", "i")) and " " not in adjective:  # Jordanians, Iraqis; not Frenches
            forms.append(adjective + "s")
    return tuple(forms)


def _english_rule(name: str) -> tuple[str, ...]:
    if " " in name or not name.isalpha() or not name.isascii():
        return ()
    if name.endswith("stan"):
        return (name + "i",)  # Uzbekistani, Tajikistani
    if name.endswith("ia"):
        return (name + "n",)  # Syria -> Syrian, Russia -> Russian
    if name.endswith("a"):
        return (name + "n",)  # Cuba -> Cuban, Kenya -> Kenyan
    return ()  # Lebanon, Taiwan, Bhutan: no rule is safe; the irregulars list the ones news needs




def arabic_adjectives(name: str) -> tuple[str, ...]:
    """The nisba of a one-word Arabic country name in the forms news writes it: masculine,
    feminine, plural nominative and oblique, each with and without the article
    (الأردن -> أردني الأردني أردنية الأردنية أردنيون الأردنيون أردنيين الأردنيين). Empty
    for names of several words or ending in a vowel the rule cannot read (مالي, كونغو)."""
    if " " in name or "-" in name:
        return ()
    stem = name[len(ARABIC_ARTICLE):] if name.startswith(ARABIC_ARTICLE) else name
    if stem.endswith(("ا", "ة")):
        stem = stem[:-1]  # سوريا -> سوري, تركيا -> تركي, السعودية -> سعودي
        if stem.endswith("ي"):
            stem = stem[:-1]
    elif stem.endswith(("ي", "و", "ى")):
        return ()
    if len(stem) < 3:
        return ()
    forms = []
    for ending in ("ي", "ية", "يون", "يين"):
        forms += [stem + ending, ARABIC_ARTICLE + stem + ending]
    return tuple(forms)


@cached_table
def countries() -> dict[str, Country]:
    """Every country CLDR names, by region code; names that two countries share are dropped
    ("Congo" alone is neither Congo)."""
    english, arabic = Locale("en").territories, Locale("ar").territories
    codes = [code for code in english
             if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES and code in arabic]
    raw = {}
    for code in codes:
        names_en = _unique(form for name in (english[code],) + CLDR_ALTERNATIVES_EN.get(code, ())
                           for form in _name_forms(name))
        names_ar = _unique(form for name in ((arabic[code],) + CLDR_ALTERNATIVES_AR.get(code, ())
                                             + EVERYDAY_NAMES_AR.get(code, ()))
                           for form in _name_forms(name))
        adjectives_en = _unique(form for name in names_en for form in english_adjectives(code, name))
        adjectives_ar = _unique(form for name in names_ar for form in arabic_adjectives(name))
        raw[code] = (english[code], arabic[code], names_en, names_ar, adjectives_en, adjectives_ar)
    shared = _shared_keys(raw) | {_key(name) for name in EVERYDAY_WORD_NAMES}
    result = {}
    for code, (en, ar, *groups) in raw.items():
        kept = [tuple(name for name in group if _key(name) not in shared) for group in groups]
        result[code] = Country(code, en, ar, *kept)
    return result


def _key(name: str) -> tuple[str, ...]:
    return tuple(normalized_tokens(name))


def _shared_keys(raw) -> set[tuple[str, ...]]:
    owners: dict[tuple[str, ...], set[str]] = {}
    for code, (_, _, *groups) in raw.items():
        for group in groups:
            for name in group:
                owners.setdefault(_key(name), set()).add(code)
    return {key for key, codes in owners.items() if len(codes) > 1}


@cached_table
def country_names() -> dict[tuple[str, ...], str]:
    """Every name and adjective of every country, as ``normalized_tokens``, -> region code."""
    return {_key(name): country.code for country in countries().values()
            for name in country.all_names if _key(name)}


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for item in items if item))


# The clitics news writes most often on a country's name: "and", "in/by", "to/for", "so", and
# their pairs (وبالعراق, ولسوريا). ل before the article merges with it: لل.
_WRITTEN_CLITICS = ("و", "ب", "ل", "ف", "وب", "ول")


def arabic_clitic_forms(name: str) -> tuple[str, ...]:
    """An Arabic name as written with a clitic on its first word (والأردن, بالأردن, للأردن,
    ولبنان): the index keeps these as words of their own in its unstemmed fields."""
    forms = []
    for clitic in _WRITTEN_CLITICS:
        if clitic.endswith("ل") and name.startswith(ARABIC_ARTICLE):
            forms.append(clitic + name[1:])  # ل + الأردن -> للأردن
        else:
            forms.append(clitic + name)
    return tuple(forms)


@dataclass(frozen=True)
class CountryMention:
    start: int  # token offsets into normalized_tokens(text), end exclusive
    end: int
    country: Country


# A conjunction or preposition written onto an Arabic word (ولبنان, بسوريا); one ending in the
# article gives the name its article back (بالعراق -> العراق). Narrower than arabic.ARABIC_CLITICS
# (no كـ alone, no فبـ or فلـ): widening it would change which tokens name a country.
_ARABIC_CLITICS = ("وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "وب", "ول", "و", "ب", "ل", "ف")


def _first_forms(token: str) -> list[str]:
    forms = [token]
    if has_arabic(token[:1]):
        for clitic in _ARABIC_CLITICS:
            rest = token[len(clitic):]
            if token.startswith(clitic) and len(rest) >= 2:
                forms.append(ARABIC_ARTICLE + rest if ends_in_article(clitic) else rest)
    elif token.endswith("s") and len(token) > 3:
        forms.append(token[:-1])  # Jordan's -> jordans -> jordan
    return forms


@lru_cache(maxsize=None)
def _longest_name() -> int:
    return max(map(len, country_names()))


def find_countries(tokens: list[str]) -> list[CountryMention]:
    """Country names and nationality adjectives in ``tokens`` (``normalized_tokens`` output):
    longest first, without overlaps, in order."""
    names, found, position = country_names(), [], 0
    while position < len(tokens):
        match = None
        for length in range(min(_longest_name(), len(tokens) - position), 0, -1):
            rest = tuple(tokens[position + 1:position + length])
            code = next((names[(first,) + rest] for first in _first_forms(tokens[position])
                         if (first,) + rest in names), None)
            if code:
                match = CountryMention(position, position + length, countries()[code])
                break
        if match:
            found.append(match)
            position = match.end
        else:
            position += 1
    return found


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """CLDR's one-word English names of languages, as ``normalized_tokens`` writes them, each with
    the language's Arabic name: welsh -> الويلزية, syriac -> السريانية, kurdish -> الكردية."""
    english, arabic = Locale("en").languages, Locale("ar").languages
    names = {}
    for code, name in english.items():
        tokens = normalized_tokens(name)
        if len(tokens) == 1 and "_" not in code and code in arabic:
            names.setdefault(tokens[0], arabic[code])
    return names
