"""The safetybot command's backup, on a real database."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import default_config_text
from storage.db import Database
from storage.outbox import OutboxRepository


async def test_backup_command_copies_a_database_in_use(tmp_path: Path) -> None:
    """`safetybot backup` writes a copy that passes integrity_check and holds the committed rows,
    while the database is open and being written by another connection."""
    config = tmp_path / "config.toml"
    config.write_text(default_config_text())
    async with await Database.open(tmp_path / "safetybot.sqlite3") as db:
        outbox = OutboxRepository(db)
        now = datetime.now(UTC)
        await outbox.enqueue("message", "-100", {"text": "committed"}, dedupe_key="a", now=now)
        async with db.transaction():  # an open write that the copy must not include
            await outbox.enqueue("message", "-100", {"text": "open"}, dedupe_key="b", now=now)
            result = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "bot", "backup", "copy.sqlite3", "--config", str(config)],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        keys = [row[0] for row in copy.execute("SELECT dedupe_key FROM outbox")]
    assert keys == ["a"]


def test_backup_without_a_database_says_so(tmp_path: Path) -> None:
    """Backing up before the bot ever ran is a clear message, not a traceback or an empty copy."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", "copy.sqlite3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "no database" in result.stderr
    assert not (tmp_path / "copy.sqlite3").exists()
