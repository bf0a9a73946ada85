"""The bot's messages that a reply answers: an officer's note or question prompt in an agency
chat, and a question relayed to a reporter. A reply is matched by the message it replies to
(chat and message id), never by the prompt's words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import aiosqlite

from storage.db import Database
from storage.timestamps import to_db

PromptPurpose = Literal["note", "question", "answer"]


@dataclass(frozen=True, slots=True)
class ReplyPrompt:
    """What a reply to one of the bot's messages is for.

    ``note``: the officer's note, resolving report ``report_id`` for agency ``agency_id``;
    ``question``: the officer's question for the reporter; both name the card
    (``card_message_id``) and the officer who asked for the prompt. ``answer``: the reporter's
    answer to the question event ``question_event_id`` that agency ``agency_id`` asked.
    """

    purpose: PromptPurpose
    chat_id: int
    report_id: int
    agency_id: str
    officer_id: int | None = None
    card_message_id: int | None = None
    question_event_id: int | None = None
    publishable: bool = False  # note: the officer chose a note that may be published


class ReplyPromptRepository:
    """Remember the prompts the bot sends, and find the one a reply answers."""

    def __init__(self, db: Database) -> None:
        """Use the given open database."""
        self._db = db

    async def remember_sent(self, prompt: ReplyPrompt, message_id: int, *, now: datetime) -> None:
        """Record a prompt the bot has just sent as message ``message_id`` of its chat."""
        await self._insert(prompt, message_id, None, now)

    async def remember_queued(self, prompt: ReplyPrompt, outbox_id: int, *, now: datetime) -> None:
        """Record a prompt queued as outbox item ``outbox_id``: its message id is the one the
        dispatcher records when it sends the item."""
        await self._insert(prompt, None, outbox_id, now)

    async def find(self, chat_id: int, message_id: int) -> ReplyPrompt | None:
        """The prompt that is message ``message_id`` of chat ``chat_id``, if the bot sent one
        there (directly, or through the outbox and already settled as sent)."""
        row = await self._db.fetchone(
            "SELECT * FROM reply_prompts WHERE chat_id = ? AND message_id = ?",
            (chat_id, message_id),
        )
        if row is None:
            # SQLite's JSON function: the Telegram sender's result is {"message_id": N}.
            row = await self._db.fetchone(
                "SELECT p.* FROM reply_prompts p JOIN outbox o ON o.id = p.outbox_id"
                " WHERE p.chat_id = ? AND o.target = CAST(p.chat_id AS TEXT)"
                " AND o.state = 'sent' AND json_extract(o.result, '$.message_id') = ?"
                " ORDER BY p.id DESC LIMIT 1",
                (chat_id, message_id),
            )
        return None if row is None else _prompt(row)

    async def _insert(
        self, prompt: ReplyPrompt, message_id: int | None, outbox_id: int | None, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO reply_prompts (purpose, chat_id, message_id, outbox_id, report_id,"
            " agency_id, officer_id, card_message_id, question_event_id, publishable, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, message_id) WHERE message_id IS NOT NULL DO NOTHING",
            (
                prompt.purpose,
                prompt.chat_id,
                message_id,
                outbox_id,
                prompt.report_id,
                prompt.agency_id,
                prompt.officer_id,
                prompt.card_message_id,
                prompt.question_event_id,
                int(prompt.publishable),
                to_db(now),
            ),
        )


def _prompt(row: aiosqlite.Row) -> ReplyPrompt:
    return ReplyPrompt(
        purpose=row["purpose"],
        chat_id=row["chat_id"],
        report_id=row["report_id"],
        agency_id=row["agency_id"],
        officer_id=row["officer_id"],
        card_message_id=row["card_message_id"],
        question_event_id=row["question_event_id"],
        publishable=bool(row["publishable"]),
    )
