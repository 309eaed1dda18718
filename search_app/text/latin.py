"""Folding of Latin-script names so spellings of one place or actor compare equal."""
import re
import unicodedata
from functools import lru_cache

# A possessive goes before apostrophes are dropped: "Hama's" is Hama, never "Hamas".
_POSSESSIVE = re.compile("(?<=\\w)['\u2019\u02BC]s\\b", re.IGNORECASE)
_APOSTROPHES = re.compile("[\u2018\u2019\u02BF\u02BE`'\u02BC]")
_HYPHENS = re.compile("[-\u2010-\u2015_]")


@lru_cache(maxsize=None)
def _without_marks() -> dict[int, None]:
    """Every combining mark (all lie below U+20000), for str.translate: one C-level pass instead
    of a Python test per character, which made folding the largest cost of ingesting an article.
    Built on the first text with a mark (~10 ms: not at import, which every process pays)."""
    return {code: None for code in range(0x20000) if unicodedata.combining(chr(code))}


def fold_latin(text: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces (Dar'a -> dara, Ḩimş -> hims)."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = decomposed if decomposed.isascii() else decomposed.translate(_without_marks())
    without_marks = _APOSTROPHES.sub("", _POSSESSIVE.sub("", without_marks))
    return _HYPHENS.sub(" ", without_marks).casefold()
