"""The conversation's steps run only while the resident has a draft to resume.

A draft the bot cannot read (stored by a newer version, or damaged) is dropped when the bot
starts, while the conversation's state is kept. Rather than run a step without its draft, the
resident is told that their report could not be resumed and may start again, and the
conversation ends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import Application, BaseHandler, ConversationHandler

from bot.context import BotContext
from bot.reporting import texts
from bot.reporting.draft import Draft
from handlers.report.flow import DRAFT, END, ack, finish, send

Handler = BaseHandler[Update, BotContext, Any]


class ReportConversation(ConversationHandler[BotContext]):
    """The report conversation (timed out by PTB's ``conversation_timeout``), whose steps and
    fallbacks each run only while the resident has a draft (the entry points make one; the
    timeout needs none)."""

    __slots__ = ()

    def __init__(
        self,
        *,
        states: Mapping[object, Sequence[Handler]],
        fallbacks: Sequence[Handler],
        **kwargs: Any,
    ) -> None:
        """``kwargs`` are ConversationHandler's."""
        super().__init__(
            states=steps_needing_draft(states), fallbacks=needing_draft(fallbacks), **kwargs
        )


class NeedsDraft(BaseHandler[Update, BotContext, object]):
    """One of the conversation's handlers, run only if the resident has a draft."""

    __slots__ = ("step",)

    def __init__(self, step: Handler) -> None:
        super().__init__(step.callback, block=step.block)
        self.step = step

    def check_update(self, update: object) -> object:
        """The step's own check: the draft is looked at once the update is taken."""
        return self.step.check_update(update)

    async def handle_update(
        self,
        update: Update,
        application: Application[Any, BotContext, Any, Any, Any, Any],
        check_result: object,
        context: BotContext,
    ) -> object:
        """Run the step, or tell the resident their report could not be resumed."""
        if context.user_data is not None and isinstance(context.user_data.get(DRAFT), Draft):
            return await self.step.handle_update(update, application, check_result, context)
        return await not_resumed(update, context)


async def not_resumed(update: Update, context: BotContext) -> int:
    """No draft to carry on with: say so, and end the conversation."""
    await ack(update)
    await finish(update, context)
    await send(update, context, texts.NOT_RESUMED, ReplyKeyboardRemove())
    return END


def steps_needing_draft(states: Mapping[object, Sequence[Handler]]) -> dict[object, list[Handler]]:
    """Each state's handlers, guarded; the timeout's handlers run without a draft too."""
    return {
        state: list(handlers) if state == ConversationHandler.TIMEOUT else needing_draft(handlers)
        for state, handlers in states.items()
    }


def needing_draft(handlers: Sequence[Handler]) -> list[Handler]:
    """The handlers, each run only while the resident has a draft."""
    return [NeedsDraft(handler) for handler in handlers]
