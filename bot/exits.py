"""The exit statuses every ``safetybot`` command uses, and the refusal that carries one."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1  # the command could not do its work (no bot running, Telegram unreachable)
EXIT_USAGE = 2  # the input was wrong: options, dates, the config, a file


class Refused(Exception):
    """Why a command stops, and the exit status that says so."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status
