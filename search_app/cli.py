"""The ``search-app`` command: a thin skin over ingest, indexer, search and web."""
from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import click

from .ingest.presets import PRESETS
from .models import KINDS
from .settings import Settings, settings_help


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as error:
        raise click.ClickException(f"bad setting: {error}") from None


def _progress(items, total, desc="indexing", unit="article"):
    """A tqdm bar on a terminal; plain log lines under cron."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm
    return tqdm(items, total=total, unit=unit, desc=desc)


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log every rejected record and build step.")
def main(verbose: bool) -> None:
    """Faceted English/Arabic search over reporting on Syria."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _read_options(column_map: tuple[str, ...], preset: str | None, encoding: str | None,
                  max_record_mb: int, kind: str | None = None):
    import codecs

    from .ingest.columns import parse_column_map
    from .ingest.raw import FetchLimits, ReadOptions

    try:
        parsed_map = parse_column_map(column_map)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    settings = _settings()
    return ReadOptions(column_map=parsed_map or None, preset=PRESETS[preset] if preset else None,
                       encoding=encoding, max_record_bytes=max_record_mb * 1024 * 1024, kind=kind,
                       fetch_limits=FetchLimits(seconds=settings.fetch_seconds,
                                                private_addresses=settings.fetch_private_addresses))


def _skipped_line(skipped: list[Path]) -> str:
    from collections import Counter

    kinds = Counter(path.suffix.lower() or "(no extension)" for path in skipped)
    listed = ", ".join(f"{suffix} {count}" for suffix, count in kinds.most_common())
    return f"skipped {len(skipped)} file(s) of unsupported type ({listed}); -v lists them"


def _source_line(result) -> str:
    if result.problem and not result.read:
        return f"{result.source}: not read: {result.problem}"
    line = f"{result.source}: {result.read} records, {result.rejected} rejected"
    return f"{line}, then stopped: {result.problem}" if result.problem else line


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--dry-run", is_flag=True, help="Validate and report without writing anything.")
@click.option("--map", "column_map", multiple=True, metavar="FIELD=COLUMN[,...]",
              help="Which column (CSV) or key (JSONL) fills an article field, e.g. "
                   "title=headline,body=text,published=date. Repeatable; overrides the preset.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)),
              help="Column map of a known dataset: "
                   + "; ".join(f"{name}: {preset.description}" for name, preset in sorted(PRESETS.items())))
@click.option("--encoding", help="Encoding of CSV/JSONL files (default: detect; UTF-8 when it fits).")
@click.option("--max-record-mb", type=click.IntRange(1, 1024), default=10, show_default=True,
              help="Reject a record (line, page) larger than this without loading it.")
@click.option("--kind", type=click.Choice(KINDS),
              help="What the records are (default: article, or the preset's); a record's own `kind` field wins.")
def ingest(paths: tuple[str, ...], dry_run: bool, column_map: tuple[str, ...] = (), preset: str | None = None,
           encoding: str | None = None, max_record_mb: int = 10, kind: str | None = None) -> None:
    """Validate and store articles from files, directories and feed addresses.

    PATHS are JSONL, CSV/TSV, RSS/Atom (.xml, .rss, .atom) and saved HTML pages (.html), directories
    (read recursively, by extension) and http(s) feed URLs. Bad records go to quarantine.
    """
    import functools

    from .ingest import INCOMPLETE_EXIT_STATUS, ingest_paths
    from .store import open_store

    options = _read_options(column_map, preset, encoding, max_record_mb, kind)
    settings = _settings()
    with open_store(settings) as store:
        report = ingest_paths(store, list(paths), settings.quarantine_dir, dry_run=dry_run, options=options,
                              progress=functools.partial(_progress, unit=" records"))
    for rejection in report.rejections:
        click.echo(f"{rejection.path}:{rejection.position}: {rejection.reason}", err=True)
    for problem in report.unreadable:
        click.echo(f"error: {problem}", err=True)
    for collision in report.collisions:
        click.echo(f"{collision.path}:{collision.position}: same source, title and date as article "
                   f"{collision.shared_id} but a different story: stored as {collision.stored_as} "
                   "(give such records a url or an id)", err=True)
    if report.skipped:
        click.echo(_skipped_line(report.skipped), err=True)
    if len(report.sources) > 1:
        for result in report.sources:
            click.echo(_source_line(result))
    click.echo(report.summary())
    again = " with the same --map/--preset" if options.effective_map() else ""
    for path in report.quarantine_files:
        click.echo(f"rejected records written to {path} (fix them and ingest that file again{again})")
    if report.accepted == 0 and (report.rejections or report.unreadable):
        sys.exit(1)
    if report.rejections or report.unreadable:
        sys.exit(INCOMPLETE_EXIT_STATUS)


