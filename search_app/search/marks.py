"""A whole text with every match of a query marked: the article page's highlighting.

Snippets pick the best fragments of a hit; a reader opening the article wants every match, in the
original and the translation, including the other spellings and translations the query was
expanded to. Both mark the same units the same way (``snippets.find_matches``): a phrase only
where its words stand together, every spelling of a place, never an excluded word.
"""
from __future__ import annotations

from whoosh.highlight import htmlescape

from .snippets import Unit, find_matches, mark_all, merge_matches


class TextMarker:
    """Marks the matches of one query (its units by analysing field) in any number of texts."""

    def __init__(self, schema=None, units: dict[str, list[Unit]] | None = None):
        self._schema, self._units = schema, units or {}

    def mark(self, text: str, lang: str) -> str:
        """``text`` as HTML: escaped, with ``<mark>`` around each match."""
        if self._schema is None or not self._units:
            return htmlescape(text, quote=False)
        body = "body_ar" if lang == "ar" else "body_en"
        matches = merge_matches(find_matches(text, self._schema[body].analyzer, self._units.get(body, ())),
                                find_matches(text, self._schema["exact"].analyzer, self._units.get("exact", ())))
        return mark_all(text, matches)
