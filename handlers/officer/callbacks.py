"""The officers' buttons as the codec reads them (:mod:`bot.buttons`): the handlers' patterns,
the typed button a press carries, and the guard every press passes first: a button whose agency
or report no longer exists is answered as stale, and the officers' service decides whether the
press may do what it asks (:mod:`bot.officers.presses`); a refused press is answered with the
reason and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Literal

from telegram import Message, Update

from bot import buttons
from bot import texts as general_texts
from bot.context import BotContext
from bot.officers import texts
from bot.officers.presses import Action, Press, Verdict
from storage.timestamps import utc_now

OfficerButton = (
    buttons.CardAction
    | buttons.ResolveNow
    | buttons.WriteNote
    | buttons.WritePublishableNote
    | buttons.ReferTo
    | buttons.LegacyReferTo
)
_OFFICER_BUTTONS = (
    buttons.CardAction,
    buttons.ResolveNow,
    buttons.WriteNote,
    buttons.WritePublishableNote,
    buttons.ReferTo,
    buttons.LegacyReferTo,
)
Callback = Callable[[Update, BotContext, Verdict], Coroutine[Any, Any, None]]
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
_CARD_ACTIONS: dict[buttons.CardActionName, Action] = {
    "ack": "acknowledge",
    "res": "resolve",
    "ref": "refer",
    "ask": "ask",
    "det": "details",
}

ACKNOWLEDGE = buttons.pattern(buttons.CardAction, action="ack")
RESOLVE = buttons.pattern(buttons.CardAction, action="res")
RESOLVE_NOW = buttons.pattern(buttons.ResolveNow)
RESOLVE_WITH_NOTE = buttons.pattern(buttons.WriteNote, buttons.WritePublishableNote)
REFER = buttons.pattern(buttons.CardAction, action="ref")
REFER_TO = buttons.pattern(buttons.ReferTo, buttons.LegacyReferTo)
ASK = buttons.pattern(buttons.CardAction, action="ask")
DETAILS = buttons.pattern(buttons.CardAction, action="det")


def pressed(update: Update) -> OfficerButton:
    """The officer button pressed (its handler's pattern matched one of the officer kinds)."""
    query = update.callback_query
    assert query is not None
    button = buttons.decode(query.data)
    assert isinstance(button, _OFFICER_BUTTONS)
    return button


def parts(update: Update) -> tuple[int, str, OfficerButton]:
    """The report id and the agency id an officer button names, and the whole button."""
    button = pressed(update)
    return button.report_id, button.agency_id, button


NoteChoice = Literal["none", "internal", "publishable"]


def resolve_choice(report_id: int, agency_id: str, card: int, note: NoteChoice) -> str:
    """The data of a "resolve now", "write a note" or "write a note that may be published"
    button under the card ``card``."""
    button: buttons.ResolveNow | buttons.WriteNote | buttons.WritePublishableNote
    if note == "none":
        button = buttons.ResolveNow(report_id, agency_id, card)
    elif note == "internal":
        button = buttons.WriteNote(report_id, agency_id, card)
    else:
        button = buttons.WritePublishableNote(report_id, agency_id, card)
    return buttons.encode(button)


def referral_choice(report_id: int, agency_id: str, card: int, target: str) -> str:
    """The data of the button choosing the agency ``target`` to refer the report to."""
    return buttons.encode(buttons.ReferTo(report_id, agency_id, card, target))


def press(update: Update, button: OfficerButton) -> Press:
    """The press as the officers' service checks it: what the button asks and names, who
    pressed it, on which message, and what that message replies to."""
    query, user = update.callback_query, update.effective_user
    assert query is not None
    assert user is not None
    action: Action
    card: int | None = None
    if isinstance(button, buttons.CardAction):
        action = _CARD_ACTIONS[button.action]
    else:
        prompt = isinstance(
            button, buttons.ResolveNow | buttons.WriteNote | buttons.WritePublishableNote
        )
        action, card = ("resolve" if prompt else "refer"), button.card_id
    message = query.message
    replied = message.reply_to_message if isinstance(message, Message) else None
    return Press(
        action,
        button.report_id,
        button.agency_id,
        user.id,
        chat_id=message.chat.id if message is not None else None,
        message_id=message.message_id if message is not None else None,
        card_id=card,
        replied_to=replied.message_id if replied is not None else None,
        message_known=isinstance(message, Message),
    )


def checked(callback: Callback) -> Handler:
    """The callback, run only if the button's agencies and report still exist and the press
    may do what it asks; otherwise the press is answered (once) with the reason, never
    misread, and nothing changes."""

    async def run(update: Update, context: BotContext) -> None:
        button = pressed(update)
        query = update.callback_query
        assert query is not None
        known = {agency.id for agency in context.services.config.agencies}
        named = {button.agency_id}
        if isinstance(button, buttons.ReferTo):
            named.add(button.target)
        if not named <= known or not await context.services.reports.report_exists(button.report_id):
            await query.answer(general_texts.stale_button())
            return
        verdict = await context.services.officers.check(press(update, button), utc_now())
        if verdict.refusal is not None:
            await query.answer(texts.refused(verdict.refusal, verdict.state), show_alert=True)
            return
        await callback(update, context, verdict)

    return run
