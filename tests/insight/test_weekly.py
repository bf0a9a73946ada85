"""The weekly picture: its figures against a fixture counted by hand, the small counts hidden,
the ``safetybot weekly`` command's output, and the job's message reaching the admins' chat once
through the real bot and the emulator."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.config import ConfigError, config_from_data, default_config_data, default_config_text
from bot.context import BotContext
from bot.emulator import EmulatorClient, EmulatorServer
from bot.insight.periods import Period
from bot.insight.weekly import (
    WeeklyService,
    as_text,
    html_messages,
    last_whole_week,
    missed_today,
    per_week,
    week_of,
)
from storage.bulk import BulkReport, BulkRouting
from storage.db import Database
from storage.routings import RoutingRepository
from tests.insight.conftest import LONDON, config, local, report, store
from tests.support.clocks import ManualClock
from tests.support.configs import write_config_data
from tests.support.harness import ADMINS_CHAT, config_data, load, running_bot
from tests.support.residents import Resident

WEEK = Period(date(2026, 3, 16), date(2026, 3, 22))
"""The week of the fixture (Greenwich time throughout: British Summer Time starts on the 29th)."""
TITLE = "St Albans Community Safety Partnership: the weekly picture"


def _spread(category: str, count: int, first: date, days: int) -> Iterator[BulkReport]:
    """``count`` reports of a category, one every few hours through ``days`` days."""
    for i in range(count):
        at = datetime(first.year, first.month, first.day, 6, tzinfo=LONDON)
        yield report(category, at + timedelta(hours=(i * days * 24) // count))


def _fixture() -> list[BulkReport]:
    """The week: fly tipping 15 (one of them late on the Sunday), graffiti 2, hate incidents 3,
    anti-social behaviour 6 (all 26). The 8 weeks before (19 Jan to 15 Mar): fly tipping 96
    (one late on Sunday the 15th), graffiti 20, hate incidents 6, anti-social behaviour 40
    (all 162). And a fly tip just after the week, on Monday the 23rd.

    Routed: four of the week's fly tips still open at the week's end at Waste Enforcement (two
    past their resolve-by time, one of those resolved only on the 25th), one resolved in the
    week; a hate incident resolved in the week by the Hate Crime Team; an anti-social behaviour
    report resolved in the week by two agencies (one report resolved); a fly tip of February
    resolved in February."""
    before_first = WEEK.first - timedelta(weeks=8)
    waste = "sadc-waste"
    open_routings = [
        BulkRouting(waste, resolve_by=local(2026, 3, 20)),  # overdue at the week's end
        BulkRouting(waste, resolve_by=local(2026, 3, 21), resolved_at=local(2026, 3, 25)),
        BulkRouting(waste, resolve_by=local(2026, 3, 30)),
        BulkRouting(waste),
    ]
    routed = [
        *(
            report("fly-tipping", local(2026, 3, 17, 9 + i), routings=[routing])
            for i, routing in enumerate(open_routings)
        ),
        report(
            "fly-tipping",
            local(2026, 3, 16, 9),
            routings=[BulkRouting(waste, resolved_at=local(2026, 3, 18))],
        ),
        report(
            "hate-incident",
            local(2026, 3, 17, 9),
            routings=[BulkRouting("herts-police-hate", resolved_at=local(2026, 3, 19))],
        ),
        report(
            "asb",
            local(2026, 3, 18, 9),
            routings=[
                BulkRouting("sadc-asb", resolved_at=local(2026, 3, 19)),
                BulkRouting("herts-police-snt", resolved_at=local(2026, 3, 20)),
            ],
        ),
    ]
    week = [  # fly tipping 9 + 1 + 5, graffiti 2, hate incidents 2 + 1, ASB 5 + 1
        *_spread("fly-tipping", 9, WEEK.first, 6),
        report("fly-tipping", local(2026, 3, 22, 23, 30)),
        *_spread("graffiti", 2, WEEK.first, 7),
        *_spread("hate-incident", 2, WEEK.first, 7),
        *_spread("asb", 5, WEEK.first, 7),
        *routed,
    ]
    before = [
        *_spread("fly-tipping", 94, before_first, 55),
        report("fly-tipping", local(2026, 3, 15, 23, 59)),
        report(
            "fly-tipping",
            local(2026, 2, 10),
            routings=[BulkRouting(waste, resolved_at=local(2026, 2, 12))],
        ),
        *_spread("graffiti", 20, before_first, 56),
        *_spread("hate-incident", 6, before_first, 56),
        *_spread("asb", 40, before_first, 56),
    ]
    after = [report("fly-tipping", local(2026, 3, 23, 0, 10))]
    return [*week, *before, *after]


AGENCY_LINES = [
    f"{agency.name}: {'4 open, 2 overdue' if agency.id == 'sadc-waste' else '0 open, 0 overdue'}"
    for agency in config().agencies
]
EXPECTED = "\n".join(
    [
        TITLE,
        "  Mon 16 Mar 2026 to Sun 22 Mar 2026",
        '  In sensitive categories, counts below 5 are shown as "fewer than 5", and a count'
        " that would give one away is withheld.",
        "",
        "The week by category, against the usual (a week, the last 8 weeks' average)",
        "  Fly tipping: 15 (usual: 12 a week), 3 more reports than usual",
        "  Graffiti: withheld (usual: 2.5 a week), not shown",
        "  Hate incident: fewer than 5 (usual: 0.8 a week), not shown",
        "  Anti-social behaviour: 6 (usual: 5 a week), 1 more report than usual",
        "  All reports: 26 (usual: 20 a week), 6 more reports than usual",
        "",
        "Open and overdue at the end of the week, by agency",
        *(f"  {line}" for line in AGENCY_LINES),
        "",
        "Clusters found: none",
        "",
        "Resolved in the week: 3 reports",
        "",
    ]
)


@pytest.fixture
async def filled(db: Database) -> Database:
    """The fixture in a real SQLite file."""
    await store(db, _fixture())
    return db


async def test_the_week_against_the_usual_as_counted_by_hand(filled: Database) -> None:
    """Each category's week against the mean of its 8 weeks before, the agencies' open and
    overdue routings at the week's end, and the reports resolved in the week (once each)."""
    picture = await WeeklyService(config(), filled).picture(WEEK)
    assert as_text(picture) == EXPECTED


