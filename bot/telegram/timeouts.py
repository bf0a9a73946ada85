"""A conversation whose timeout is checked by one periodic sweep, not by a job per update.

PTB's ``conversation_timeout`` removes one JobQueue job and schedules another on every update a
conversation handles, which costs a busy bot a noticeable share of its time. This handler keeps
each open conversation's deadline in memory instead, moved on by every update it handles, and
one repeating job ends the conversations silent past it, as PTB would: the ``TIMEOUT`` state's
handlers run with the conversation's last update and context, then the conversation ends. As
with PTB, a conversation resumed after a restart gets its deadline at its next update.

The sweep was written when PTB's ``conversation_timeout`` measured about 5 % more CPU per
update on ``bench/report_burst.py``; on a shared, noisy machine a later re-measurement could
not tell the two apart reliably, so the sweep stays until a quiet one can. Its price is three
PTB internals, used here and nowhere else: ``ConversationHandler._conversations`` (the open
conversations' states by key), ``_update_state(new_state, key)`` (how PTB ends one) and the
conversation key at index 1 of ``check_update``'s result. :func:`check_ptb_internals` checks
them when a handler is built, and ``tests/telegram/test_ptb_internals.py`` checks how they
behave, so a PTB release that changes them fails loudly instead of leaving conversations open.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram import __version__ as ptb_version
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ConversationHandler

logger = logging.getLogger(__name__)

CCT = TypeVar("CCT", bound=CallbackContext[Any, Any, Any, Any])
ConversationKey = tuple[int | str, ...]

# The sweep's period is this fraction of the timeout, within these bounds (seconds): a
# conversation ends at most that long after its deadline.
SWEEP_FRACTION = 1 / 60
SHORTEST_SWEEP_SECONDS = 0.05
LONGEST_SWEEP_SECONDS = 5.0


PTB_INTERNALS = (
    "ConversationHandler._conversations",
    "ConversationHandler._update_state(new_state, key)",
    "the conversation key at index 1 of ConversationHandler.check_update's result",
)


class PTBInternalsChanged(RuntimeError):
    """python-telegram-bot no longer has the internals the timeout sweep relies on."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"python-telegram-bot {ptb_version} changed {what}, which "
            f"bot/telegram/timeouts.py relies on (it uses {'; '.join(PTB_INTERNALS)}). "
            "Adapt the sweep to the new internals, or use PTB's conversation_timeout."
        )


def check_ptb_internals(handler: ConversationHandler[Any]) -> None:
    """Raise PTBInternalsChanged unless ``handler`` has the internals the sweep uses."""
    if not isinstance(getattr(handler, "_conversations", None), dict):
        raise PTBInternalsChanged("ConversationHandler._conversations (no longer a dict)")
    update_state = getattr(handler, "_update_state", None)
    if not callable(update_state):
        raise PTBInternalsChanged("ConversationHandler._update_state (gone)")
    parameters = list(inspect.signature(update_state).parameters)
    if parameters[:2] != ["new_state", "key"]:
        raise PTBInternalsChanged(f"ConversationHandler._update_state's parameters {parameters}")


@dataclass(frozen=True, slots=True)
class _Open(Generic[CCT]):
    """An open conversation: when it times out, and its last update and context."""

    deadline: float
    update: Update
    context: CCT


class SweptConversationHandler(ConversationHandler[CCT]):
    """A ConversationHandler that ends conversations silent for ``timeout`` (see the module)."""

    __slots__ = ("_application", "_clock", "_deadlines", "_every", "_silence", "_sweeping")

    def __init__(
        self,
        *,
        timeout: timedelta,
        sweep_every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        """``kwargs`` are ConversationHandler's (without ``conversation_timeout``);
        ``sweep_every`` (seconds) defaults to a sixtieth of the timeout, within 0.05 s and 5 s;
        ``clock`` gives seconds on a clock that never goes back."""
        super().__init__(**kwargs)
        check_ptb_internals(self)
        self._silence = timeout.total_seconds()
        if self._silence <= 0:
            raise ValueError("the timeout must be positive")
        default = min(
            max(self._silence * SWEEP_FRACTION, SHORTEST_SWEEP_SECONDS), LONGEST_SWEEP_SECONDS
        )
        self._every = default if sweep_every is None else sweep_every
        self._clock = clock
        self._deadlines: dict[ConversationKey, _Open[CCT]] = {}
        self._application: Application[Any, CCT, Any, Any, Any, Any] | None = None
        self._sweeping = False

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, CCT, Any, Any, Any, Any],
        check_result: Any,
        context: CCT,
    ) -> object | None:
        """Handle the update as ConversationHandler does; while the conversation stays open,
        its deadline is the timeout from now."""
        key: ConversationKey = check_result[1]  # see the module: a PTB internal
        self._deadlines.pop(key, None)
        self._start_sweeping(application)
        try:
            result = await super().handle_update(update, application, check_result, context)
        except ApplicationHandlerStop:
            self._arm(key, update, context)
            raise
        self._arm(key, update, context)
        return result

    def _arm(self, key: ConversationKey, update: Update, context: CCT) -> None:
        if key in self._conversations:  # a step that ends the conversation removes its key
            self._deadlines[key] = _Open(self._clock() + self._silence, update, context)

    def _start_sweeping(self, application: Application[Any, CCT, Any, Any, Any, Any]) -> None:
        """Start the repeating sweep with the first update (the JobQueue runs by then)."""
        self._application = application
        if self._sweeping:
            return
        self._sweeping = True
        if application.job_queue is None:
            logger.warning("conversation %s: no JobQueue, so no timeouts", self.name)
            return
        application.job_queue.run_repeating(
            self._sweep_job, interval=self._every, name=f"timeouts of {self.name}"
        )

    async def _sweep_job(self, _: object) -> None:
        await self.sweep()

    async def sweep(self) -> None:
        """End the open conversations whose deadline has passed (the repeating job calls
        this)."""
        application = self._application
        if application is None:
            return
        now = self._clock()
        expired = [(key, item) for key, item in self._deadlines.items() if item.deadline <= now]
        for key, _ in expired:
            del self._deadlines[key]
        if expired:
            await asyncio.gather(*(self._time_out(application, k, i) for k, i in expired))

    async def _time_out(
        self,
        application: Application[Any, CCT, Any, Any, Any, Any],
        key: ConversationKey,
        item: _Open[CCT],
    ) -> None:
        """Run the TIMEOUT handlers with the last update, then end the conversation."""
        if key not in self._conversations or key in self._deadlines:
            return  # ended meanwhile, or a newer update moved its deadline on
        logger.debug("conversation %s timed out", self.name)
        try:
            for handler in self.states.get(self.TIMEOUT, []):
                check = handler.check_update(item.update)
                if check is None or check is False:
                    continue
                try:
                    await handler.handle_update(item.update, application, check, item.context)
                except ApplicationHandlerStop:
                    logger.warning("ApplicationHandlerStop in a TIMEOUT handler has no effect")
        except Exception as error:
            await application.process_error(update=item.update, error=error)
            return
        self._update_state(self.END, key)
