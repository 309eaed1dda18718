"""Language of an article: script first, langdetect only when the script does not decide.

Arabic letters are certain evidence, so a text whose first ~400 letters are mostly Arabic is 'ar'
without a statistical guess. Anything else goes to langdetect (seeded, so the same text always gets
the same answer) over its first ~1000 characters. Never call this on a query: "Aleppo" alone is
not Italian.
"""
from __future__ import annotations

from langdetect import DetectorFactory, LangDetectException, detect

from search_app.text.arabic import has_arabic

DetectorFactory.seed = 0

UNDETERMINED = "und"
SCRIPT_LETTERS = 400
DETECT_CHARS = 1000


def detect_language(text: str | None) -> str:
    """'ar', a langdetect code such as 'en' or 'fr', or 'und' when there is nothing to go on."""
    if not text:
        return UNDETERMINED
    letters = []
    for ch in text:
        if ch.isalpha():
            letters.append(ch)
            if len(letters) == SCRIPT_LETTERS:
                break
    if not letters:
        return UNDETERMINED
    if sum(has_arabic(ch) for ch in letters) * 2 > len(letters):
        return "ar"
    try:
        return detect(text[:DETECT_CHARS])
    except LangDetectException:
        return UNDETERMINED
