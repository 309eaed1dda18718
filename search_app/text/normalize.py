"""One normal form for matching names and query words in either script."""
import functools
import re

from .arabic import TOKEN_PATTERN, normalize_arabic
from .latin import fold_latin

_TOKEN = re.compile(TOKEN_PATTERN)


def normalize_text(text: str) -> str:
    """Arabic normalisation plus Latin folding; the form gazetteer and query matching share."""
    return fold_latin(normalize_arabic(text))


def normalized_tokens(text: str) -> list[str]:
    """The tokens of ``text``, line by line: no normalisation step or token crosses a line break,
    and ingest asks for an article's body twice, once alone (near-duplicate signatures) and once
    inside title + body (places and actors), so lines met just before come from a cache."""
    if "\n" not in text:
        return list(_line_tokens(text))
    tokens = []
    for line in text.split("\n"):
        tokens += _line_tokens(line)
    return tokens


@functools.lru_cache(maxsize=512)
def _line_tokens(line: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(normalize_text(line)))
