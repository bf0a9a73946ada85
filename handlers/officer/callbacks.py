"""The officers' buttons as the codec reads them (:mod:`bot.buttons`): the handlers' patterns,
the typed button a press carries, and the guard that answers a button whose agency or report
no longer exists as stale."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot import buttons
from bot import texts as general_texts
from bot.context import BotContext

OfficerButton = (
    buttons.CardAction
    | buttons.ResolveNow
    | buttons.WriteNote
    | buttons.ReferTo
    | buttons.LegacyReferTo
)
_OFFICER_BUTTONS = (
    buttons.CardAction,
    buttons.ResolveNow,
    buttons.WriteNote,
    buttons.ReferTo,
    buttons.LegacyReferTo,
)
Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]

ACKNOWLEDGE = buttons.pattern(buttons.CardAction, action="ack")
RESOLVE = buttons.pattern(buttons.CardAction, action="res")
RESOLVE_NOW = buttons.pattern(buttons.ResolveNow)
RESOLVE_WITH_NOTE = buttons.pattern(buttons.WriteNote)
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


def card_id(button: OfficerButton) -> int:
    """The alert card a follow-up button (resolve, refer) belongs to."""
    assert not isinstance(button, buttons.CardAction)
    return button.card_id


def resolve_choice(report_id: int, agency_id: str, card: int, *, with_note: bool) -> str:
    """The data of a "resolve now" or "write a note" button under the card ``card``."""
    kind = buttons.WriteNote if with_note else buttons.ResolveNow
    return buttons.encode(kind(report_id, agency_id, card))


def referral_choice(report_id: int, agency_id: str, card: int, target: str) -> str:
    """The data of the button choosing the agency ``target`` to refer the report to."""
    return buttons.encode(buttons.ReferTo(report_id, agency_id, card, target))


def checked(callback: Callback) -> Callback:
    """The callback, run only if the button's agencies and report still exist; otherwise the
    press is answered as stale, never misread."""

    async def run(update: Update, context: BotContext) -> None:
        button = pressed(update)
        known = {agency.id for agency in context.services.config.agencies}
        named = {button.agency_id}
        if isinstance(button, buttons.ReferTo):
            named.add(button.target)
        if named <= known and await context.services.reports.report_exists(button.report_id):
            await callback(update, context)
            return
        query = update.callback_query
        assert query is not None
        await query.answer(general_texts.stale_button())

    return run