async def test_small_counts_are_hidden_as_stats_hides_them(filled: Database) -> None:
    """Three hate incidents in the week are "fewer than 5"; graffiti, the next smallest count
    of the week, is withheld so that the total does not give them away; no change is shown
    beside a hidden count; the hate incidents' 8 weeks (6) are not small, so are shown."""
    picture = await WeeklyService(config(), filled).picture(WEEK)
    rows = {row.key: row for row in picture.categories}
    assert rows["hate-incident"].week.hidden == "small"
    assert rows["graffiti"].week.hidden == "withheld"
    assert rows["hate-incident"].before.hidden is None
    assert picture.total.week.text(5) == "26"
    assert "3" not in rows["hate-incident"].week.text(5)
    assert "drug-dealing" not in rows  # no reports in the week or before: no line


async def test_a_routing_referred_on_is_not_open_at_the_agency_that_referred_it(
    db: Database,
) -> None:
    """Referred from Street Cleansing to Waste Enforcement in the week: open at Waste
    Enforcement only; a routing made after the week's end is not counted."""
    routings = [BulkRouting("sadc-cleansing"), BulkRouting("sadc-waste")]
    await store(db, [report("fly-tipping", local(2026, 3, 17), routings=routings)])
    await store(
        db, [report("graffiti", local(2026, 3, 24), routings=[BulkRouting("sadc-cleansing")])]
    )
    await RoutingRepository(db).set_agency_state(
        1, "sadc-cleansing", "referred", at=local(2026, 3, 18)
    )
    picture = await WeeklyService(config(), db).picture(WEEK)
    loads = {a.agency_id: (a.open, a.overdue) for a in picture.agencies}
    assert loads["sadc-waste"] == (1, 0)
    assert loads["sadc-cleansing"] == (0, 0)


async def test_a_small_count_before_the_week_hides_the_usual(db: Database) -> None:
    """Two hate incidents in the 8 weeks before: the usual says "fewer than 5 in 8 weeks", and
    the week's own count (0) is shown."""
    await store(db, [*_spread("hate-incident", 2, date(2026, 2, 2), 7)])
    await store(db, [*_spread("fly-tipping", 10, date(2026, 2, 2), 7)])
    picture = await WeeklyService(config(), db).picture(WEEK)
    hate = next(row for row in picture.categories if row.key == "hate-incident")
    assert hate.usual_words(5) == "usual: fewer than 5 in 8 weeks"
    assert hate.week.text(5) == "0"
    assert hate.change == "not shown"