@main.command()
@click.option("--again", is_flag=True, help="Re-run place and actor extraction over every stored article.")
def enrich(again: bool) -> None:
    """Re-tag stored articles with the current place and actor rules (no re-ingest needed)."""
    from .ingest.records import retagged
    from .store import open_store

    if not again:
        raise click.UsageError("enrichment runs at ingest; add --again to re-run it over the stored articles")
    settings = _settings()
    changed = 0
    with open_store(settings) as store, store.transaction():
        total = store.count()
        for article in _progress(store.iter_articles(), total, desc="re-tagging"):
            changed += store.set_tags(retagged(article))
    click.echo(f"re-tagged {total} articles: {changed} changed; run `search-app index update` to index them")


@main.command()
@click.option("--lang", default="ar", show_default=True, help="Translate stored articles in this language.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many articles this run.")
@click.option("--dry-run", is_flag=True, help="Say how many would be translated; send and store nothing.")
def translate(lang: str, limit: int | None, dry_run: bool) -> None:
    """Machine-translate stored articles that have no English translation (SEARCH_APP_TRANSLATOR_URL,
    else Argos Translate when installed). Failures are reported and tried again on the next run;
    run `search-app index update` afterwards to index the translations. Exits 3 when some failed."""
    from .ingest import INCOMPLETE_EXIT_STATUS
    from .store import open_store
    from .translate import configured_translator, translate_articles

    settings = _settings()
    lang = lang.strip().lower()
    if lang == "en":
        raise click.UsageError("--lang names the language translated into English: en has nothing to do")
    translator = configured_translator(settings, source=lang)
    if translator is None and not dry_run:
        raise click.ClickException("no translator: set SEARCH_APP_TRANSLATOR_URL to a LibreTranslate server, "
                                   "or install the [argos] extra and an Argos ar→en model")
    with open_store(settings) as store:
        report = translate_articles(store, translator, lang, "en", limit, dry_run,
                                    progress=_progress)
    for article_id, error in report.failed:
        click.echo(f"article {article_id}: {error}", err=True)
    click.echo(report.summary(dry_run) + ("" if dry_run or not report.translated
                                          else "; run `search-app index update` to index them"))
    if report.failed or report.not_tried:
        sys.exit(INCOMPLETE_EXIT_STATUS)


@main.group()
def index() -> None:
    """Build and inspect index generations."""


@index.command("rebuild")
def index_rebuild() -> None:
    """Build a new generation from the store, verify it, switch to it, prune old ones."""
    from .index.backends import rebuild_index

    _build(rebuild_index)


@index.command("update")
def index_update() -> None:
    """Apply what changed in the store since the live generation (a full rebuild if there is none)."""
    from .index.backends import update_index

    _build(update_index)


def _build(build) -> None:
    from .index.build import IndexLockedError, VerificationError
    from .index.opensearch import OpenSearchUnavailable
    from .store import open_store

    settings = _settings()
    try:
        with open_store(settings) as store:
            result = build(store, settings, progress=_progress)
    except (IndexLockedError, VerificationError, OpenSearchUnavailable) as error:
        raise click.ClickException(str(error)) from None
    if result.kind == "unchanged":
        click.echo(f"no changes since generation {result.generation.name} ({result.documents} items)")
    else:
        click.echo(f"{result.kind}: generation {result.generation.name}, {result.documents} items in "
                   f"{result.seconds:.1f}s; pruned {len(result.pruned)} old generation(s)")
    _compile_dictionary(settings)


