"""The PTB internals the conversation timeout sweep relies on, checked by how they behave.

bot/telegram/timeouts.py uses three internals of python-telegram-bot's ConversationHandler
(see its module docstring). When a PTB release changes one, these tests fail with a message
naming it, before any conversation is left open for want of its timeout.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from bot.telegram.timeouts import (
    PTB_INTERNALS,
    PTBInternalsChanged,
    SweptConversationHandler,
    check_ptb_internals,
)

RESIDENT = 5550001234
KEY = (RESIDENT, RESIDENT)
CHANGED = "python-telegram-bot changed an internal that bot/telegram/timeouts.py relies on: "


class _OfflineBotApi(BaseRequest):
    """Answers getMe and sendMessage locally; no test here reaches the network."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        me = {"id": 123, "is_bot": True, "first_name": "Safety", "username": "safety_bot"}
        return 200, json.dumps({"ok": True, "result": me}).encode()


async def _street(update: Update, context: Any) -> str:
    return "street"


async def _done(update: Update, context: Any) -> int:
    return ConversationHandler.END


def _conversation() -> SweptConversationHandler[Any]:
    return SweptConversationHandler(
        timeout=timedelta(minutes=10),
        entry_points=[CommandHandler("visit", _street)],
        states={"street": [MessageHandler(filters.TEXT & ~filters.COMMAND, _done)]},
        fallbacks=[],
        name="visit",
    )


def _update(update_id: int, text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1714555800,
        "chat": {"id": RESIDENT, "type": "private"},
        "from": {"id": RESIDENT, "is_bot": False, "first_name": "Ann"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message}


async def test_the_open_conversations_and_how_one_ends_are_as_the_sweep_expects() -> None:
    """``_conversations`` holds an open conversation's state by key, ``check_update`` gives
    that key at index 1, and ``_update_state(END, key)`` ends the conversation."""
    application = Application.builder().token("123:abc").request(_OfflineBotApi()).build()
    conversation = _conversation()
    application.add_handler(conversation)
    await application.initialize()
    try:
        await application.process_update(Update.de_json(_update(1, "/visit"), application.bot))
        states = getattr(conversation, "_conversations", None)
        if not isinstance(states, dict) or states.get(KEY) != "street":
            pytest.fail(f"{CHANGED}ConversationHandler._conversations is now {states!r}")
        result = conversation.check_update(Update.de_json(_update(2, "Hatfield Road"), None))
        if not isinstance(result, tuple) or len(result) < 2 or result[1] != KEY:
            pytest.fail(f"{CHANGED}check_update's result is now {result!r}, without the key")
        getattr(conversation, "_update_state")(ConversationHandler.END, KEY)  # noqa: B009
        if KEY in states:
            pytest.fail(f"{CHANGED}_update_state(END, key) no longer ends the conversation")
    finally:
        await application.shutdown()


def test_the_check_at_construction_names_the_internals_when_they_change() -> None:
    """A handler without the internals is refused, by a message naming them and what to do."""

    class Changed(ConversationHandler[Any]):
        __slots__ = ()

        def _update_state(self, state: object, conversation: object) -> None:  # type: ignore[override]
            """As if a PTB release renamed the parameters."""

    handler = Changed(entry_points=[], states={}, fallbacks=[])
    with pytest.raises(PTBInternalsChanged, match="_update_state's parameters") as raised:
        check_ptb_internals(handler)
    for internal in PTB_INTERNALS:
        assert internal in str(raised.value)
    assert "conversation_timeout" in str(raised.value)
    check_ptb_internals(_conversation())  # today's PTB passes
