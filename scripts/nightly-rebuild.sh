#!/usr/bin/env bash
# Nightly job: ingest every file waiting in the drop folder and every configured feed, bring the index
# up to date (incremental update; a full rebuild with --rebuild or when there is no index), prune.
#
#   scripts/nightly-rebuild.sh [--rebuild] [DROP_DIR]
#
# DROP_DIR defaults to $SEARCH_APP_DROP_DIR, else <data dir>/drop; ingested files move to
# DROP_DIR/done/<date>/. Feeds: one URL per line in $SEARCH_APP_FEEDS_FILE (default <data dir>/feeds.txt).
# Logs go to <data dir>/logs/nightly-<date>.log. Exits non-zero on any failure and refuses to start
# while another run holds the lock. Settings come from SEARCH_APP_* variables.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SEARCH_APP="${SEARCH_APP_BIN:-$ROOT/.venv/bin/search-app}"
DATA_DIR="${SEARCH_APP_DATA_DIR:-$ROOT/data}"
MODE=update
if [ "${1:-}" = "--rebuild" ]; then MODE=rebuild; shift; fi
DROP_DIR="${1:-${SEARCH_APP_DROP_DIR:-$DATA_DIR/drop}}"
FEEDS_FILE="${SEARCH_APP_FEEDS_FILE:-$DATA_DIR/feeds.txt}"
STAMP="$(date -u +%Y-%m-%d)"
LOG_DIR="$DATA_DIR/logs"
LOG_FILE="$LOG_DIR/nightly-$STAMP.log"
mkdir -p "$LOG_DIR" "$DROP_DIR"

exec 9>"$DATA_DIR/nightly.lock"
if ! flock -n 9; then
    echo "nightly-rebuild: another run is in progress (lock $DATA_DIR/nightly.lock); not starting" >&2
    exit 75
fi

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*" | tee -a "$LOG_FILE"; }
trap 'log "FAILED (exit $?) at line $LINENO"' ERR

log "start: drop=$DROP_DIR"
shopt -s nullglob
files=()
for pattern in '*.jsonl' '*.ndjson' '*.csv' '*.tsv' '*.xml' '*.rss' '*.atom' '*.html' '*.htm'; do
    files+=("$DROP_DIR"/$pattern)
done
if [ ${#files[@]} -gt 0 ]; then
    done_dir="$DROP_DIR/done/$STAMP"
    mkdir -p "$done_dir"
    for file in "${files[@]}"; do
        log "ingest $file"
        # Exit status 1 means nothing in the file could be read: keep it in the drop folder for a human.
        if "$SEARCH_APP" ingest "$file" >>"$LOG_FILE" 2>&1; then
            mv "$file" "$done_dir/"
        else
            log "ingest of $file read nothing; left in place"
            failed=1
        fi
    done
else
    log "no new files"
fi

if [ -f "$FEEDS_FILE" ]; then
    while read -r feed; do
        case "$feed" in ''|'#'*) continue ;; esac
        log "feed $feed"
        "$SEARCH_APP" ingest "$feed" >>"$LOG_FILE" 2>&1 || { log "feed $feed could not be read"; failed=1; }
    done < "$FEEDS_FILE"
fi

log "index $MODE"
"$SEARCH_APP" index "$MODE" >>"$LOG_FILE" 2>&1
"$SEARCH_APP" index status | tee -a "$LOG_FILE"
if [ "${failed:-0}" -ne 0 ]; then
    log "done with unreadable input files or feeds"
    exit 1
fi
log "done"
