"""The ``search-app`` command: a thin skin over ingest, indexer, search and web."""
from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import click

from .settings import Settings, settings_help


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as error:
        raise click.ClickException(f"bad setting: {error}") from None


def _progress(articles, total):
    """A tqdm bar on a terminal; plain log lines under cron."""
    if not sys.stderr.isatty():
        return articles
    from tqdm import tqdm
    return tqdm(articles, total=total, unit="article", desc="indexing")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log every rejected record and build step.")
def main(verbose: bool) -> None:
    """Faceted English/Arabic search over reporting on Syria."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and report without writing anything.")
def ingest(paths: tuple[Path, ...], dry_run: bool) -> None:
    """Validate and store articles from JSONL files; bad records go to quarantine."""
    from .ingest import ingest_paths
    from .store import open_store

    settings = _settings()
    with open_store(settings) as store:
        report = ingest_paths(store, list(paths), settings.quarantine_dir, dry_run=dry_run)
    for rejection in report.rejections:
        click.echo(f"{rejection.path}:{rejection.position}: {rejection.reason}", err=True)
    for problem in report.unreadable:
        click.echo(f"error: {problem}", err=True)
    click.echo(report.summary())
    for path in report.quarantine_files:
        click.echo(f"rejected records written to {path} (fix them and ingest that file again)")
    if report.accepted == 0 and (report.rejections or report.unreadable):
        sys.exit(1)


@main.group()
def index() -> None:
    """Build and inspect index generations."""


@index.command("rebuild")
def index_rebuild() -> None:
    """Build a new generation from the store, verify it, switch to it, prune old ones."""
    from .indexer import IndexLockedError, VerificationError, rebuild
    from .store import open_store

    settings = _settings()
    try:
        with open_store(settings) as store:
            result = rebuild(store, settings.index_dir, keep=settings.keep_generations, progress=_progress)
    except (IndexLockedError, VerificationError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"generation {result.generation.name}: {result.documents} articles in {result.seconds:.1f}s"
               f"; pruned {len(result.pruned)} old generation(s)")


@index.command("status")
def index_status() -> None:
    """Show the live generation."""
    from .generations import current_generation, read_manifest

    settings = _settings()
    live = current_generation(settings.index_dir)
    if live is None:
        raise click.ClickException(f"no index in {settings.index_dir}; run `search-app index rebuild`")
    manifest = read_manifest(live)
    click.echo(f"{live.name}: {manifest['documents']} articles, built {manifest['built_at']} "
               f"in {manifest['build_seconds']}s")


@main.command()
@click.argument("query", default="")
@click.option("--governorate", multiple=True, help="OCHA p-code, e.g. SY05 (Hama). Repeatable.")
@click.option("--district", multiple=True, help="District p-code, e.g. SY0502.")
@click.option("--actor", multiple=True, help="Actor id, e.g. sdf.")
@click.option("--lang", multiple=True, type=click.Choice(["en", "ar"]), help="Original language.")
@click.option("--source", multiple=True, help="Outlet name.")
@click.option("--year", multiple=True, help="Publication year.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option("--page", type=click.IntRange(min=1), default=1)
@click.option("--per-page", type=click.IntRange(1, 100), default=10)
@click.option("--no-expand", is_flag=True, help="Search only the words typed (no variants, translations).")
def search(query, governorate, district, actor, lang, source, year, sort, page, per_page, no_expand) -> None:
    """Search the live index and print results in the terminal."""
    import re

    from .search import SearchEngine, SearchRequest
    from .search.engine import NoIndexError

    settings = _settings()
    request = SearchRequest(q=query, governorate=governorate, district=district, actor=actor, lang=lang,
                            source=source, year=year, sort=sort, page=page, per_page=per_page,
                            expand=not no_expand)
    try:
        response = SearchEngine(settings.index_dir).search(request)
    except NoIndexError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{response.total} results ({response.took_ms} ms)")
    if response.expansions:
        click.echo("also searched: " + ", ".join(response.expansions))
    for number, hit in enumerate(response.hits, start=(page - 1) * per_page + 1):
        snippet = re.sub(r"<[^>]+>", "", hit.snippet)
        click.echo(f"\n{number}. {hit.title}  [{hit.lang}] {hit.source} {hit.published or 'undated'}")
        if hit.title_translation:
            click.echo(f"   {hit.title_translation}")
        click.echo(f"   places: {', '.join(hit.governorates) or '-'}  actors: {', '.join(hit.actors) or '-'}"
                   f"  id: {hit.id}")
        click.echo(f"   {snippet}")
    governorates = response.facets.get("governorate", [])
    if governorates:
        click.echo("\ngovernorates: " + ", ".join(f"{v.value} {v.count}" for v in governorates))


@main.command()
def serve() -> None:
    """Serve the web interface with waitress (production WSGI server)."""
    import waitress

    from .web import create_app

    settings = _settings()
    click.echo(f"serving on http://{settings.host}:{settings.port}/")
    waitress.serve(create_app(settings), host=settings.host, port=settings.port, threads=8)


@main.command()
@click.option("--no-serve", is_flag=True, help="Load and index only.")
@click.pass_context
def demo(ctx: click.Context, no_serve: bool) -> None:
    """Load the packaged demo corpus, build the index and serve it."""
    settings = _settings()
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
    for variable, default, help_text in settings_help():
        name = variable.removeprefix("SEARCH_APP_").lower()
        click.echo(f"{variable:28} {getattr(current, name)!s:40} {help_text} (default {default})")
