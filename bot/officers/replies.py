"""Which of the bot's messages a reply answers: an officer's note or question prompt in an
agency chat, or a question relayed to a reporter. Matched by the chat and the id of the message
replied to (stored when the bot sent it), so rewording a prompt breaks nothing; prompts sent by
the version before carry words instead, which :mod:`bot.officers.legacy` reads."""

from __future__ import annotations

from datetime import datetime

from bot.officers import legacy
from storage.db import Database
from storage.reply_prompts import PromptPurpose, ReplyPrompt, ReplyPromptRepository
from storage.reports import Report, ReportRepository


class Replies:
    """Remember the prompts the bot sends, and find the one a reply answers."""

    def __init__(self, db: Database) -> None:
        """Use the open database."""
        self._prompts = ReplyPromptRepository(db)
        self._reports = ReportRepository(db)

    async def prompt_sent(
        self,
        purpose: PromptPurpose,
        chat_id: int,
        message_id: int,
        *,
        report_id: int,
        agency_id: str,
        officer_id: int,
        card_message_id: int,
        now: datetime,
        publishable: bool = False,
    ) -> None:
        """Remember the note or question prompt the bot just sent an officer as ``message_id``
        in ``chat_id`` (for the report's card ``card_message_id``); a note's ``publishable``
        is the officer's choice that it may be published."""
        prompt = ReplyPrompt(
            purpose,
            chat_id,
            report_id,
            agency_id,
            officer_id,
            card_message_id=card_message_id,
            publishable=publishable,
        )
        await self._prompts.remember_sent(prompt, message_id, now=now)

    async def question_queued(
        self, report: Report, agency_id: str, event_id: int, outbox_id: int, now: datetime
    ) -> None:
        """Remember the question (event ``event_id``) queued for the reporter as outbox item
        ``outbox_id``: their reply to it, once sent, answers it. In the asking transaction."""
        assert report.reporter_chat_id is not None, "an anonymous reporter cannot be asked"
        answer = ReplyPrompt(
            "answer", report.reporter_chat_id, report.id, agency_id, question_event_id=event_id
        )
        await self._prompts.remember_queued(answer, outbox_id, now=now)

    async def officer_prompt(
        self, chat_id: int, message_id: int, text: str, *, from_bot: bool
    ) -> ReplyPrompt | None:
        """The note or question prompt a reply in an agency chat answers: the bot's message
        ``message_id`` there (whose text is ``text``), if it is one."""
        prompt = await self._prompts.find(chat_id, message_id)
        if prompt is None and from_bot:
            prompt = legacy.officer_prompt(chat_id, text)
        return prompt if prompt is not None and prompt.purpose != "answer" else None

    async def reporter_prompt(
        self, chat_id: int, message_id: int, text: str, *, from_bot: bool
    ) -> ReplyPrompt | None:
        """The question a reporter's reply in their private chat answers: the bot's message
        ``message_id`` there (whose text is ``text``), if it relayed one."""
        prompt = await self._prompts.find(chat_id, message_id)
        if prompt is not None:
            return prompt if prompt.purpose == "answer" else None
        # Not (yet) known by id: a question of the version before, or one whose send the
        # dispatcher has not settled yet; both carry the phrase the legacy reader knows.
        ref = legacy.asked_ref(text) if from_bot else None
        report = await self._reports.get_by_ref(ref) if ref else None
        if report is None:
            return None
        asked = [e for e in await self._reports.list_events(report.id) if e.kind == "asked"]
        if not asked:
            return None
        agency_id = str(asked[-1].detail["agency"])
        return ReplyPrompt("answer", chat_id, report.id, agency_id, question_event_id=asked[-1].id)
