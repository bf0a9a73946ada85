"""Tests for the reply prompts: a reply is matched by the chat and the id of the message it
replies to, whether the bot sent that prompt directly or through the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reply_prompts import ReplyPrompt, ReplyPromptRepository
from storage.reports import NewReport, ReportRepository

T0 = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
AGENCY_CHAT, REPORTER = -1001000000001, 4242


async def _report_id(db: Database) -> int:
    report = await ReportRepository(db).create(
        NewReport(ref="K7QX2M", category="fly_tipping", created_at=T0, reporter_chat_id=REPORTER),
        actor="resident",
    )
    return report.id


async def test_a_prompt_sent_directly_is_found_by_its_message_only(db: Database) -> None:
    """A note prompt is found by its chat and message id, and by nothing else: not another
    message of that chat, not the same message id in another chat."""
    prompts = ReplyPromptRepository(db)
    note = ReplyPrompt(
        "note", AGENCY_CHAT, await _report_id(db), "sadc-waste", 910001, card_message_id=7
    )
    await prompts.remember_sent(note, 12, now=T0)
    assert await prompts.find(AGENCY_CHAT, 12) == note
    assert await prompts.find(AGENCY_CHAT, 11) is None
    assert await prompts.find(REPORTER, 12) is None


async def test_a_question_sent_through_the_outbox_is_found_once_sent(db: Database) -> None:
    """A question queued for the reporter is found by the message id the dispatcher recorded
    when it sent it, not before it is sent, and not by another message's id."""
    prompts, outbox = ReplyPromptRepository(db), OutboxRepository(db)
    item_id = await outbox.enqueue("message", str(REPORTER), {"text": "?"}, now=T0)
    other_id = await outbox.enqueue("message", str(REPORTER), {"text": "news"}, now=T0)
    report_id = await _report_id(db)
    asked = await ReportRepository(db).add_event(report_id, actor="officer:1", kind="asked")
    answer = ReplyPrompt("answer", REPORTER, report_id, "sadc-waste", question_event_id=asked.id)
    await prompts.remember_queued(answer, item_id, now=T0)
    assert await prompts.find(REPORTER, 55) is None
    await outbox.claim_due(now=T0)
    await outbox.mark_sent(item_id, now=T0, result={"message_id": 55})
    await outbox.mark_sent(other_id, now=T0, result={"message_id": 56})
    assert await prompts.find(REPORTER, 55) == answer
    assert await prompts.find(REPORTER, 56) is None
    assert await prompts.find(AGENCY_CHAT, 55) is None
