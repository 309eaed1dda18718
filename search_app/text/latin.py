"""Folding of Latin-script names so spellings of one place or actor compare equal."""
import re
import unicodedata

# A possessive goes before apostrophes are dropped: "Hama's" is Hama, never "Hamas".
_POSSESSIVE = re.compile("(?<=\\w)['\u2019\u02BC]s\\b", re.IGNORECASE)
APOSTROPHE_PATTERN = re.compile("[\u2018\u2019\u02BF\u02BE`'\u02BC]")
HYPHEN_PATTERN = re.compile("[-\u2010-\u2015_]")
# Every combining mark (all lie below U+20000), for str.translate: one C-level pass instead of a
# Python test per character, which made folding the largest cost of ingesting an article.
_WITHOUT_MARKS = {code: None for code in range(0x20000) if unicodedata.combining(chr(code))}


def fold_latin(text: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces (Dar'a -> dara, Ḩimş -> hims)."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = decomposed if decomposed.isascii() else decomposed.translate(_WITHOUT_MARKS)
    without_marks = APOSTROPHE_PATTERN.sub("", _POSSESSIVE.sub("", without_marks))
    return HYPHEN_PATTERN.sub(" ", without_marks).casefold()
