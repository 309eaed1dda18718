"""The punctuation classes that join, split or drop out of words, each defined once.

Each is a string of characters ready to go inside a regex class (``f"[{HYPHENS}]"``) or to test
membership (``ch in HYPHENS``). The Arabic classes (letters, marks, clitics) live in ``arabic``.
"""

# Join the parts of one word (al-Assad, Deir ez-Zor): hyphen-minus, hyphen, non-breaking hyphen.
# "-" comes first so the string stays a literal inside a regex class.
HYPHENS = "-\u2010\u2011"
# Figure dash, en dash, em dash, horizontal bar: they separate words and never join them.
DASHES = "\u2012\u2013\u2014\u2015"
# Join the parts of one word too (Ma'arrat, Dar’a): ASCII apostrophe, left and right single quotes,
# backtick.
APOSTROPHES = "'\u2018\u2019`"
# The apostrophes of an English possessive (Assad's, Assad’s).
POSSESSIVE_APOSTROPHES = "'\u2019"
# Modifier letters that transliterations write for hamza and ayn (Darʼa, Raʾs, Maʿarrat). Unicode
# counts them as letters, so they never end a word; folding drops them with the apostrophes.
MODIFIER_APOSTROPHE = "\u02BC"
LETTER_APOSTROPHES = f"{MODIFIER_APOSTROPHE}\u02BE\u02BF"
