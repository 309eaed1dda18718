"""One normal form for matching names and query words in either script."""
import re

from .arabic import TOKEN_PATTERN, normalize_arabic
from .latin import fold_latin

_TOKEN = re.compile(TOKEN_PATTERN)


def normalize_text(text: str) -> str:
    """Arabic normalisation plus Latin folding; the form gazetteer and query matching share."""
    return fold_latin(normalize_arabic(text))


def normalized_tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize_text(text))
