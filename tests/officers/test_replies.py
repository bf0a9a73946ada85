"""Which prompt a reply answers, over a real SQLite file: the message replied to decides, not
its words, so a reporter's answer reaches the agency whose question it answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config, default_config_text, parse_config
from bot.officers.service import OfficerService
from storage.db import Database
from storage.outbox import OutboxRepository
from storage.reports import NewReport, ReportRepository
from storage.routings import RoutingRepository

NOW = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
REPORTER = 4242
CONFIG: Config = parse_config(default_config_text(), base_dir=Path("."))
WASTE, ASB = CONFIG.agency("sadc-waste"), CONFIG.agency("sadc-asb")


async def _asked_twice(db: Database, officers: OfficerService) -> tuple[int, dict[str, int]]:
    """A report routed to the waste and ASB teams, each of which asked the reporter a question
    that the dispatcher has sent: the report id, and each question's message id."""
    report = await ReportRepository(db).create(
        NewReport(ref="K7M-4QR", category="fly-tipping", created_at=NOW, reporter_chat_id=REPORTER),
        actor="resident",
    )
    for agency in (WASTE, ASB):
        await RoutingRepository(db).route_to(report.id, agency.id, at=NOW)
        asked = await officers.ask(report.id, agency.id, agency.officers[0], f"{agency.id}?", NOW)
        assert asked.changed
    outbox = OutboxRepository(db)
    sent: dict[str, int] = {}
    for message_id, item in enumerate(await outbox.claim_due(now=NOW), start=100):
        await outbox.mark_sent(item.id, now=NOW, result={"message_id": message_id})
        sent[str(item.payload["text"]).split("\n")[1]] = message_id
    return report.id, sent


async def test_an_answer_goes_to_the_agency_whose_question_it_replies_to(tmp_path: Path) -> None:
    """The reporter answers the first of two questions: the waste team asked it, so the waste
    team hears the answer, though the ASB team asked last; the text replied to plays no part."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        officers = OfficerService(CONFIG, db)
        report_id, sent = await _asked_twice(db, officers)
        prompt = await officers.replies.reporter_prompt(
            REPORTER, sent["sadc-waste?"], "whatever the question said", from_bot=True
        )
        assert prompt is not None
        assert await officers.relay_answer(prompt, "Yes, half of it", NOW)
        (relayed,) = await OutboxRepository(db).claim_due(now=NOW)
    assert (prompt.report_id, prompt.agency_id) == (report_id, "sadc-waste")
    assert relayed.target == str(WASTE.chat_id)
    assert relayed.payload["text"] == "The reporter of K7M-4QR answers:\nYes, half of it"


async def test_a_reply_to_another_message_answers_nothing(tmp_path: Path) -> None:
    """A reply to a message that is no question of the bot's, or to a question's message id in
    another chat, is no answer; nor is an officer's prompt a reporter's question."""
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        officers = OfficerService(CONFIG, db)
        report_id, sent = await _asked_twice(db, officers)
        await officers.replies.prompt_sent(
            "note",
            WASTE.chat_id,
            7,
            report_id=report_id,
            agency_id=WASTE.id,
            officer_id=WASTE.officers[0],
            card_message_id=3,
            now=NOW,
        )
        replies = officers.replies
        other = await replies.reporter_prompt(REPORTER, 99, "Update on your report", from_bot=True)
        elsewhere = await replies.reporter_prompt(777, sent["sadc-waste?"], "", from_bot=True)
        note_as_answer = await replies.reporter_prompt(WASTE.chat_id, 7, "", from_bot=True)
        note = await replies.officer_prompt(WASTE.chat_id, 7, "reworded", from_bot=True)
        card = await replies.officer_prompt(WASTE.chat_id, 3, "the card", from_bot=True)
        answer_as_note = await replies.officer_prompt(
            REPORTER, sent["sadc-waste?"], "", from_bot=True
        )
    assert (other, elsewhere, note_as_answer, card, answer_as_note) == (None,) * 5
    assert note is not None
    assert (note.purpose, note.report_id, note.agency_id, note.card_message_id) == (
        "note",
        report_id,
        "sadc-waste",
        3,
    )
