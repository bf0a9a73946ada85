"""The bot's rate limiter: Telegram's flood limits shared by every call, retries per path.

It paces calls with PTB's ``AIORateLimiter`` (30 messages a second overall, 20 a minute per
group, or what ``[telegram.limits]`` allows), and is built in one place so that the running
bot and the tests pace their calls the same way. What differs by path is who retries a 429:

- a direct reply (any call that does not say otherwise) is retried here, up to
  :data:`REPLY_RETRIES` times, after the wait Telegram asks for;
- an outbox send passes ``rate_limit_args=OUTBOX_RETRIES`` and is not retried here: the
  dispatcher retries it, holding the later items to the same chat behind it;
- news passes ``rate_limit_args=NEWS``: it is not retried here (the broadcast engine retries
  it), and it goes last. A news call waits until the calls of the last second, with the other
  calls waiting or being sent, leave room for it (a few under the limit, so a resident's reply
  always finds a place), and one second after the last news call to its chat. So a
  newsletter to 10,000 chats takes what the residents and officers leave, never their turn.

Why a :class:`Retries` value and not PTB's plain int: PTB's ``ExtBot`` drops a falsy
``rate_limit_args`` before the limiter sees it, and ``AIORateLimiter`` reads it as
``rate_limit_args or max_retries``, so a 0 would mean "the default" twice over. It lives beside
the outbox's Telegram sender, which names its retries with it (the outbox sits below
``bot.telegram`` in the layers).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.config import Limits

JSONDict = dict[str, Any]  # a Bot API answer, as PTB's limiter passes it on
# The logger PTB's limiter writes to.
PTB_LIMITER_LOGGER = "telegram.ext.AIORateLimiter"


@dataclass(frozen=True, slots=True)
class Retries:
    """How often the limiter tries a call again after a 429 (0: never; the caller will), and
    whether the call is news, which waits for what the other calls leave of the budget."""

    count: int
    news: bool = False


# A direct reply is tried again this often after a 429 before its handler sees the error.
REPLY_RETRIES = Retries(3)
# An outbox send is not retried by the limiter: the dispatcher alone retries it.
OUTBOX_RETRIES = Retries(0)
# News is not retried here either (the broadcast engine retries it), and goes last.
NEWS = Retries(0, news=True)


class RateLimiter(BaseRateLimiter[Retries]):
    """PTB's ``AIORateLimiter`` pacing every call, with each call's own :class:`Retries`
    (:data:`REPLY_RETRIES` for a call that gives none), and news behind everything else."""

    __slots__ = ("_news", "_pace", "_reply_retries")

    def __init__(self, limits: Limits, *, reply_retries: Retries = REPLY_RETRIES) -> None:
        """Pace calls to ``limits``; retry a call that gives no count ``reply_retries`` times."""
        # No default retries: each call's count is handed over as it is (0 stays 0).
        self._pace = AIORateLimiter(
            overall_max_rate=limits.messages_per_second,
            group_max_rate=limits.group_messages_per_minute,
            max_retries=0,
        )
        self._reply_retries = reply_retries
        self._news = NewsGate(limits.messages_per_second)
        _quiet_unretried_429s()

    async def initialize(self) -> None:
        """Initialise PTB's limiter."""
        await self._pace.initialize()

    async def shutdown(self) -> None:
        """Shut PTB's limiter down."""
        await self._pace.shutdown()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Retries | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send the call within the limits, retrying a 429 as often as the call says."""
        retries = self._reply_retries if rate_limit_args is None else rate_limit_args
        if retries.news:
            await self._news.admit(data.get("chat_id"))
            return await self._pace.process_request(
                callback, args, kwargs, endpoint, data, retries.count
            )
        async with self._news.other_call():
            return await self._pace.process_request(
                callback, args, kwargs, endpoint, data, retries.count
            )


# News waits this long between two calls to one chat (Telegram: about one a second).
NEWS_CHAT_INTERVAL_SECONDS = 1.0
# Calls a second news leaves to replies and alerts that arrive after it was let through.
NEWS_HEADROOM = 2
# The window news measures its second over (Telegram's: one second).
NEWS_WINDOW_SECONDS = 1.0
# Seconds between looks at the budget while news waits.
_NEWS_POLL_SECONDS = 0.02


class NewsGate:
    """Lets news calls through only with what the other calls leave of the budget."""

    def __init__(self, per_second: int) -> None:
        """Keep the calls of any second under ``per_second``, some left for other calls."""
        self._room = max(1, per_second - NEWS_HEADROOM)
        self._recent: deque[float] = deque()  # when each call of the last second started
        self._others = 0  # other calls waiting or in flight
        self._chat_next: dict[Any, float] = {}
        self._turn = asyncio.Lock()

    class _Other:
        def __init__(self, gate: NewsGate) -> None:
            self._gate = gate

        async def __aenter__(self) -> None:
            self._gate._others += 1
            self._gate._recent.append(asyncio.get_running_loop().time())

        async def __aexit__(self, *exc_info: object) -> None:
            self._gate._others -= 1

    def other_call(self) -> NewsGate._Other:
        """Around a call that is not news: news leaves room for it while it waits or is sent."""
        return NewsGate._Other(self)

    async def admit(self, chat_id: Any) -> None:
        """Wait for this news call's turn: its chat's interval, then room in the budget."""
        loop = asyncio.get_running_loop()
        wait = self._chat_next.get(chat_id, 0.0) - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        async with self._turn:  # news calls take their turns in order
            while True:
                now = loop.time()
                while self._recent and self._recent[0] <= now - NEWS_WINDOW_SECONDS:
                    self._recent.popleft()
                # Room is kept for the other calls waiting or in flight, and a little more
                # for those about to come, so that they never meet a full second.
                if len(self._recent) + self._others < self._room:
                    break
                pause = _NEWS_POLL_SECONDS
                if self._recent:
                    pause = max(pause, self._recent[0] + NEWS_WINDOW_SECONDS - now)
                await asyncio.sleep(min(pause, 0.25))
            self._recent.append(now)
        self._chat_next[chat_id] = now + NEWS_CHAT_INTERVAL_SECONDS
        if len(self._chat_next) > 10_000:  # forget chats whose interval has long passed
            self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}


class _UnretriedFloodControl(logging.Filter):
    """Drops PTB's error log for a 429 on a call that asked for no retries: the dispatcher
    logs and retries those itself, so each would otherwise be logged twice, once as an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record but that one."""
        return not (
            str(record.msg).startswith("Rate limit hit after maximum of") and record.args == (0,)
        )


_FILTER = _UnretriedFloodControl()


def _quiet_unretried_429s() -> None:
    """Install the filter on PTB's limiter logger (once, however many limiters are built)."""
    logger = logging.getLogger(PTB_LIMITER_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
