"""Saved article pages (``.html``): the main text, title, date and address, found by trafilatura."""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from .lines import megabytes
from .raw import DEFAULT_OPTIONS, RawRecord, ReadOptions, SourceError
from .urls import is_web_url

log = logging.getLogger(__name__)

# Fewer words than this is a menu, a cookie banner or a paywall notice, not an article.
MIN_BODY_WORDS = 10
# Publication date from the page's markup only, not a guess from any date in the text.
DATE_OPTIONS = {"original_date": True, "extensive_search": False}


# lxml and trafilatura take time quadratic in the attributes of one element, so a hostile page
# would stall the ingest; a real page has a few dozen. Checked before parsing, in one pass over the bytes.
MAX_ATTRIBUTES_PER_ELEMENT = 1000
# A start tag; a quoted value may hold ">" or "<". Possessive, so a tag never closed costs one scan.
_START_TAG = re.compile(rb"""<[A-Za-z](?:[^>"'<]++|"[^"]*+"|'[^']*+')*+>""")
_QUOTED_OR_VALUE = re.compile(rb"""=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+)""")


class NotAnArticle(ValueError):
    """A page with no article in it; the message is the reason it is rejected."""


def check_markup_limits(content: bytes) -> None:
    """NotAnArticle when an element has more attributes than a page parser can afford."""
    for tag in _START_TAG.finditer(content):
        if tag.end() - tag.start() < MAX_ATTRIBUTES_PER_ELEMENT * 2:
            continue  # too short to hold that many attributes
        names = _QUOTED_OR_VALUE.sub(b" ", tag.group()[1:-1]).split()
        if len(names) - 1 > MAX_ATTRIBUTES_PER_ELEMENT:
            raise NotAnArticle(f"an element with more than {MAX_ATTRIBUTES_PER_ELEMENT} attributes "
                               "(not an article page)")


def page_url(document) -> str | None:
    """The page's own address: ``<link rel="canonical">``, else ``og:url``."""
    for xpath in ('//link[contains(concat(" ", normalize-space(translate(@rel, "CANONICAL", "canonical")), " "),'
                  ' " canonical ")]/@href',
                  '//meta[@property="og:url" or @name="og:url"]/@content'):
        for value in document.xpath(xpath):
            if is_web_url(value.strip()):
                return value.strip()
    return None


def _without_title(text: str, title: str) -> str:
    """trafilatura often repeats the headline as the first line of the text."""
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip() == title.strip() else text.strip()


def page_article(content: bytes) -> dict:
    """The article dict of one page; NotAnArticle when the page has no article text."""
    import lxml.html
    import trafilatura

    check_markup_limits(content)
    try:
        tree = lxml.html.document_fromstring(content)
        extracted = trafilatura.bare_extraction(tree, with_metadata=True, include_comments=False,
                                                date_extraction_params=DATE_OPTIONS)
    except Exception as error:  # lxml and trafilatura raise many kinds of error on broken markup
        raise NotAnArticle(f"cannot parse the page ({type(error).__name__}: {error})") from None
    if extracted is None or not (extracted.text or "").strip():
        raise NotAnArticle("no main text found in the page")
    title = (extracted.title or "").strip()
    body = _without_title(extracted.text, title)
    words = len(body.split())
    if words < MIN_BODY_WORDS:
        raise NotAnArticle(f"no main text found in the page (only {words} words outside the navigation)")
    url = page_url(tree) or extracted.url
    article = {"title": title, "body": body, "url": url, "published": extracted.date,
               "source": extracted.sitename or extracted.hostname or (urlsplit(url).hostname if url else None)}
    return {field: value for field, value in article.items() if value}


def read_html_page(path: Path, options: ReadOptions = DEFAULT_OPTIONS) -> Iterator[RawRecord]:
    size = path.stat().st_size
    if size == 0:
        raise SourceError("empty file")
    if size > options.max_record_bytes:
        yield RawRecord(path, 1, "", None, f"record larger than {megabytes(options.max_record_bytes)}")
        return
    content = path.read_bytes()
    raw = content.decode("utf-8", "surrogateescape")
    try:
        article = page_article(content)
    except NotAnArticle as error:  # one page is one record: quarantine it rather than fail the run
        yield RawRecord(path, 1, raw, None, str(error))
        return
    yield RawRecord(path, 1, raw, article)
