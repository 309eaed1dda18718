#!/usr/bin/env bash
# Kept for existing crontabs: the nightly job is the `search-app nightly` command (same arguments,
# lock, logs and exit codes; see `search-app nightly --help`).
#
#   scripts/nightly-rebuild.sh [--rebuild] [DROP_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
exec "${SEARCH_APP_BIN:-$ROOT/.venv/bin/search-app}" nightly "$@"
