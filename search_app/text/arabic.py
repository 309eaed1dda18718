"""Arabic normalisation and a Light10-style light stemmer.

Rules and their order follow ``arabic-normalization.md`` in the shared reference
folder: the same chain runs at index time and at query time.
"""
import re
import unicodedata

# Combining marks that Python's \w does not match; tokens must include them so a
# diacritic never splits a word, and the normaliser then deletes them.
ARABIC_MARKS = "\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED"
# Embedding, override and isolate controls: they reorder the text around them on the page.
BIDI_CONTROLS = "\u202A-\u202E\u2066-\u2069"
FORMAT_CHARS = f"\u200B-\u200F\u061C\uFEFF{BIDI_CONTROLS}"
TOKEN_PATTERN = rf"[\w{ARABIC_MARKS}{FORMAT_CHARS}]+"

_MARKS_AND_TATWEEL = re.compile(f"[{ARABIC_MARKS}\u0640{FORMAT_CHARS}]")
_LETTER_MAP = {
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ -> ا
    "\u0649": "\u064A", "\u06CC": "\u064A", "\u06D0": "\u064A",  # ى ی ې -> ي
    "\u06A9": "\u0643",  # ک -> ك
    "\u0629": "\u0647", "\u06C0": "\u0647",  # ة ۀ -> ه
    "\u0624": "\u0621", "\u0626": "\u0621",  # ؤ ئ -> ء
}
_LETTER_MAP.update({chr(0x0660 + i): str(i) for i in range(10)})
_LETTER_MAP.update({chr(0x06F0 + i): str(i) for i in range(10)})
_TRANSLATION = str.maketrans(_LETTER_MAP)

PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")

# The letters of Arabic itself, hamza to yeh (ء-ي), as written after normalize_arabic.
ARABIC_LETTERS = "\u0621-\u064A"
# Every block of the Arabic script: letters of Persian and Urdu, presentation forms, marks.
ARABIC_SCRIPT = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
_ARABIC_LETTER = re.compile(f"[{ARABIC_SCRIPT}]")

# What Arabic writes onto the front of a word: a conjunction, a preposition, then the article
# (وبالمدينة = و + ب + ال + مدينة). ل before the article merges with it: لل.
ARABIC_ARTICLE = "ال"
CONJUNCTION_CLITICS = ("و", "ف")  # and, so
PREPOSITION_CLITICS = ("ب", "ل", "ك")  # in/by, to/for, as/like


def clitic_prefixes(conjunctions=CONJUNCTION_CLITICS, prepositions=PREPOSITION_CLITICS,
                    article: bool = False) -> tuple[str, ...]:
    """Every prefix of a conjunction, a preposition and (with ``article``) the article, in the
    order Arabic writes them, longest first so a loop strips the most it can; never the bare
    article, which is part of the word."""
    found = []
    for conjunction in ("",) + tuple(conjunctions):
        for preposition in ("",) + tuple(prepositions):
            for with_article in (False, True) if article else (False,):
                if with_article:
                    clitic = conjunction + ("لل" if preposition == "ل" else preposition + ARABIC_ARTICLE)
                else:
                    clitic = conjunction + preposition
                if clitic and clitic != ARABIC_ARTICLE:
                    found.append(clitic)
    return tuple(sorted(dict.fromkeys(found), key=len, reverse=True))


# Every clitic, the article included: what the gazetteer matchers and the spelling check strip.
ARABIC_CLITICS = clitic_prefixes(article=True)


def ends_in_article(clitic: str) -> bool:
    """Whether stripping ``clitic`` took the word's article with it (بالرقة, للرقة)."""
    return clitic.endswith(ARABIC_ARTICLE) or clitic.endswith("لل")


def normalize_arabic(text: str) -> str:
    """NFKC, drop marks/tatweel/format characters, fold letter variants and digits."""
    if text.isascii():  # NFKC keeps ASCII as it is, and no mark or letter to fold is ASCII
        return text
    text = unicodedata.normalize("NFKC", text)
    text = _MARKS_AND_TATWEEL.sub("", text)
    return text.translate(_TRANSLATION)


def light10(word: str) -> str:
    """Strip at most one prefix, then each suffix once, keeping at least two letters."""
    for prefix in PREFIXES:
        if len(prefix) == 1 and len(word) < 4:
            continue
        if len(word) >= len(prefix) + 2 and word.startswith(prefix):
            word = word[len(prefix):]
            break
    for suffix in SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def has_arabic(text: str) -> bool:
    return bool(_ARABIC_LETTER.search(text))


def arabic_letter_count(text: str) -> int:
    return len(_ARABIC_LETTER.findall(text))
