"""A whole text with every word a query matched in it marked: the article page's highlighting.

Snippets (snippets.py) pick the best fragments of a hit; a reader opening the article wants every
match, in the original and the translation, including the other spellings and translations the
query was expanded to. A word counts as matched when the field's analyzer turns it into a term the
query looks for in that field (as Whoosh's highlighter decides), so "Hamah" in the text is marked
for a search on حماة, and "conscripted" for "conscription".
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.highlight import htmlescape

# The fields whose terms can occur in a text of each language, with the field whose analyzer
# reads that text: the stemmed fields of its script, then the exact (unstemmed) fields.
_FIELDS = {"ar": (("body_ar", ("body_ar", "title_ar")), ("exact", ("exact", "exact_title"))),
           "en": (("body_en", ("body_en", "title_en")), ("exact", ("exact", "exact_title")))}


def positive_terms(query, reader) -> dict[str, set[str]]:
    """The terms a query looks for, by field: what ``-word`` excludes is left out, and a
    ``word*`` stands for the index terms it matches."""
    found: dict[str, set[str]] = {}

    def walk(node) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.AndNot):
            walk(node.a)
            return
        if node.is_leaf():
            if node.has_terms():
                terms = node.expanded_terms(reader) if isinstance(node, wq.MultiTerm) else node.terms()
                for fieldname, text in terms:
                    text = text.decode("utf-8") if isinstance(text, bytes) else text
                    found.setdefault(fieldname, set()).add(text)
            return
        for child in node.children():
            walk(child)

    if query is not None:
        walk(query)
    return found


class TextMarker:
    """Marks the matches of one query in any number of texts (the query is read once)."""

    def __init__(self, schema=None, terms: dict[str, set[str]] | None = None):
        self._schema, self._terms = schema, terms or {}
        self._by_lang: dict[str, list] = {}  # per language: [(analyzer, terms)], built on first use

    def _readers_for(self, lang: str) -> list:
        key = "ar" if lang == "ar" else "en"
        if key not in self._by_lang:
            readers = []
            for analysed_as, fields in _FIELDS[key]:
                wanted = frozenset().union(*(self._terms.get(name, ()) for name in fields))
                if wanted and self._schema is not None:
                    readers.append((self._schema[analysed_as].analyzer, wanted))
            self._by_lang[key] = readers
        return self._by_lang[key]

    def spans(self, text: str, lang: str) -> list[tuple[int, int]]:
        """(start, end) of the matched words in ``text``, in order, overlaps joined."""
        found = []
        for analyzer, wanted in self._readers_for(lang):
            found += [(token.startchar, token.endchar)
                      for token in analyzer(text, chars=True, mode="query", removestops=False)
                      if token.text in wanted]
        joined: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if joined and start < joined[-1][1]:
                joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
            else:
                joined.append((start, end))
        return joined

    def mark(self, text: str, lang: str) -> str:
        """``text`` as HTML: escaped, with ``<mark>`` around each match."""
        parts, position = [], 0
        for start, end in self.spans(text, lang):
            parts += [htmlescape(text[position:start], quote=False), "<mark>",
                      htmlescape(text[start:end], quote=False), "</mark>"]
            position = end
        parts.append(htmlescape(text[position:], quote=False))
        return "".join(parts)
