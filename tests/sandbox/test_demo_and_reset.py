"""`safetybot sandbox --demo` seeds a fortnight the bot then works with, and the page's reset
button wipes the sandbox and brings the bot back."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import config_from_data, default_config_data
from bot.officers import texts as officer_texts
from bot.reporting.service import ReportService
from bot.sandbox import texts
from bot.sandbox.demo import REPORTS, seed_demo
from storage.db import Database
from storage.keyring import key_path, load_or_create_key
from storage.outbox import OutboxItem, OutboxRepository
from storage.reports import ReportRepository
from storage.routings import RoutingRepository
from tests.support.configs import write_config_data

from .page import PagePerson, running_sandbox

RESIDENTS = (100_001, 100_002)  # the sandbox's residents
WASTE_OFFICER = 910_001  # the St Albans default's waste enforcement officer
WASTE_CHAT = -1001000000001
WASTE = "sadc-waste"


async def _stored(folder: Path) -> tuple[list[str], Counter[str], int, list[str]]:
    """Through the repositories: every report's reference, the agencies' states, how many
    routings are waiting past their acknowledgement target, and the waste team's open refs."""
    async with await Database.open(folder / "safetybot.sqlite3") as db:
        reports = await ReportRepository(db).latest(limit=1000)
        routings = RoutingRepository(db)
        states: Counter[str] = Counter()
        overdue = 0
        now = datetime.now(UTC)
        for report in reports:
            for agency in await routings.agencies(report.id):
                states[agency.state] += 1
                if agency.state == "sent" and agency.ack_by is not None and agency.ack_by < now:
                    overdue += 1
        waste_open = [e.report.ref for e in await routings.open_for_agency(WASTE, limit=100)]
    return [r.ref for r in reports], states, overdue, waste_open


async def _residents_items(folder: Path) -> list[OutboxItem]:
    """The outbox items for the residents' chats, read item by item through the repository."""
    found = []
    async with await Database.open(folder / "safetybot.sqlite3") as db:
        outbox = OutboxRepository(db)
        item_id = 1
        while (item := await outbox.get(item_id)) is not None:
            if item.target in {str(r) for r in RESIDENTS} or item.target == "":
                found.append(item)
            item_id += 1
    return found


async def test_demo_seeds_a_fortnight_that_queue_lists_and_a_second_demo_is_ignored(
    tmp_path: Path,
) -> None:
    """After --demo the waste officer's /queue lists the seeded open reports (some overdue),
    the database holds reports waiting, acknowledged, resolved and referred, the residents'
    chats are not flooded with the seeded past, and --demo on a sandbox with state changes
    nothing and says so."""
    config = write_config_data(tmp_path, default_config_data())
    async with running_sandbox(config, "--demo") as sandbox:
        officer = PagePerson(sandbox, WASTE_OFFICER, WASTE_CHAT)
        queue = await officer.say("/queue", until="open, oldest first")
        for resident in RESIDENTS:
            assert await sandbox.messages(resident, resident) == []
    folder = tmp_path / "safetybot-sandbox"
    refs, states, overdue, waste_open = await _stored(folder)
    assert len(refs) == REPORTS
    assert {"sent", "acknowledged", "resolved", "referred"} <= set(states)
    assert overdue >= 3
    assert waste_open
    for ref in waste_open:
        assert ref in queue["html"]
    assert officer_texts.QUEUE_ACK_OVERDUE.strip() in queue["html"]
    # What the seeded past told the residents is settled, never delivered by the bot.
    told = await _residents_items(folder)
    assert told
    assert all((i.state, i.result) == ("sent", None) for i in told)

    async with running_sandbox(config, "--demo"):
        pass
    log = (tmp_path / "sandbox-stderr.log").read_text(encoding="utf-8")
    assert texts.DEMO_IGNORED.format(folder=folder) in log
    assert (await _stored(folder))[0] == refs


