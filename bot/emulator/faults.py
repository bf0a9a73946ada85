"""Telegram's flood limits and injected faults, checked before each Bot API method runs.

Rate limits count the methods that put something in a chat (:data:`SENDING_METHODS`): overall
per bot per second, per chat per second and per group per minute, as Telegram documents them.
``time_scale`` shrinks every window and every ``retry_after`` by the same factor so a benchmark
can meet the limits in a fraction of the time; ``retry_after`` is then a fraction of a second.

A fault makes matching calls fail (or answer late) for a while: kinds are ``rate_limit`` (429
with ``retry_after``), ``blocked`` (403 bot was blocked by the user), ``chat_not_found`` (400),
``server_error`` (5xx, ``status``), ``migrated`` (400 naming ``migrate_to_chat_id``, as for a
group that became a supergroup) and ``delay`` (answers after ``delay`` seconds). Each may be
limited to one bot, one chat, a set of methods, a duration in seconds and a number of hits.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus

from bot.emulator.errors import ApiError, bad_request, forbidden, migrated, too_many_requests

logger = logging.getLogger(__name__)

SENDING_METHODS = frozenset(
    {
        "sendmessage", "sendphoto", "sendlocation", "sendvenue", "senddocument",
        "sendmediagroup", "copymessage", "sendcontact", "sendvideo", "sendaudio",
        "sendvoice", "sendsticker", "sendanimation", "editmessagetext",
        "editmessagereplymarkup", "editmessagecaption",
    }
)  # fmt: skip

FAULT_KINDS = frozenset(
    {"rate_limit", "blocked", "chat_not_found", "server_error", "migrated", "delay"}
)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Telegram's flood limits; ``time_scale`` < 1 shrinks windows and retry_after alike."""

    per_second: int = 30
    per_chat_per_second: int = 1
    per_group_per_minute: int = 20
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        if min(self.per_second, self.per_chat_per_second, self.per_group_per_minute) < 1:
            raise ValueError("rate limits must be at least 1")
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault and what it applies to."""

    id: str
    kind: str
    bot_id: int | None = None
    chat_id: int | None = None
    methods: frozenset[str] | None = None
    until: float | None = None
    hits: int | None = None
    retry_after: float = 1.0
    status: int = 500
    delay: float = 0.0
    migrate_to_chat_id: int | None = None

    def matches(self, bot_id: int, method: str, chat_id: int | None) -> bool:
        """Tell whether this fault applies to a call."""
        return (
            (self.bot_id is None or self.bot_id == bot_id)
            and (self.chat_id is None or self.chat_id == chat_id)
            and (self.methods is None or method.lower() in self.methods)
        )

    def error(self) -> ApiError | None:
        """Return the error this fault answers with (None for a delay)."""
        if self.kind == "rate_limit":
            return too_many_requests(self.retry_after)
        if self.kind == "blocked":
            return forbidden("bot was blocked by the user")
        if self.kind == "chat_not_found":
            return bad_request("chat not found")
        if self.kind == "migrated":
            return migrated(self.migrate_to_chat_id or 0)
        if self.kind == "server_error":
            try:
                phrase = HTTPStatus(self.status).phrase
            except ValueError:
                phrase = "Internal Server Error"
            return ApiError(self.status, phrase)
        return None


class _Window:
    """Timestamps of recent calls within a sliding window."""

    __slots__ = ("calls", "limit", "seconds")

    def __init__(self, limit: int, seconds: float) -> None:
        self.calls: deque[float] = deque()
        self.limit = limit
        self.seconds = seconds

    def wait_needed(self, at: float) -> float:
        """Return how long until one more call fits (0 when it fits now)."""
        while self.calls and self.calls[0] <= at - self.seconds:
            self.calls.popleft()
        if len(self.calls) < self.limit:
            return 0.0
        return self.calls[0] + self.seconds - at


class Guard:
    """Checks each call against the rate limits and the faults in force."""

    def __init__(self, limits: RateLimits | None = None) -> None:
        self.limits = limits
        self.faults: list[Fault] = []
        self._hits: dict[str, int] = {}
        self._windows: dict[tuple[str, int, int], _Window] = {}
        self.rate_limited = 0  # calls answered 429 for going over the limits (benches read it)

    def set_limits(self, limits: RateLimits | None) -> None:
        """Replace the rate limits (None turns them off) and forget past calls."""
        self.limits = limits
        self._windows.clear()

    def add_fault(self, fault: Fault) -> None:
        """Put a fault in force."""
        self.faults.append(fault)
        logger.info("fault %s in force: %s", fault.id, fault.kind)

    def clear_faults(self) -> None:
        """Lift every fault."""
        self.faults.clear()
        self._hits.clear()

    def active_faults(self) -> list[Fault]:
        """Return the faults still in force, dropping expired ones."""
        at = time.monotonic()
        self.faults = [
            f
            for f in self.faults
            if (f.until is None or f.until > at)
            and (f.hits is None or self._hits.get(f.id, 0) < f.hits)
        ]
        return list(self.faults)

    def fault_for(self, bot_id: int, method: str, chat_id: int | None) -> Fault | None:
        """Return the first fault that applies to this call, counting the hit."""
        for fault in self.active_faults():
            if fault.matches(bot_id, method, chat_id):
                self._hits[fault.id] = self._hits.get(fault.id, 0) + 1
                return fault
        return None

    def check_rate(self, bot_id: int, method: str, chat_id: int | None, is_group: bool) -> None:
        """Count a call against the limits, or raise 429 when it would exceed them."""
        limits = self.limits
        if limits is None or method.lower() not in SENDING_METHODS:
            return
        scale = limits.time_scale
        windows = [self._window(("bot", bot_id, 0), limits.per_second, scale)]
        if chat_id is not None:
            windows.append(
                self._window(("chat", bot_id, chat_id), limits.per_chat_per_second, scale)
            )
            if is_group:
                windows.append(
                    self._window(
                        ("group", bot_id, chat_id), limits.per_group_per_minute, 60 * scale
                    )
                )
        at = time.monotonic()
        wait = max(w.wait_needed(at) for w in windows)
        if wait > 0:
            self.rate_limited += 1
            raise too_many_requests(_shown_retry_after(wait, scale))
        for window in windows:
            window.calls.append(at)

    def _window(self, key: tuple[str, int, int], limit: int, seconds: float) -> _Window:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = _Window(limit, seconds)
        return window


def _shown_retry_after(wait: float, scale: float) -> float:
    """Telegram gives whole seconds; a scaled emulator gives milliseconds, rounded up."""
    if scale >= 1:
        return float(max(1, math.ceil(wait)))
    return max(0.001, math.ceil(wait * 1000) / 1000)
