"""The bot's rate limiter: Telegram's flood limits shared by every call, retries per path.

Every message to a chat takes a place in one budget (:mod:`bot.outbox.telegram.budget`: 30 a
second, or what ``[telegram.limits]`` allows, counted until a second after each answer so that
Telegram, however late it counts a call, never sees more); PTB's ``AIORateLimiter`` behind it
keeps the per-group limit (20 a minute) and the retries. It is built in one place so that the
running bot and the tests pace their calls the same way. What differs by path is who retries:

- a direct reply (any call that does not say otherwise) is retried here, up to
  :data:`REPLY_RETRIES` times, after the wait Telegram asks for;
- an outbox send passes ``rate_limit_args=OUTBOX_RETRIES`` and is not retried here: the
  dispatcher retries it, holding the later items to the same chat behind it;
- news passes ``rate_limit_args=NEWS``: it is not retried here (the broadcast engine retries
  it), and it goes last: it takes a place only when no reply or alert is waiting, leaves
  :data:`NEWS_HEADROOM` places for them, is evenly spaced, and waits a second after the answer
  to the last news call to its chat. So a newsletter to 10,000 chats takes what the residents
  and officers leave, never their turn.

Why a :class:`Retries` value and not PTB's plain int: PTB's ``ExtBot`` drops a falsy
``rate_limit_args`` before the limiter sees it, and ``AIORateLimiter`` reads it as
``rate_limit_args or max_retries``, so a 0 would mean "the default" twice over. It lives beside
the outbox's Telegram sender, which names its retries with it (the outbox sits below
``bot.telegram`` in the layers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.config import Limits
from bot.outbox.telegram.budget import SendBudget

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

    __slots__ = ("_budget", "_news_chats", "_pace", "_reply_retries")

    def __init__(self, limits: Limits, *, reply_retries: Retries = REPLY_RETRIES) -> None:
        """Pace calls to ``limits``; retry a call that gives no count ``reply_retries`` times."""
        # No default retries: each call's count is handed over as it is (0 stays 0).
        # PTB's limiter keeps the per-group limit and the retries; the overall limit is the
        # budget's, which counts a call until a second after its answer (see budget.py).
        self._pace = AIORateLimiter(
            overall_max_rate=0,
            group_max_rate=limits.group_messages_per_minute,
            max_retries=0,
        )
        self._reply_retries = reply_retries
        self._budget = SendBudget(limits.messages_per_second, headroom=NEWS_HEADROOM)
        self._news_chats = NewsChats()
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
        chat_id = data.get("chat_id")
        if chat_id is None:  # not a message to a chat: Telegram's per-second limit spares it
            return await self._pace.process_request(
                callback, args, kwargs, endpoint, data, retries.count
            )
        if retries.news:
            await self._news_chats.wait(chat_id)
        try:
            async with self._budget.place(news=retries.news):
                return await self._pace.process_request(
                    callback, args, kwargs, endpoint, data, retries.count
                )
        finally:
            if retries.news:
                self._news_chats.answered(chat_id)


# News waits this long after its last call to a chat is answered before the next to that chat
# (Telegram: about one a second per chat).
NEWS_CHAT_INTERVAL_SECONDS = 1.0
# Places of the budget's second news leaves free for the replies and alerts that come next.
NEWS_HEADROOM = 1


class NewsChats:
    """When each chat may have its next news call: an interval after the last one's answer."""

    def __init__(self) -> None:
        """Start with no chat waiting."""
        self._next: dict[Any, float] = {}

    async def wait(self, chat_id: Any) -> None:
        """Wait until ``chat_id`` may have news again."""
        wait = self._next.get(chat_id, 0.0) - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)

    def answered(self, chat_id: Any) -> None:
        """A news call to ``chat_id`` was answered now."""
        now = asyncio.get_running_loop().time()
        self._next[chat_id] = now + NEWS_CHAT_INTERVAL_SECONDS
        if len(self._next) > 10_000:  # forget chats whose interval has passed
            self._next = {c: t for c, t in self._next.items() if t > now}


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