async def test_the_html_is_escaped_and_names_the_clusters(filled: Database) -> None:
    """Every line is escaped for Telegram's HTML, headings in bold; clusters given by the caller
    are listed under their heading."""
    cluster = "Fly tipping <near> Smith & Sons' yard: 4 reports"
    picture = await WeeklyService(config(), filled).picture(WEEK, clusters=[cluster])
    [message] = html_messages(picture)
    assert message.startswith(f"<b>{TITLE}</b>\n")
    assert "<b>Clusters found</b>\nFly tipping &lt;near&gt; Smith &amp; Sons&#x27; yard" in message
    assert "Clusters found: none" not in message
    assert "\n\n<b>Resolved in the week: 3 reports</b>" in message


async def test_a_long_picture_is_cut_into_messages_at_its_lines(filled: Database) -> None:
    """Longer than Telegram takes: several messages, none too long, no line lost."""
    clusters = [f"Cluster {i}: {'x' * 80}" for i in range(60)]
    picture = await WeeklyService(config(), filled).picture(WEEK, clusters=clusters)
    messages = html_messages(picture)
    assert len(messages) > 1
    assert all(len(m) <= 4096 for m in messages)
    joined = "\n".join(messages)
    assert all(line in joined for line in clusters)


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 3, 16), date(2026, 3, 16)),
        (date(2026, 3, 18), date(2026, 3, 16)),
        (date(2026, 3, 22), date(2026, 3, 16)),
        (date(2026, 3, 23), date(2026, 3, 23)),
    ],
)
def test_a_day_names_its_week_monday_to_sunday(day: date, monday: date) -> None:
    """Any day of a week names that week."""
    assert week_of(day) == Period(monday, monday + timedelta(days=6))


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (date(2026, 3, 23), date(2026, 3, 16)),  # a Monday: the week just ended
        (date(2026, 3, 29), date(2026, 3, 16)),  # a Sunday: its own week has not ended
        (date(2026, 3, 30), date(2026, 3, 23)),
    ],
)
def test_the_last_whole_week(today: date, monday: date) -> None:
    """The last week that has ended before today."""
    assert last_whole_week(today).first == monday


@pytest.mark.parametrize(
    ("mean", "words"),
    [(12.25, "12"), (12.5, "13"), (2.5, "2.5"), (3.0, "3"), (0.75, "0.8"), (0.0, "0")],
)
def test_the_usual_in_words(mean: float, words: str) -> None:
    """Whole from 10 a week up, to a tenth below."""
    assert per_week(mean) == words


@pytest.mark.parametrize(
    ("moment", "missed"),
    [
        (datetime(2026, 3, 23, 7, 59, tzinfo=UTC), False),  # Monday, before 08:00 (GMT)
        (datetime(2026, 3, 23, 8, 0, tzinfo=UTC), True),
        (datetime(2026, 3, 30, 7, 30, tzinfo=UTC), True),  # 08:30 in summer time
        (datetime(2026, 3, 24, 9, 0, tzinfo=UTC), False),  # a Tuesday
    ],
)
def test_a_bot_started_on_the_day_after_the_time_sends_at_once(
    moment: datetime, missed: bool
) -> None:
    """Started on Monday after 08:00 (local), the week's picture is due already."""
    assert missed_today(config().weekly, moment, LONDON) is missed


def test_a_mistyped_weekly_table_names_each_problem() -> None:
    """A day and a time that cannot be read: both named, with what was expected."""
    data = default_config_data()
    data["weekly"].update(weekday="mon", time="8am")
    with pytest.raises(ConfigError) as raised:
        config_from_data(data, base_dir=Path())
    paths = {problem.path: problem.message for problem in raised.value.problems}
    assert "'monday'" in paths["weekly.weekday"]
    assert "HH:MM" in paths["weekly.time"]


