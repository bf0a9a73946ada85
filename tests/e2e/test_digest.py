"""/digest through the emulator: an admin in a private chat receives the notes officers allowed
to be published, then the draft; anyone else, a group, and bad dates get a clear answer and no
draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import texts
from bot.emulator import EmulatorClient
from bot.news.digest import Period
from handlers.digest import DRAFT_FOLLOWS, IN_PRIVATE, USAGE
from storage.db import Database
from tests.support.harness import ADMINS_CHAT, load, running_bot
from tests.support.resolved import Resolved, resolve_reports

ADMIN = 900001
NOVEMBER = [datetime(2026, 11, day, 10, tzinfo=UTC) for day in range(2, 9)]


async def _seed(config_path: Path, reports: list[Resolved]) -> list[str]:
    config = load(config_path)
    async with await Database.open(config.storage.database) as db:
        return await resolve_reports(config, db, reports)


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m.get("text") or "" for m in messages]


async def test_an_admin_gets_the_notes_then_the_draft(
    client: EmulatorClient, config_path: Path
) -> None:
    """Six fly tips and a hate incident with a publishable note: the admin reads the fly tips'
    note in the list and the draft counts six fly tips; the hate incident is nowhere."""
    fly = [Resolved("fly-tipping", at) for at in NOVEMBER[:5]]
    fly.append(Resolved("fly-tipping", NOVEMBER[5], "Cleared & the verge swept", True))
    hate = [Resolved("hate-incident", NOVEMBER[6], "An offender was charged", True)]
    refs = await _seed(config_path, fly + hate)
    async with running_bot(load(config_path)):
        sent = await client.send_command(ADMIN, "digest", "2026-11-01 2026-11-30")
        notes = await client.wait_for_message(ADMIN, after=sent.seq)
        draft = await client.wait_for_message(ADMIN, after=sent.seq, predicate=_draft)
    assert "Notes officers allowed to be published (1)" in notes["text"]
    assert "Fly tipping, the district: Cleared & the verge swept" in notes["text"]
    assert DRAFT_FOLLOWS in notes["text"]
    assert draft["text"].startswith("You said, we did: November 2026")
    assert "6 fly tips cleared across the district" in draft["text"]
    assert "Cleared & the verge swept" in draft["text"]
    bold = [e for e in draft.get("entities", []) if e["type"] == "bold"]
    assert bold, "the heading is bold"
    for text in (notes["text"], draft["text"]):
        assert "offender" not in text.lower()
        assert "ate incident" not in text
        assert "Acacia" not in text
        assert not [ref for ref in refs if ref in text]


def _draft(message: dict[str, Any]) -> bool:
    return str(message.get("text") or "").startswith("You said, we did")


async def test_without_dates_the_digest_covers_last_month(
    client: EmulatorClient, config_path: Path
) -> None:
    """/digest alone drafts the last full calendar month (London)."""
    month = Period.last_full_month(datetime.now(UTC), "Europe/London")
    first = datetime.combine(month.first, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
    await _seed(config_path, [Resolved("fly-tipping", first + timedelta(days=1)) for _ in range(5)])
    async with running_bot(load(config_path)):
        sent = await client.send_command(ADMIN, "digest")
        draft = await client.wait_for_message(ADMIN, after=sent.seq, predicate=_draft)
    assert draft["text"].startswith(f"You said, we did: {month.words()}")
    assert "5 fly tips cleared" in draft["text"]


async def test_the_digest_is_refused_to_others_and_kept_out_of_groups(
    client: EmulatorClient, config_path: Path, resident: int
) -> None:
    """A resident is told it is for admins; an admin in a group is asked to use a private
    chat; bad dates get the usage; none of them gets a draft."""
    await _seed(config_path, [Resolved("fly-tipping", at) for at in NOVEMBER])
    async with running_bot(load(config_path)):
        by_resident = await client.send_command(resident, "digest", "2026-11-01 2026-11-30")
        refused = await client.wait_for_message(resident, after=by_resident.seq)
        in_group = await client.send_command(ADMIN, "digest", "", ADMINS_CHAT)
        moved = await client.wait_for_message(ADMINS_CHAT, after=in_group.seq)
        bad = await client.send_command(ADMIN, "digest", "2026-11-31 2026-12-01")
        usage = await client.wait_for_message(ADMIN, after=bad.seq)
        backwards = await client.send_command(ADMIN, "digest", "2026-11-30 2026-11-01")
        backwards_usage = await client.wait_for_message(ADMIN, after=backwards.seq)
        one = await client.send_command(ADMIN, "digest", "2026-11-30")
        one_usage = await client.wait_for_message(ADMIN, after=one.seq)
        everything = (
            await client.bot_messages(resident)
            + await client.bot_messages(ADMINS_CHAT)
            + await client.bot_messages(ADMIN)
        )
    assert refused["text"] == texts.ADMINS_ONLY
    assert moved["text"] == IN_PRIVATE
    assert "'2026-11-31' is not a date" in usage["text"]
    for answer in (usage, backwards_usage, one_usage):
        assert USAGE in answer["text"]
    assert not [t for t in _texts(everything) if t.startswith("You said, we did")]
