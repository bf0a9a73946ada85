"""The bot's rate limiter: Telegram's flood limits shared by every call, retries per path.

It paces calls with PTB's ``AIORateLimiter`` (30 messages a second overall, 20 a minute per
group, or what ``[telegram.limits]`` allows), and is built in one place so that the running
bot and the tests pace their calls the same way. What differs by path is who retries a 429:

- a direct reply (any call that does not say otherwise) is retried here, up to
  :data:`REPLY_RETRIES` times, after the wait Telegram asks for;
- an outbox send passes ``rate_limit_args=OUTBOX_RETRIES`` and is not retried here: the
  dispatcher retries it, holding the later items to the same chat behind it.

Why a :class:`Retries` value and not PTB's plain int: PTB's ``ExtBot`` drops a falsy
``rate_limit_args`` before the limiter sees it, and ``AIORateLimiter`` reads it as
``rate_limit_args or max_retries``, so a 0 would mean "the default" twice over. It lives beside
the outbox's Telegram sender, which names its retries with it (the outbox sits below
``bot.telegram`` in the layers).
"""

from __future__ import annotations

import logging
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
    """How often the limiter tries a call again after a 429 (0: never; the caller will)."""

    count: int


# A direct reply is tried again this often after a 429 before its handler sees the error.
REPLY_RETRIES = Retries(3)
# An outbox send is not retried by the limiter: the dispatcher alone retries it.
OUTBOX_RETRIES = Retries(0)


class RateLimiter(BaseRateLimiter[Retries]):
    """PTB's ``AIORateLimiter`` pacing every call, with each call's own :class:`Retries`
    (:data:`REPLY_RETRIES` for a call that gives none)."""

    __slots__ = ("_pace", "_reply_retries")

    def __init__(self, limits: Limits, *, reply_retries: Retries = REPLY_RETRIES) -> None:
        """Pace calls to ``limits``; retry a call that gives no count ``reply_retries`` times."""
        # No default retries: each call's count is handed over as it is (0 stays 0).
        self._pace = AIORateLimiter(
            overall_max_rate=limits.messages_per_second,
            group_max_rate=limits.group_messages_per_minute,
            max_retries=0,
        )
        self._reply_retries = reply_retries
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
        return await self._pace.process_request(
            callback, args, kwargs, endpoint, data, retries.count
        )


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
