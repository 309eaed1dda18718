"""The index commands for whichever backend is configured: rebuild, update and status.

The CLI calls these and prints what they return; which backend builds is the settings' business.
"""
from __future__ import annotations

from ..settings import Settings
from ..store import Store


def rebuild_index(store: Store, settings: Settings, progress=None):
    """A new index from the store, verified, then switched to atomically; old ones pruned."""
    if settings.backend == "opensearch":
        from . import opensearch

        return opensearch.rebuild(store, settings, progress)
    from .build import rebuild

    return rebuild(store, settings.index_dir, keep=settings.keep_generations, progress=progress)


def update_index(store: Store, settings: Settings, progress=None):
    """The store's changes since the live index applied to it (a rebuild when there is none)."""
    if settings.backend == "opensearch":
        from . import opensearch

        return opensearch.update(store, settings, progress)
    from .build import update

    return update(store, settings.index_dir, keep=settings.keep_generations, progress=progress)


class NoLiveIndex(LookupError):
    """Nothing is built yet (the message says where the index was looked for)."""


def index_status(settings: Settings) -> str:
    """One line about the live index; NoLiveIndex when nothing is built yet."""
    if settings.backend == "opensearch":
        from . import opensearch

        found = opensearch.status(settings)
        if found["index"] is None:
            raise NoLiveIndex(f"no index behind the alias {found['alias']} at {settings.opensearch_url}")
        return (f"alias {found['alias']} -> {found['index']}: {found['documents']} articles, "
                f"built {found.get('built_at', '?')} in {found.get('build_seconds', '?')}s")
    from .generations import current_generation, read_manifest

    live = current_generation(settings.index_dir)
    if live is None:
        raise NoLiveIndex(f"no index in {settings.index_dir}")
    manifest = read_manifest(live)
    return f"{live.name}: {manifest['documents']} articles, built {manifest['built_at']} in {manifest['build_seconds']}s"
