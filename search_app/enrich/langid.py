"""Language of an article: script first, langdetect only when the script does not decide.

Arabic letters are certain evidence, so a text whose first ~400 letters are mostly Arabic is 'ar'
without a statistical guess. English function words are the next cheapest evidence: when at least
one word in twelve of the first 150 is one of them (English news runs at one in five; French,
German, Spanish and Dutch text at none), the text is 'en' (langdetect is far slower and said
'en' to every text this rule accepts in the real and generated corpora). Anything else goes
to langdetect (seeded, so the same text always gets the same answer) over its first ~1000
characters. Never call this on a query: "Aleppo" alone is not Italian.
"""
from __future__ import annotations

import itertools
import re

from langdetect import DetectorFactory, LangDetectException, detect

from search_app.text.arabic import arabic_letter_count

DetectorFactory.seed = 0

UNDETERMINED = "und"
SCRIPT_LETTERS = 400
DETECT_CHARS = 1000
# Words frequent in English and absent (or rare) as words of other Latin-script languages:
# no "a", "in", "on", "an", "at", "is", "was", "die", which other languages share.
ENGLISH_MARKERS = frozenset(
    "the of and to that with for from said has have had were which this their they been by are its it "
    "would will after".split())
MARKER_WORDS = 150
MARKER_MIN_WORDS = 20
MARKER_SHARE = 1 / 12
MARKER_SCAN_CHARS = 2000  # about 300 words of English
_WORD = re.compile(r"[^\W\d_]+")


def _reads_as_english(text: str) -> bool:
    words = _first_words(text)
    return (len(words) >= MARKER_MIN_WORDS
            and sum(map(ENGLISH_MARKERS.__contains__, map(str.lower, words))) >= MARKER_SHARE * len(words))


def _first_words(text: str) -> list[str]:
    """The first MARKER_WORDS words. Read from the text's start when that holds more of them (so
    the last one taken is whole: another starts after it), else from the whole text."""
    words = _WORD.findall(text, 0, MARKER_SCAN_CHARS)
    if len(words) > MARKER_WORDS or len(text) <= MARKER_SCAN_CHARS:
        return words[:MARKER_WORDS]
    return [match.group() for match in itertools.islice(_WORD.finditer(text), MARKER_WORDS)]


def detect_language(text: str | None) -> str:
    """'ar', a langdetect code such as 'en' or 'fr', or 'und' when there is nothing to go on."""
    if not text:
        return UNDETERMINED
    letters = "".join(itertools.islice(filter(str.isalpha, text), SCRIPT_LETTERS))
    if not letters:
        return UNDETERMINED
    if arabic_letter_count(letters) * 2 > len(letters):
        return "ar"
    if _reads_as_english(text):
        return "en"
    try:
        return detect(text[:DETECT_CHARS])
    except LangDetectException:
        return UNDETERMINED
