"""A clock that tests move by hand, and a count of wake-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class ManualClock:
    """A clock that moves only when the test moves it (1 May 2024, 09:00 UTC: 10:00 in London)."""

    def __init__(self) -> None:
        self.now = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock on, e.g. ``advance(minutes=59)``."""
        self.now += timedelta(**delta)


class Wakes:
    """Counts the calls of the ``wake`` callable a service is given."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
