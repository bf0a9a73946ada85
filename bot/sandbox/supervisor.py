"""The bot as a supervised child process: started, watched, restarted with back-off.

The child is started through :mod:`bot.sandbox.child` with a pipe as its stdin that only this
process holds, so that it dies with the sandbox, however the sandbox ends."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Literal

logger = logging.getLogger(__name__)

Status = Literal["starting", "running", "restarting", "stopped"]

FIRST_DELAY = 0.5  # seconds before the first restart; doubled each time it dies again
MAX_DELAY = 30.0
STEADY_AFTER = 60.0  # a process that ran this long has its back-off reset
STOP_PATIENCE = 15.0  # how long a stopping bot may take before it is killed


class Supervisor:
    """Runs ``argv`` until :meth:`stop`, restarting it whenever it dies on its own."""

    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        log_path: Path,
        on_status: Callable[[Status], None],
    ) -> None:
        self._argv = list(argv)
        self._env = dict(env)
        self._log_path = log_path
        self._on_status = on_status
        self._process: asyncio.subprocess.Process | None = None
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.status: Status = "starting"
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """The running bot's process id, or None between runs."""
        return None if self._process is None else self._process.pid

    def start(self) -> None:
        """Start supervising in the background (again, after :meth:`stop`)."""
        self._stopping.clear()
        self._task = asyncio.create_task(self._supervise(), name="bot supervisor")

    async def stop(self) -> None:
        """Stop the bot (SIGTERM, then SIGKILL if it lingers) and stop supervising."""
        self._stopping.set()
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                async with asyncio.timeout(STOP_PATIENCE):
                    await process.wait()
            except TimeoutError:
                logger.warning("The bot did not stop in time; killing it")
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._task is not None:
            await self._task
        self._set("stopped")

    def _set(self, status: Status) -> None:
        if status != self.status:
            self.status = status
            self._on_status(status)

    async def _supervise(self) -> None:
        delay = FIRST_DELAY
        while not self._stopping.is_set():
            started = time.monotonic()
            with self._log_path.open("ab") as log:
                self._process = await asyncio.create_subprocess_exec(
                    *self._argv,
                    env=self._env,
                    stdout=log,
                    stderr=log,
                    stdin=asyncio.subprocess.PIPE,  # never written: its end tells the child
                )
                self._set("running")
                code = await self._process.wait()
                if self._process.stdin is not None:
                    self._process.stdin.close()
            if self._stopping.is_set():
                return
            if time.monotonic() - started >= STEADY_AFTER:
                delay = FIRST_DELAY
            logger.warning("The bot exited with %s; restarting in %.1f s", code, delay)
            self.restarts += 1
            self._set("restarting")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._stopping.wait()
            delay = min(delay * 2, MAX_DELAY)