# -- the command


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the default config and a database of the fixture."""
    where = tmp_path_factory.mktemp("weekly")
    (where / "config.toml").write_text(default_config_text())

    async def fill() -> None:
        async with await Database.open(where / "safetybot.sqlite3") as db:
            await store(db, _fixture())

    asyncio.run(fill())
    return where


def _weekly(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "weekly", *args, "--config", str(folder / "config.toml")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_prints_the_week_of_any_of_its_days(folder: Path) -> None:
    """``--date`` names any day of the week: the same picture, as plain text."""
    result = _weekly(folder, "--date", "2026-03-19")
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED


def test_the_command_with_a_mistyped_date_says_so(folder: Path) -> None:
    """A date that cannot be read: exit 2 and why."""
    result = _weekly(folder, "--date", "19/03/2026")
    assert result.returncode == 2
    assert "'19/03/2026' is not a date written as YYYY-MM-DD" in result.stderr


def test_the_command_without_a_database_says_so(tmp_path: Path) -> None:
    """No database yet: exit 1 and where it was looked for."""
    (tmp_path / "config.toml").write_text(default_config_text())
    result = _weekly(tmp_path)
    assert result.returncode == 1
    assert "There is no database at" in result.stderr


# -- the job, through the real bot


def _is_picture(message: dict[str, Any]) -> bool:
    return (message.get("text") or "").startswith(TITLE)


async def _weekly_keys(path: Path) -> list[str]:
    async with await Database.open(path) as db:
        rows = await db.fetchall(
            "SELECT dedupe_key FROM outbox WHERE dedupe_key LIKE 'weekly:%' ORDER BY id"
        )
    return [row[0] for row in rows]


async def test_the_job_sends_each_week_to_the_admins_once(
    client: EmulatorClient, server: EmulatorServer, tmp_path: Path, resident: int
) -> None:
    """Started on Monday after 08:00, the bot sends last week's picture to the admins' chat at
    once; the weekly job run again that day, or the bot restarted, sends nothing more; a week
    later the job sends the next week's."""
    loaded = load(write_config_data(tmp_path, config_data(server.url, weekly=True)))
    async with await Database.open(loaded.storage.database) as db:
        await store(db, _fixture())
    clock = ManualClock()
    clock.now = datetime(2026, 3, 23, 8, 30, tzinfo=UTC)  # Monday, 08:30 in London
    seen: dict[str, Any] = {}

    async def peek(update: Update, context: BotContext) -> None:
        seen["application"] = context.application
        assert update.effective_message is not None
        await update.effective_message.reply_text("peeked")

    async def run_weekly_job() -> None:
        await Resident(client, resident).say("/peek")
        application = seen["application"]
        [job] = [j for j in application.job_queue.jobs() if j.name == "weekly"]
        next_run = job.next_t.astimezone(LONDON)
        assert (next_run.weekday(), next_run.hour, next_run.minute) == (0, 8, 0)
        await job.run(application)

    handlers = [CommandHandler("peek", peek)]
    async with running_bot(loaded, extra_handlers=handlers, clock=clock):
        first = await client.wait_for_message(ADMINS_CHAT, predicate=_is_picture)
        await run_weekly_job()
        assert await _weekly_keys(loaded.storage.database) == [f"weekly:2026-03-16:{ADMINS_CHAT}"]
        clock.advance(days=7)
        await run_weekly_job()
        second = await client.wait_for_message(
            ADMINS_CHAT,
            predicate=lambda m: _is_picture(m) and m is not first and "23 Mar" in m["text"],
        )
    async with running_bot(loaded, extra_handlers=handlers, clock=clock):
        await run_weekly_job()
    assert "Mon 16 Mar 2026 to Sun 22 Mar 2026" in first["text"]
    assert "<b>" not in first["text"]  # sent as HTML: the emulator keeps the text, tags read
    assert "Mon 23 Mar 2026 to Sun 29 Mar 2026" in second["text"]
    pictures = [m for m in await client.bot_messages(ADMINS_CHAT) if _is_picture(m)]
    assert len(pictures) == 2
    assert await _weekly_keys(loaded.storage.database) == [
        f"weekly:2026-03-16:{ADMINS_CHAT}",
        f"weekly:2026-03-23:{ADMINS_CHAT}",
    ]


async def test_the_clusters_found_in_the_week_are_named(filled: Database) -> None:
    """The clusters first found in the week: a fly-tipping spot with its area and size; a hate
    incident cluster only counted (its details are its agency's); one found the week after is
    not in this week's picture."""
    from storage.clusters import ClusterRepository, NewCluster

    clusters = ClusterRepository(filled)

    def new(category: str, at: datetime) -> NewCluster:
        return NewCluster(
            category=category,
            scope="spot",
            area_id="st-albans-city",
            report_ids=(1, 2, 3, 4, 5),
            expected=0.4,
            p_value=1e-5,
            basis="history",
            latitude=51.75,
            longitude=-0.34,
            radius_m=500,
            first_at=at - timedelta(days=3),
            latest_at=at,
        )

    for category, at in (
        ("fly-tipping", local(2026, 3, 18)),
        ("hate-incident", local(2026, 3, 19)),
        ("graffiti", local(2026, 3, 24)),
    ):
        await clusters.create(new(category, at), now=at, muted=False)
    picture = await WeeklyService(config(), filled).picture(WEEK)
    assert picture.clusters[0].startswith("Fly tipping: 5 reports in St Albans city (within 500 m")
    assert "found Wed 18 Mar" in picture.clusters[0]
    assert picture.clusters[1] == "Hate incident: 1 cluster, told to the agency that handles them"
    assert len(picture.clusters) == 2
