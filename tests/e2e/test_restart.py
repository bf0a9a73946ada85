"""A bot killed with SIGKILL mid-conversation resumes it at the same step when restarted; a
report begun before an upgrade carries on after it; a draft that cannot be read is explained."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.emulator import EmulatorClient
from bot.reporting import texts
from bot.reporting.draft import Draft
from tests.support.flows import ST_ALBANS, finish, to_location
from tests.support.harness import REPO, TOKEN, load, running_bot, start_bot_process
from tests.support.residents import Resident
from tests.support.stored import stored_reports

from .survey_bot import QUESTIONS, survey


def _start(config_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "SAFETYBOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.survey_bot", "--config", str(config_path)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _kill(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=30)
    return output


@pytest.mark.parametrize("answers_before_kill", [0, 1])
async def test_conversation_resumes_after_sigkill(
    client: EmulatorClient, config_path: Path, resident: int, answers_before_kill: int
) -> None:
    """Killed right after asking question N, the restarted bot takes the next message as the
    answer to question N, and still has the earlier answers."""
    answers = ["Holywell Hill", "St Albans"]
    first = _start(config_path)
    sent = await client.send_command(resident, "survey")
    question = await client.wait_for_message(resident, after=sent.seq, timeout=30)
    assert question["text"] == QUESTIONS["first"]
    for given in answers[:answers_before_kill]:
        sent = await client.send_text(resident, given)
        question = await client.wait_for_message(resident, after=sent.seq)
    output = _kill(first)  # at once: the question has just been shown to the resident

    second = _start(config_path)
    try:
        replies = []
        for given in answers[answers_before_kill:]:
            sent = await client.send_text(resident, given)
            replies.append(await client.wait_for_message(resident, after=sent.seq, timeout=30))
    finally:
        second.send_signal(signal.SIGTERM)
        output += (await asyncio.to_thread(second.communicate, timeout=30))[0]
    expected_next = [QUESTIONS["second"]] * (answers_before_kill == 0)
    assert [r["text"] for r in replies] == [*expected_next, "Thank you: Holywell Hill, St Albans"]
    assert second.returncode == 0, output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


async def test_answers_sent_in_a_rush_are_taken_in_order(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A resident who sends several messages without waiting has them handled in order."""
    async with running_bot(load(config_path), extra_handlers=[survey()]):
        await client.send_command(resident, "survey")
        await client.send_text(resident, "Holywell Hill")
        sent = await client.send_text(resident, "St Albans")
        done = await client.wait_for_message(
            resident, after=sent.seq, predicate=lambda m: m["text"].startswith("Thank you")
        )
    assert done["text"] == "Thank you: Holywell Hill, St Albans"


async def test_report_resumes_after_sigkill_with_its_answers(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """The real bot, killed while asking where, resumes the report at that question with the
    answers already given, and the report is stored whole."""
    from tests.support.flows import ST_ALBANS, finish, to_location
    from tests.support.residents import Resident

    sam = Resident(client, resident)
    first = start_bot_process(config_path)
    await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
    output = _kill(first)
    second = start_bot_process(config_path)
    try:
        await sam.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(sam)
    finally:
        second.send_signal(signal.SIGTERM)
        output += (await asyncio.to_thread(second.communicate, timeout=30))[0]
    assert second.returncode == 0, output
    stored = (await stored_reports(config_path))[0]
    assert stored.ref == ref
    assert stored.answers["size"] == "small"
    assert TOKEN not in output


def _rewrite_draft(config_path: Path, resident: int, stored: bytes | str) -> None:
    """Replace the resident's stored user data while the bot is stopped."""
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        # The row count, not total_changes: a trigger (migration 0015) also stamps the row.
        changed = db.execute(
            "UPDATE ptb_user_data SET data = ? WHERE user_id = ?", (stored, resident)
        )
        assert changed.rowcount == 1


def _stored_draft(config_path: Path, resident: int) -> Draft:
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        (text,) = db.execute(
            "SELECT data FROM ptb_user_data WHERE user_id = ?", (resident,)
        ).fetchone()
    stored = json.loads(text)["report_draft"]
    assert stored.pop("$type") == "draft"
    return Draft.from_json(stored)


async def test_a_report_begun_before_the_upgrade_carries_on_after_it(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A resident at the location question when the bot stops, their draft still pickled as
    the previous version stored it, carries on after the new version starts (migration 0006
    turns the pickle into JSON) with the answers already given."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
    draft = _stored_draft(config_path, resident)
    assert draft.step == "location"
    # As the previous version left the file: the draft pickled, migration 0006 not yet run.
    _rewrite_draft(config_path, resident, pickle.dumps({"report_draft": draft}, protocol=5))
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        db.execute("DELETE FROM schema_migrations WHERE version = 6")
    async with running_bot(load(config_path)):
        await sam.pin(*ST_ALBANS, until="When did it happen")
        ref = await finish(sam)
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        row = db.execute("SELECT ref, answers FROM reports").fetchone()
        kinds = db.execute("SELECT DISTINCT typeof(data) FROM ptb_user_data").fetchall()
    assert row[0] == ref
    assert '"size":"small"' in row[1]
    assert kinds in ([], [("text",)])


@pytest.mark.parametrize(
    "stored",
    [
        '{"report_draft": {"$type": "draft", "v": 2, "steps": ["location"]}}',
        '{"report_draft": {"$type": "draft", "v": 1, "step": "location"}}',
        "{not json at all",
    ],
    ids=["newer-version", "malformed-draft", "malformed-row"],
)
async def test_a_draft_that_cannot_be_read_is_explained_and_a_new_report_can_start(
    client: EmulatorClient, config_path: Path, resident: int, stored: str
) -> None:
    """A stored draft the bot cannot read (written by a newer version, or damaged) does not
    break the conversation: the resident's next message is answered with an apology that the
    report could not be resumed, and /report starts a new one."""
    sam = Resident(client, resident)
    async with running_bot(load(config_path)):
        await to_location(sam, "Graffiti", ["No", "Council property", "Smaller than an A4 sheet"])
    _rewrite_draft(config_path, resident, stored)
    async with running_bot(load(config_path)):
        reply = await sam.pin(*ST_ALBANS, until="could not be resumed")
        assert reply["text"] == texts.NOT_RESUMED
        reply = await sam.say("/report")
        assert "is anyone in danger" in reply["text"]
        reply = await sam.tap("No, nobody is in danger")
        assert reply["text"] == "What would you like to report?"
    with sqlite3.connect(config_path.parent / "safetybot.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM reports").fetchone() == (0,)
