"""``python -m bot.sandbox.child PARENT_PID run --config PATH``: the sandbox's bot, which dies
with the sandbox.

The bot is ``python -m bot run`` itself, run as a program (with :mod:`runpy`, as ``-m`` does,
so the sandbox imports nothing above it), started so that it cannot outlive the sandbox, even
one killed with SIGKILL that had no chance to stop it:

- on Linux it asks the kernel (``prctl(PR_SET_PDEATHSIG)``) for SIGTERM when its parent dies,
  then checks that the parent is still the sandbox, in case it died before the request. This is
  done here, after ``exec``, rather than in a ``preexec_fn``, which is not safe in a parent
  with threads;
- everywhere, a thread reads the pipe the sandbox holds open as its stdin: end of file means
  the sandbox is gone (the kernel closes the pipe whatever killed it), and the bot is stopped
  with SIGTERM as ``safetybot run`` expects, then ended outright if it lingers.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import runpy
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
LINGER_SECONDS = 10.0  # how long the orphaned bot may take to stop before it is ended


def ask_to_die_with_parent() -> None:
    """On Linux, have the kernel send SIGTERM when the parent process dies (else nothing)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _stop(reason: str) -> None:
    print(f"The sandbox is gone ({reason}): stopping the bot.", file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(LINGER_SECONDS)  # in this watchdog thread only; the bot stops meanwhile
    os._exit(1)


def _watch_stdin() -> None:
    """Wait for the end of the sandbox's pipe, then stop the bot."""
    with contextlib.suppress(OSError, ValueError):
        while sys.stdin.buffer.read(4096):
            pass
    _stop("its pipe closed")


def main(argv: list[str]) -> int:
    """Arrange to die with the parent named first in ``argv``, then run the bot's command."""
    parent, command = int(argv[0]), argv[1:]
    ask_to_die_with_parent()
    if os.getppid() != parent:  # the sandbox died before the request took effect
        return 1
    threading.Thread(target=_watch_stdin, name="sandbox watchdog", daemon=True).start()
    sys.argv = ["safetybot", *command]
    try:
        runpy.run_module("bot", run_name="__main__", alter_sys=True)
    except SystemExit as finished:  # bot/__main__.py exits with the command's status
        return finished.code if isinstance(finished.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
