"""Machine translation of stored articles that arrived without an English translation.

Articles go to the translator in batches (titles and bodies, a bounded number of characters per
request); each translation is stored beside its original, marked ``machine``, re-tagged (places and
actors named in the English text count) and logged as a change, so ``index update`` indexes it.
Each batch is committed on its own: a translator failing midway keeps what was translated, and
the articles it failed on are recorded with their error and tried again on the next run.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from ..ingest.records import retagged
from ..models import Article, Translation
from ..store import Store
from .engines import Translator, TranslatorRefused, TranslatorUnavailable, configured_translator

__all__ = ["TranslationReport", "batches", "configured_translator", "translate_article", "translate_articles"]

# Characters of titles and bodies sent in one request: LibreTranslate takes seconds per thousand
# on a CPU, and one request should finish well inside the time limit.
BATCH_CHARS = 20_000
BATCH_ARTICLES = 16
# After this many batches in a row that got no answer the translator is taken to be down: the rest
# waits for the next run instead of each batch waiting out its time limit.
UNAVAILABLE_BATCHES_BEFORE_STOPPING = 2


@dataclass
class TranslationReport:
    translated: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, error)
    not_tried: int = 0  # left for the next run after the translator stopped answering
    requests: int = 0

    def summary(self, dry_run: bool = False) -> str:
        if dry_run:
            return f"would translate {len(self.translated)} articles in {self.requests} requests (dry run: nothing sent)"
        parts = [f"{len(self.translated)} translated", f"{len(self.failed)} failed"]
        if self.not_tried:
            parts.append(f"{self.not_tried} not tried (the translator stopped answering)")
        tail = "; failed ones are tried again on the next run" if self.failed or self.not_tried else ""
        return ", ".join(parts) + tail


def batches(articles: Iterable[Article], max_chars: int = BATCH_CHARS,
            max_articles: int = BATCH_ARTICLES) -> list[list[Article]]:
    """Consecutive groups of articles of at most ``max_chars`` characters (an article longer than
    that goes alone)."""
    groups: list[list[Article]] = []
    size = 0
    for article in articles:
        length = len(article.title) + len(article.body)
        if not groups or size + length > max_chars or len(groups[-1]) >= max_articles:
            groups.append([])
            size = 0
        groups[-1].append(article)
        size += length
    return groups


def translate_articles(store: Store, translator: Translator | None, lang: str = "ar", target: str = "en",
                       limit: int | None = None, dry_run: bool = False,
                       progress: Callable = lambda items, total, **_: items) -> TranslationReport:
    """Translate up to ``limit`` stored ``lang`` articles that have no ``target`` translation."""
    report = TranslationReport()
    groups = batches(store.untranslated(lang, target, limit))
    if dry_run:
        report.translated = [article.id for group in groups for article in group]
        report.requests = len(groups)
        return report
    unanswered = 0
    for number, group in enumerate(progress(groups, len(groups), desc="translating", unit=" batches")):
        if unanswered >= UNAVAILABLE_BATCHES_BEFORE_STOPPING:
            report.not_tried = sum(len(rest) for rest in groups[number:])
            break
        try:
            outcomes = _translate_batch(translator, group, target, report)
            unanswered = 0
        except TranslatorUnavailable as error:
            unanswered += 1
            outcomes = {article.id: str(error) for article in group}
        _store_batch(store, group, outcomes, target, report)
    return report


def translate_article(store: Store, translator: Translator, article: Article, target: str = "en") -> str | None:
    """One article now (the article page's Translate button): None when stored (or when the original
    changed meanwhile), else the translator's error, recorded for the next run."""
    report = TranslationReport()
    try:
        outcomes = _translate_batch(translator, [article], target, report)
    except TranslatorUnavailable as error:
        outcomes = {article.id: str(error)}
    _store_batch(store, [article], outcomes, target, report)
    return report.failed[0][1] if report.failed else None


def _translate_batch(translator: Translator, group: list[Article], target: str,
                     report: TranslationReport) -> dict[str, Translation | str]:
    """Each article's translation, or the engine's refusal of it, by id. A refused batch is tried one
    article at a time, so one text the engine will not take does not hold back the others."""
    texts = [text for article in group for text in (article.title, article.body)]
    report.requests += 1
    try:
        translated = translator.translate(texts)
    except TranslatorRefused as error:
        if len(group) == 1:
            return {group[0].id: str(error)}
        found: dict[str, Translation | str] = {}
        for article in group:
            found.update(_translate_batch(translator, [article], target, report))
        return found
    return {article.id: Translation(target, translated[2 * i].strip(), translated[2 * i + 1].strip(),
                                    translator.name, machine=True)
            for i, article in enumerate(group)}


def _store_batch(store: Store, group: list[Article], outcomes: dict[str, Translation | str], target: str,
                 report: TranslationReport) -> None:
    """One transaction per batch: what the translator gave is kept even if a later batch fails."""
    with store.transaction():
        for article in group:
            outcome = outcomes.get(article.id, "no answer for this article")
            if isinstance(outcome, Translation) and not (outcome.title and outcome.body):
                outcome = "the translator returned an empty text"
            if isinstance(outcome, str):
                store.record_translation_failure(article.id, target, outcome)
                report.failed.append((article.id, outcome))
            elif store.save_machine_translation(article, outcome):
                store.set_tags(retagged(replace(article, translations=(*article.translations, outcome))))
                report.translated.append(article.id)
