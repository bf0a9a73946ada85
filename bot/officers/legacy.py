"""LEGACY: reading the prompts sent by the version before replies were matched by message id.

That version put a marker in an officer's note or question prompt ("Note for the reporter
[ref R/A/MSG]: ...", "Question for the reporter [ref R/A/MSG]: ...": report id, agency id,
the card's message id) and recognised a reporter's answer by the phrase of the question it
replied to ("... asks about your report ABC-DEF: ..."). Such messages may still be in chats when
the new version starts; these readers understand exactly those, and nothing else. Remove this
module once no prompt of that version can still be answered.
"""

from __future__ import annotations

import re

from bot.outbox.telegram.reporter import ASKS_MARK
from storage.reply_prompts import ReplyPrompt

_MARKER = re.compile(r"\[ref (\d+)/([a-z0-9_-]+)/(\d+)\]")
_NOTE_HEAD = "Note for the reporter"
_ASKED = re.compile(rf"{ASKS_MARK} ([0-9A-Z]{{3}}-[0-9A-Z]{{3}})")


def officer_prompt(chat_id: int, text: str) -> ReplyPrompt | None:
    """The note or question prompt an old marker names, if ``text`` carries one."""
    found = _MARKER.search(text)
    if found is None:
        return None
    return ReplyPrompt(
        purpose="note" if text.startswith(_NOTE_HEAD) else "question",
        chat_id=chat_id,
        report_id=int(found[1]),
        agency_id=found[2],
        card_message_id=int(found[3]),
    )


def asked_ref(text: str) -> str | None:
    """The reference of the report a relayed question in ``text`` asks about, if any."""
    found = _ASKED.search(text)
    return None if found is None else found[1]
