"""The legacy reader understands exactly the prompts the version before sent: the officer's
note and question prompts with their ``[ref R/A/MSG]`` marker, and the reporter's question
with its "asks about your report" phrase; nothing else."""

from __future__ import annotations

import pytest

from bot.officers import legacy
from bot.outbox.telegram.reporter import asking
from storage.reply_prompts import ReplyPrompt

CHAT = -1001000000001


def test_an_old_note_prompt_names_its_report_agency_and_card() -> None:
    """The old note prompt's marker gives the report, the agency and the card to close."""
    text = (
        "Note for the reporter [ref 12/sadc-waste/345]: reply to this message with it. "
        "It is sent as you write it."
    )
    assert legacy.officer_prompt(CHAT, text) == ReplyPrompt(
        "note", CHAT, 12, "sadc-waste", card_message_id=345
    )


def test_an_old_question_prompt_is_a_question() -> None:
    """The old question prompt is read as a question for the reporter."""
    text = (
        "Question for the reporter [ref 7/herts-police-hate/99]: reply to this message with "
        "it. The reporter will not see who you are, and you will not see who they are."
    )
    assert legacy.officer_prompt(CHAT, text) == ReplyPrompt(
        "question", CHAT, 7, "herts-police-hate", card_message_id=99
    )


@pytest.mark.parametrize(
    "text",
    [
        "Note for the reporter: reply to this message with it. It is sent as you write it.",
        "Resolve this report?",
        "[ref twelve/sadc-waste/345]",
        "",
    ],
)
def test_text_without_an_old_marker_is_not_a_prompt(text: str) -> None:
    """Today's prompts (no marker) and other messages are not read as old prompts."""
    assert legacy.officer_prompt(CHAT, text) is None


def test_an_old_question_to_a_reporter_names_its_report() -> None:
    """The question as relayed before (and still worded so) names the report's reference."""
    text = asking("K7M-4QR", "St Albans District Council, Waste Enforcement", "Is it big?")
    assert legacy.asked_ref(text) == "K7M-4QR"
    assert legacy.asked_ref("Update on your report K7M-4QR: it has been passed on.") is None
