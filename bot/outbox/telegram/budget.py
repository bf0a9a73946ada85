"""The bot's budget of Telegram calls a second, counted as Telegram could count it.

Telegram counts a call when it reaches its servers, somewhere between the moment we start it
and the moment its answer is back; we cannot know when. So a call holds a place in the budget
from its start until one window (a second) after its answer: then no second Telegram could
count over holds more calls than the budget, however the network, the machine or Telegram's
side delays them. (A bucket that counts calls as they start lets a late batch, arriving
together, fill a second twice over; that is what provoked 429s during a newsletter.)

Two kinds of call share the budget. Replies (and officers' alerts, everything that is not
news) are let through first, in the order they asked. News gets a place only when no reply is
waiting, keeps ``headroom`` places free for replies that come next, and is spaced evenly at
``1 / (limit - headroom)`` seconds, so that it never fills a second in one burst and then
leaves a reply waiting for the next.

:class:`SendWindow` is the counting (plain, given the times, so tests can drive it);
:class:`SendBudget` is the waiting, on the event loop's clock.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

# The window Telegram measures its per-second limit over.
WINDOW_SECONDS = 1.0


class SendWindow:
    """Calls that Telegram may still be counting: those in flight, and those answered less
    than a window ago."""

    __slots__ = ("_answered", "_in_flight", "window")

    def __init__(self, window: float = WINDOW_SECONDS) -> None:
        """Count over ``window`` seconds after each answer."""
        self.window = window
        self._in_flight = 0
        self._answered: deque[float] = deque()  # when each answer came, oldest first

    def used(self, now: float) -> int:
        """How many places are taken at ``now``."""
        while self._answered and self._answered[0] <= now - self.window:
            self._answered.popleft()
        return self._in_flight + len(self._answered)

    def start(self) -> None:
        """A call starts: it takes a place."""
        self._in_flight += 1

    def answered(self, now: float) -> None:
        """A call's answer came (or it failed) at ``now``: its place frees a window later."""
        self._in_flight -= 1
        self._answered.append(now)

    def next_free(self) -> float | None:
        """When the next place frees (None: only calls in flight hold places)."""
        return self._answered[0] + self.window if self._answered else None


class SendBudget:
    """Lets calls start only while the budget has a place: replies first, then news."""

    def __init__(self, limit: int, *, headroom: int = 1, window: float = WINDOW_SECONDS) -> None:
        """Hold ``limit`` places; news leaves ``headroom`` of them to replies."""
        self._limit = max(1, limit)
        self._news_limit = max(1, self._limit - headroom)
        self._news_spacing = window / self._news_limit
        self._window = SendWindow(window)
        self._replies: deque[asyncio.Future[None]] = deque()
        self._news: deque[asyncio.Future[None]] = deque()
        self._last_news = float("-inf")
        self._timer: asyncio.TimerHandle | None = None

    @property
    def news_spacing(self) -> float:
        """Seconds between two news calls at least."""
        return self._news_spacing

    @asynccontextmanager
    async def place(self, *, news: bool) -> AsyncIterator[None]:
        """Wait for a place, hold it while the call runs, and free it a window after."""
        await self._take(news)
        try:
            yield
        finally:
            self._window.answered(asyncio.get_running_loop().time())
            self._grant()

    async def _take(self, news: bool) -> None:
        loop = asyncio.get_running_loop()
        queue = self._news if news else self._replies
        waiter: asyncio.Future[None] = loop.create_future()
        queue.append(waiter)
        self._grant()
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # Granted, then cancelled before the call started: give the place back (as
                # answered now, in case the call had in fact gone).
                self._window.answered(loop.time())
            elif waiter in queue:
                queue.remove(waiter)
            self._grant()
            raise

    def _grant(self) -> None:
        """Give free places to the waiting calls, replies first; wake up when one frees."""
        now = asyncio.get_running_loop().time()
        while self._replies and self._window.used(now) < self._limit:
            self._start(self._replies.popleft())
        wake: float | None = None
        while not self._replies and self._news:
            if self._window.used(now) >= self._news_limit:
                wake = self._window.next_free()
                break
            due = self._last_news + self._news_spacing
            if now < due:
                wake = due
                break
            if self._start(self._news.popleft()):
                self._last_news = now
        if self._replies:
            wake = self._window.next_free()
        self._wake_at(wake)

    def _start(self, waiter: asyncio.Future[None]) -> bool:
        if waiter.done():  # its caller was cancelled and has not yet taken it out
            return False
        self._window.start()
        waiter.set_result(None)
        return True

    def _wake_at(self, when: float | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if when is not None:  # else an answer to come will look again
            self._timer = asyncio.get_running_loop().call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._grant()
