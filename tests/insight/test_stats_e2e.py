"""/stats through the emulated Bot API: the real bot, its real database, the statistics as
HTML and the two pictures beside them; who may see what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.emulator import EmulatorClient
from bot.insight.texts import BAR_CAPTION, MAP_CAPTION, STATS_REFUSED
from storage.db import Database
from tests.insight.conftest import store
from tests.insight.test_statistics import _fixture
from tests.support.harness import load, running_bot

ADMIN, HATE_OFFICER = 900001, 920001
PNG = b"\x89PNG\r\n\x1a\n"


async def _fill(config_path: Path) -> None:
    async with await Database.open(load(config_path).storage.database) as db:
        await store(db, _fixture())


async def _answers(client: EmulatorClient, user: int, command: str) -> list[dict[str, Any]]:
    """Send the command (the first in this chat) and collect the bot's answers up to and
    including the map."""
    sent = await client.send_command(user, command)
    await client.wait_for_message(
        user, after=sent.seq, predicate=lambda m: m.get("caption") == MAP_CAPTION, timeout=30
    )
    return await client.bot_messages(user)


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


async def _is_png(client: EmulatorClient, message: dict[str, Any]) -> bool:
    return (await client.file_bytes(message["photo"][-1]["file_id"])).startswith(PNG)


async def test_an_admin_gets_the_table_with_small_counts_hidden_and_two_pictures(
    client: EmulatorClient, config_path: Path
) -> None:
    """March 2026 against February: the table's rows with small hate counts hidden, then the
    bar chart and the map as PNG photos."""
    await _fill(config_path)
    async with running_bot(load(config_path)):
        answers = await _answers(client, ADMIN, "stats 2026-03-01 2026-03-31")
    text = _text(answers)
    assert "Later: 1 Mar 2026 to 31 Mar 2026" in text
    assert "Earlier: 1 Feb 2026 to 28 Feb 2026 (the period before)" in text
    (hate,) = [line for line in text.splitlines() if line.startswith("Hate incident ")]
    assert "fewer than 5" in hate
    assert "not shown" in hate
    (tipping,) = [line for line in text.splitlines() if line.startswith("Fly tipping")]
    assert "2 more reports" in tipping
    assert "up 20.0%" in tipping
    photos = [m for m in answers if m.get("photo")]
    assert [m["caption"] for m in photos] == [BAR_CAPTION, MAP_CAPTION]
    assert all([await _is_png(client, m) for m in photos])


async def test_an_officer_sees_their_agencys_reports_in_full(
    client: EmulatorClient, config_path: Path
) -> None:
    """The hate crime unit's officer: their three reports, counted as they are."""
    await _fill(config_path)
    async with running_bot(load(config_path)):
        answers = await _answers(client, HATE_OFFICER, "stats 2026-03-01 2026-03-31")
    text = _text(answers)
    (hate,) = [line for line in text.splitlines() if line.startswith("Hate incident ")]
    assert "3 more reports" in hate
    assert "fewer than" not in text
    assert "Hertfordshire Constabulary" in text
    assert len([m for m in answers if m.get("photo")]) == 2


async def test_a_resident_is_refused_and_a_bad_period_explained(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """Anyone else is told who the statistics are for; an admin who mistypes a date is told
    how to write it."""
    await _fill(config_path)
    async with running_bot(load(config_path)):
        asked = await client.send_command(resident, "stats")
        refused = await client.wait_for_message(resident, after=asked.seq)
        typo = await client.send_command(ADMIN, "stats 2026-13-01 2026-03-31")
        usage = await client.wait_for_message(ADMIN, after=typo.seq)
    assert refused["text"] == STATS_REFUSED
    assert "'2026-13-01' is not a date written as YYYY-MM-DD" in usage["text"]
    assert "/stats 2026-01-01 2026-03-31 last-year" in usage["text"]
