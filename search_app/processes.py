"""Helper processes that end with the process that forked them."""
from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """In a forked helper: be killed when ``parent_pid`` dies. A helper blocked on a queue never
    notices its parent is gone, and a build's helpers hold a gigabyte each. (Linux only.)"""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
