"""The bot's process never outlives the sandbox: killed with SIGKILL, the sandbox cannot stop
its child, so the child notices (the kernel's parent-death signal on Linux, and the end of the
pipe it holds as stdin everywhere) and stops itself."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import default_config_data
from tests.support.configs import write_config_data

from .page import PATIENCE, PagePerson, running_sandbox

RESIDENT = 100_001


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting to be reaped has ended)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return True  # no /proc here: the signal above is all we know
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


async def test_the_bot_dies_with_a_sandbox_killed_with_sigkill(tmp_path: Path) -> None:
    """kill -9 the sandbox: its bot child is gone soon after, not left polling on its own."""
    async with running_sandbox(write_config_data(tmp_path, default_config_data())) as sandbox:
        await PagePerson(sandbox, RESIDENT).say("/start", until="")  # the bot is up and polling
        bot = int((await sandbox.get("/api/status"))["pid"])
        assert _alive(bot)
        sandbox.process.kill()
        await sandbox.process.wait()
        async with asyncio.timeout(PATIENCE):  # a guard: the child goes in well under a second
            while _alive(bot):  # noqa: ASYNC110 - nothing signals another process's end
                await asyncio.sleep(0.05)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_a_child_whose_sandbox_is_already_gone_does_not_start_the_bot(tmp_path: Path) -> None:
    """Started for a parent that is not its parent (the sandbox died before it asked the
    kernel), the child exits at once without running the bot."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.sandbox.child", "1", "run"],
        cwd=tmp_path, capture_output=True, text=True, timeout=PATIENCE, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_the_end_of_the_sandboxs_pipe_stops_the_child_where_the_kernel_would_not(
    tmp_path: Path,
) -> None:
    """The fallback alone (as on a system without prctl): the child's watchdog hears its stdin
    close and stops the process with SIGTERM."""
    code = (
        "import threading, time; from bot.sandbox import child; "
        "threading.Thread(target=child._watch_stdin, daemon=True).start(); "
        "print('watching', flush=True); time.sleep(600)"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True,
    ) as process:  # fmt: skip
        assert process.stdout is not None
        assert process.stdin is not None
        assert process.stdout.readline().strip() == "watching"
        process.stdin.close()
        assert process.wait(timeout=PATIENCE) == -signal.SIGTERM