def _compile_dictionary(settings: Settings) -> None:
    """Compile the bilingual dictionary for the searches, unless done already (nightly and demo come
    through here too): each then opens it in milliseconds. After the build, so the index is live first."""
    import sqlite3

    from .text.dictionary import compile_dictionary

    try:
        compile_dictionary(settings.dictionary_dir, settings.cache_dir)
    except (OSError, sqlite3.Error) as error:  # searches still work, reading the dictionary themselves
        click.echo(f"warning: bilingual dictionary not compiled into {settings.cache_dir}: {error}", err=True)


@index.command("status")
def index_status() -> None:
    """Show the live generation (OpenSearch: the alias, its index and document count)."""
    from .index.backends import NoLiveIndex, index_status
    from .index.opensearch import OpenSearchUnavailable

    try:
        click.echo(index_status(_settings()))
    except NoLiveIndex as error:
        raise click.ClickException(f"{error}; run `search-app index rebuild`") from None
    except OpenSearchUnavailable as error:
        raise click.ClickException(str(error)) from None


@main.command()
@click.argument("query", default="")
@click.option("--governorate", multiple=True, help="OCHA p-code, e.g. SY05 (Hama). Repeatable.")
@click.option("--district", multiple=True, help="District p-code, e.g. SY0502.")
@click.option("--actor", multiple=True, help="Actor id, e.g. sdf.")
@click.option("--lang", multiple=True, type=click.Choice(["en", "ar"]), help="Original language.")
@click.option("--source", multiple=True, help="Outlet id or any of its names, e.g. reuters or 'Reuters News'.")
@click.option("--kind", multiple=True, type=click.Choice(KINDS), help="Only articles, events or reports.")
@click.option("--year", multiple=True, help="Publication year.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--page", type=click.IntRange(min=1), default=1)
@click.option("--per-page", type=click.IntRange(1, 100), default=10)
@click.option("--no-expand", is_flag=True, help="Search only the words typed (no variants, translations).")
@click.option("--no-spell", is_flag=True, help="Search misspelt words as typed (no spelling correction).")
def search(query, governorate, district, actor, lang, source, kind, year, sort, page, per_page, no_expand,
           no_spell) -> None:
    """Search the live index and print results in the terminal."""
    import re

    from .search import SearchRequest, open_backend
    from .search.engine import NoIndexError

    settings = _settings()
    request = SearchRequest(q=query, governorate=governorate, district=district, actor=actor, lang=lang,
                            source=source, kind=kind, year=year, sort=sort, page=page, per_page=per_page,
                            expand=not no_expand, spell=not no_spell)
    try:
        response = open_backend(settings).search(request)
    except NoIndexError as error:
        raise click.ClickException(str(error)) from None
    if response.corrected_query:
        click.echo(f"showing results for {response.corrected_query} (search instead for {query}: --no-spell)")
    click.echo(f"{response.total} results ({response.took_ms} ms)")
    if response.suggestion:
        click.echo(f"did you mean: {response.suggestion}")
    if response.expansions:
        click.echo("also searched: " + ", ".join(response.expansions))
    for number, hit in enumerate(response.hits, start=(page - 1) * per_page + 1):
        snippet = re.sub(r"<[^>]+>", "", hit.snippet)
        badge = f"[{hit.kind}] " if hit.kind != "article" else ""
        click.echo(f"\n{number}. {badge}{hit.title}  [{hit.lang}] {hit.source} {hit.published or 'undated'}")
        if hit.title_translation:
            click.echo(f"   {hit.title_translation}")
        click.echo(f"   places: {', '.join(hit.governorates) or '-'}  actors: {', '.join(hit.actors) or '-'}"
                   f"  id: {hit.id}")
        click.echo(f"   {snippet}")
    governorates = response.facets.get("governorate", [])
    if governorates:
        click.echo("\ngovernorates: " + ", ".join(f"{v.value} {v.count}" for v in governorates))


