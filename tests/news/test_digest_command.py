"""`safetybot digest`: the same draft as /digest, printed from the database; bad dates are a
usage error (exit 2) and a missing database a clear failure."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import default_config_text
from bot.news.digest import DigestDrafter, Period
from storage.db import Database
from tests.support.harness import load
from tests.support.resolved import Resolved, resolve_reports

NOVEMBER = Period(datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(default_config_text())
    return path


def _seed(config_file: Path) -> str:
    """Five fly tips resolved in November, one with a note allowed to be published; the draft
    the drafter makes of November."""
    config = load(config_file)

    async def seed() -> str:
        async with await Database.open(config.storage.database) as db:
            days = [datetime(2026, 11, day, 9, tzinfo=UTC) for day in (3, 10, 17, 24, 30)]
            reports = [Resolved("fly-tipping", at) for at in days[:-1]]
            reports.append(Resolved("fly-tipping", days[-1], "Cleared <fast>", True))
            await resolve_reports(config, db, reports)
            return (await DigestDrafter(config, db).draft(NOVEMBER)).html()

    return asyncio.run(seed())


def test_the_command_prints_the_draft(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both days included; the output is the drafter's HTML, escaped, and with --notes the
    list of notes comes first."""
    expected = _seed(config_file)
    args = ["digest", "--from", "2026-11-01", "--to", "2026-11-30", "--config", str(config_file)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out == expected + "\n"
    assert "5 fly tips cleared across the district" in out
    assert "Cleared &lt;fast&gt;" in out
    assert main([*args, "--notes"]) == 0
    with_notes = capsys.readouterr().out
    assert with_notes.startswith("<b>Notes officers allowed to be published (1)</b>")
    assert with_notes.endswith(expected + "\n")


def test_the_last_day_is_included(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--to 2026-11-29 leaves out the fly tip resolved on the 30th, and so the count (four is
    below the threshold of five) and its note."""
    _seed(config_file)
    args = ["digest", "--from", "2026-11-01", "--to", "2026-11-29", "--config", str(config_file)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "fly tips" not in out
    assert "Cleared" not in out


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--from", "2026-11-01"], "give both --from and --to"),
        (["--from", "1/11/2026", "--to", "2026-11-30"], "'1/11/2026' is not a date"),
        (["--from", "2026-11-30", "--to", "2026-11-01"], "ends on or after"),
    ],
)
def test_bad_dates_are_a_usage_error(
    config_file: Path, capsys: pytest.CaptureFixture[str], options: list[str], said: str
) -> None:
    """Exit 2, saying what is wrong."""
    assert main(["digest", *options, "--config", str(config_file)]) == 2
    assert said in capsys.readouterr().err


def test_without_a_database_it_says_so(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before the bot ever ran there is nothing to draft from: exit 1, and no file made."""
    assert main(["digest", "--config", str(config_file)]) == 1
    assert "There is no database" in capsys.readouterr().err
    assert not load(config_file).storage.database.exists()