async def test_reset_empties_the_chats_and_the_bot_answers_again(tmp_path: Path) -> None:
    """POST /api/reset: every chat is empty, open pages hear "reset", and the restarted bot
    answers the resident."""
    config = write_config_data(tmp_path, default_config_data())
    async with running_sandbox(config) as sandbox:
        sam = PagePerson(sandbox, RESIDENTS[0])
        await sam.say("/report", until="is anyone in danger")
        response = await sandbox.post("/api/reset", {})
        assert response.json() == {"ok": True}
        assert await sandbox.messages(RESIDENTS[0], RESIDENTS[0]) == []
        assert await sandbox.messages(WASTE_OFFICER, WASTE_CHAT) == []
        await sandbox.events.until(
            lambda: any(e["kind"] == "reset" for e in sandbox.events.received), "reset"
        )
        chats = await sandbox.get(f"/api/people/{RESIDENTS[0]}/chats")
        assert all(c["unread"] == 0 for c in chats)
        await sam.say("/report", until="is anyone in danger")


async def test_the_demo_is_the_same_mix_every_time(tmp_path: Path) -> None:
    """Two seedings (the product's services on real SQLite files) give the same categories,
    places and states in the same order: the seed is fixed."""
    config = config_from_data(default_config_data(), base_dir=tmp_path)
    now = datetime.now(UTC)
    seen = []
    for name in ("one", "two"):
        async with await Database.open(tmp_path / name / "bot.sqlite3") as db:
            seeded = await seed_demo(config, db, now)
            reports = await ReportRepository(db).latest(limit=1000)
            routings = RoutingRepository(db)
            states = [[a.state for a in await routings.agencies(r.id)] for r in reports]
            seen.append(
                (seeded, [(r.category, r.location_text, r.created_at) for r in reports], states)
            )
    assert seen[0] == seen[1]
    mix = seen[0][0]
    assert min(mix.waiting, mix.overdue, mix.acknowledged, mix.resolved, mix.referred) > 0


async def test_the_demo_does_not_use_up_the_residents_daily_allowance(tmp_path: Path) -> None:
    """Seeded reports from today do not count against the residents: each may report at once."""
    config = config_from_data(default_config_data(), base_dir=tmp_path)
    now = datetime.now(UTC)
    async with await Database.open(tmp_path / "bot.sqlite3") as db:
        await seed_demo(config, db, now)
        service = ReportService(config, db, load_or_create_key(key_path(db.path)))
        for resident in RESIDENTS:
            assert not await service.over_daily_limit(resident, now)


async def _waste_states(folder: Path) -> dict[str, str]:
    """The waste team's state of each seeded report routed to it, by reference."""
    async with await Database.open(folder / "safetybot.sqlite3") as db:
        routings = RoutingRepository(db)
        found: dict[str, str] = {}
        for report in await ReportRepository(db).latest(limit=1000):
            for agency in await routings.agencies(report.id):
                if agency.agency_id == WASTE:
                    found[report.ref] = agency.state
    return found


async def test_the_demos_cards_show_what_the_officers_already_did(tmp_path: Path) -> None:
    """In the waste team's chat, a seeded card already acknowledged carries the line and no
    Acknowledge button; one resolved or referred has no buttons and the reply saying so; one
    still waiting keeps Acknowledge."""
    config = write_config_data(tmp_path, default_config_data())
    async with running_sandbox(config, "--demo") as sandbox:
        states = await _waste_states(tmp_path / "safetybot-sandbox")
        assert {"sent", "acknowledged", "resolved"} <= set(states.values())

        async def final() -> list[dict[str, Any]] | None:
            shown = await sandbox.messages(WASTE_OFFICER, WASTE_CHAT)
            for ref, state in states.items():
                card = next((m for m in shown if f"report {ref}" in m["html"]), None)
                if card is None:
                    return None
                keys = {b["text"] for row in card["inline_keyboard"] for b in row}
                if state == "sent" and "Acknowledge" not in keys:
                    return None
                if state == "acknowledged" and (
                    "Acknowledge" in keys or "Acknowledged by" not in card["html"]
                ):
                    return None
                if state in ("resolved", "referred") and keys:
                    return None
            return shown

        shown = await sandbox.events.until(final, "the seeded cards in their final state")
        replies = " ".join(m["html"] for m in shown)
        assert "Resolved by" in replies