@main.command()
@click.argument("ids", nargs=-1, required=True)
def delete(ids: tuple[str, ...]) -> None:
    """Remove articles from the store; the next `index update` removes them from the index."""
    from .store import open_store

    with open_store(_settings()) as store, store.transaction():
        removed = [article_id for article_id in ids if store.delete(article_id)]
    click.echo(f"deleted {len(removed)} of {len(ids)} article(s)")
    missing = sorted(set(ids) - set(removed))
    if missing:
        click.echo("not found: " + ", ".join(missing), err=True)


@main.command()
def serve() -> None:
    """Serve the web interface with waitress (production WSGI server)."""
    import threading

    import waitress

    from .web import create_app

    settings = _settings()
    app = create_app(settings)
    threading.Thread(target=app.extensions["search_engine"].warm_up, daemon=True).start()
    click.echo(f"serving on http://{settings.host}:{settings.port}/")
    waitress.serve(app, host=settings.host, port=settings.port, threads=8)


@main.command()
@click.option("--rebuild", "full_rebuild", is_flag=True, help="A full index rebuild instead of an update.")
@click.argument("drop_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
def nightly(full_rebuild: bool, drop_dir: Path | None) -> None:
    """The nightly job: ingest the drop folder and feeds, update (or rebuild) the index.

    DROP_DIR defaults to SEARCH_APP_DROP_DIR, else drop/ in the data folder; ingested files move to
    DROP_DIR/done/<date>/, unreadable ones stay. Logs to <data dir>/logs/nightly-<date>.log. Exits 1
    when an input could not be read, 3 when records were rejected (quarantined), 75 when another run
    holds the lock.
    """
    from .nightly import ALREADY_RUNNING, NightlyLockedError, run_nightly

    try:
        status = run_nightly(_settings(), drop_dir.resolve() if drop_dir else None, full_rebuild, click.echo)
    except NightlyLockedError as error:
        click.echo(f"nightly: {error}", err=True)
        sys.exit(ALREADY_RUNNING)
    sys.exit(status)


@main.command()
@click.option("--no-serve", is_flag=True, help="Load and index only.")
@click.pass_context
def demo(ctx: click.Context, no_serve: bool) -> None:
    """Load the packaged demo corpus, build the index and serve it."""
    corpus = resources.files("search_app") / "demo" / "articles.jsonl"
    with resources.as_file(corpus) as path:
        ctx.invoke(ingest, paths=(path,), dry_run=False)
    ctx.invoke(index_rebuild)
    if not no_serve:
        ctx.invoke(serve)


@main.command("settings")
def show_settings() -> None:
    """List the SEARCH_APP_* environment variables, defaults and current values."""
    current = _settings()
    rows = []
    for variable, default, help_text in settings_help():
        name = variable.removeprefix("SEARCH_APP_").lower()
        value = getattr(current, name)
        if name in ("translator_api_key", "opensearch_password") and value:
            value = "(set)"  # a secret is not printed where logs and screens keep it
        rows.append((variable, _as_set(value), f"{help_text} (default {default})"))
    widths = [max(len(row[column]) for row in rows) for column in (0, 1)]
    for variable, value, described in rows:
        click.echo(f"{variable:{widths[0]}}  {value:{widths[1]}}  {described}")
    click.echo(_dictionary_status(current))


def _as_set(value) -> str:
    """A setting's value as one would write it in the environment (1/0, none)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return "none" if value is None else str(value)


def _dictionary_status(settings: Settings) -> str:
    from .text.dictionary import open_dictionary

    dictionary = open_dictionary(settings.dictionary_dir)
    if dictionary is None:
        reason = "off" if settings.dictionary_dir == "off" else \
            "none found (Debian: apt-get install dict-freedict-eng-ara dict-freedict-ara-eng)"
        return f"bilingual dictionary: not in use, {reason}"
    return f"bilingual dictionary: in use, {', '.join(dictionary.names)} from {dictionary.folder}"
