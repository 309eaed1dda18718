"""The operator's nightly job: ingest what waits in the drop folder and the configured feeds,
machine-translate new Arabic when a translator is configured, then bring the index up to date (an incremental update, or a full rebuild), one run at a time.

Each input is ingested by its own ``search-app ingest`` process, so one file that breaks the
reader cannot stop the others; its exit status (1: nothing in it could be read) decides whether
the file moves to ``done/<date>/`` or stays for a human. A file with some records rejected moves
on too (they wait in quarantine); the log says how many, and the job's exit status shows it.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .ingest import INCOMPLETE_EXIT_STATUS
from .ingest.readers import READERS
from .settings import Settings

ALREADY_RUNNING = 75  # EX_TEMPFAIL: cron or systemd may simply try again later
RECORDS_REJECTED = INCOMPLETE_EXIT_STATUS  # every input read, but records went to quarantine
# The summary line `search-app ingest` prints last: "12 accepted (… ), 3 rejected".
_SUMMARY = re.compile(r"^(\d+) accepted \(.*\), (\d+) rejected$", re.MULTILINE)


class NightlyLockedError(RuntimeError):
    pass


@contextmanager
def nightly_lock(settings: Settings) -> Iterator[None]:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / "nightly.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NightlyLockedError(f"another run is in progress (lock {path}); not starting") from None
        yield


class NightlyLog:
    """Timestamped lines to the day's log file and to standard output; commands' output to the file."""

    def __init__(self, log_dir: Path, echo: Callable[[str], None]):
        log_dir.mkdir(parents=True, exist_ok=True)
        self.path = log_dir / f"nightly-{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}.log"
        self.echo = echo

    def __call__(self, message: str) -> None:
        line = f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ} {message}"
        self.echo(line)
        self._append(line + "\n")

    def _append(self, text: str) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(text)

    def run(self, *arguments: str) -> subprocess.CompletedProcess:
        """``search-app ARGUMENTS`` in a child process, its output appended to the log."""
        result = subprocess.run([sys.executable, "-m", "search_app", *arguments], capture_output=True, text=True)
        self._append(result.stdout + result.stderr)
        return result


def drop_files(drop_dir: Path) -> list[Path]:
    """Files waiting at the top of the drop folder, of the types ingest reads, oldest name first."""
    return sorted(path for path in drop_dir.iterdir()
                  if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in READERS)


def feed_urls(feeds_file: Path) -> list[str]:
    if not feeds_file.is_file():
        return []
    lines = (line.strip() for line in feeds_file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def move_to_done(path: Path, done_dir: Path) -> Path:
    """Into ``done_dir`` under its own name, or a numbered one: a file dropped twice keeps both."""
    done_dir.mkdir(parents=True, exist_ok=True)
    target, number = done_dir / path.name, 1
    while target.exists():
        target, number = done_dir / f"{path.stem}.{number}{path.suffix}", number + 1
    shutil.move(str(path), target)
    return target


def run_nightly(settings: Settings, drop_dir: Path | None, full_rebuild: bool, echo: Callable[[str], None]) -> int:
    """The whole job under the lock; returns the exit status (0; 1 for unreadable inputs; 3 when
    every input was read but records were rejected; the index command's status when it fails).
    Raises NightlyLockedError when another run holds it."""
    drop_dir = drop_dir or settings.nightly_drop_dir
    with nightly_lock(settings):
        log = NightlyLog(settings.data_dir / "logs", echo)
        drop_dir.mkdir(parents=True, exist_ok=True)
        log(f"start: drop={drop_dir}")
        tally = _Tally()
        _ingest_drop_folder(drop_dir, log, tally)
        _ingest_feeds(settings.nightly_feeds_file, log, tally)
        if settings.translator_url:
            _translate(log)
        mode = "rebuild" if full_rebuild else "update"
        log(f"index {mode}")
        built = log.run("index", mode)
        if built.returncode != 0:
            log(f"FAILED: index {mode} exited {built.returncode}: {(built.stderr or built.stdout).strip()[-300:]}")
            return built.returncode
        status = log.run("index", "status")
        echo(status.stdout.rstrip())
        rejected = f"; {tally.rejected} records rejected (in {settings.quarantine_dir})" if tally.rejected else ""
        if tally.failed:
            log(f"done with unreadable input files or feeds{rejected}")
            return 1
        if tally.rejected:
            log(f"done{rejected}")
            return RECORDS_REJECTED
        log("done")
        return 0


class _Tally:
    """What the night's ingests came to: inputs that could not be read, records rejected."""

    def __init__(self):
        self.failed = False
        self.rejected = 0

    def ingest(self, log: NightlyLog, source: str) -> bool:
        """``search-app ingest SOURCE``, its counts logged; False when nothing in it could be read."""
        result = log.run("ingest", source)
        summary = _SUMMARY.search(result.stdout)
        if summary:
            accepted, rejected = int(summary[1]), int(summary[2])
            self.rejected += rejected
            log(f"ingested {source}: {accepted} accepted, {rejected} rejected"
                + (" (quarantined)" if rejected else ""))
        if result.returncode not in (0, INCOMPLETE_EXIT_STATUS):
            self.failed = True
            return False
        if result.returncode == INCOMPLETE_EXIT_STATUS and not (summary and int(summary[2])):
            self.failed = True  # read, but part of it (a feed cut off, a later error) could not be
        return True


def _translate(log: NightlyLog) -> None:
    """Machine-translate what came in without English; what fails waits for tomorrow's run, so it
    does not fail the night."""
    log("translate")
    result = log.run("translate")
    lines = (result.stdout.strip() or result.stderr.strip() or "no output").splitlines()
    log(f"translate: {lines[-1]}" + (f" (exit {result.returncode})" if result.returncode else ""))


def _ingest_drop_folder(drop_dir: Path, log: NightlyLog, tally: _Tally) -> None:
    files = drop_files(drop_dir)
    if not files:
        log("no new files")
        return
    done_dir = drop_dir / "done" / f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d}"
    for path in files:
        log(f"ingest {path}")
        if tally.ingest(log, str(path)):
            move_to_done(path, done_dir)
        else:
            log(f"ingest of {path} read nothing; left in place")


def _ingest_feeds(feeds_file: Path, log: NightlyLog, tally: _Tally) -> None:
    for url in feed_urls(feeds_file):
        log(f"feed {url}")
        if not tally.ingest(log, url):
            log(f"feed {url} could not be read")
