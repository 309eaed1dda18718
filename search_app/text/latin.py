"""Folding of Latin-script names so spellings of one place or actor compare equal."""
import re
import unicodedata

from .characters import (APOSTROPHES, DASHES, HYPHENS, LETTER_APOSTROPHES, MODIFIER_APOSTROPHE,
                         POSSESSIVE_APOSTROPHES)

# A possessive goes before apostrophes are dropped: "Hama's" is Hama, never "Hamas". The
# apostrophe comes first and the letter before it is looked behind at from there, so the engine
# scans for apostrophes (five times faster than a pattern starting with the look-behind, which it
# tries at every character of every text folded).
_APOSTROPHE_S = f"{POSSESSIVE_APOSTROPHES}{MODIFIER_APOSTROPHE}"
_POSSESSIVE = re.compile(f"[{_APOSTROPHE_S}](?<=\\w[{_APOSTROPHE_S}])s\\b", re.IGNORECASE)
# What folding drops, and what it turns into a space (the underscore too: \\w would keep it).
DROPPED_APOSTROPHES = re.compile(f"[{APOSTROPHES}{LETTER_APOSTROPHES}]")
SPACED_HYPHENS = re.compile(f"[{HYPHENS}{DASHES}_]")


class _CombiningMarks(dict):
    """A ``str.translate`` table deleting combining marks: one C-level pass instead of a Python
    test per character (every name and token of an article is folded), filled in as characters
    are met (listing every mark up front took ~40 ms of each process's first query)."""

    def __missing__(self, code: int):
        value = None if unicodedata.combining(chr(code)) else code
        self[code] = value
        return value


_WITHOUT_MARKS = _CombiningMarks()


def fold_latin(text: str) -> str:
    """Casefold, strip accents, drop apostrophes, hyphens to spaces (Dar'a -> dara, Ḩimş -> hims)."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = decomposed if decomposed.isascii() else decomposed.translate(_WITHOUT_MARKS)
    without_marks = DROPPED_APOSTROPHES.sub("", _POSSESSIVE.sub("", without_marks))
    return SPACED_HYPHENS.sub(" ", without_marks).casefold()
