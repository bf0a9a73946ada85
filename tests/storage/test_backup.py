"""Tests for online backups of the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiosqlite
import pytest

from storage.db import Database, backup_database


async def _check_copy(path: Path) -> tuple[str, str, list[int]]:
    async with aiosqlite.connect(path) as conn:
        async with conn.execute("PRAGMA integrity_check") as cursor:
            integrity = await cursor.fetchone()
        async with conn.execute("PRAGMA journal_mode") as cursor:
            mode = await cursor.fetchone()
        async with conn.execute("SELECT chat_id FROM subscribers ORDER BY chat_id") as cursor:
            chats = [row[0] for row in await cursor.fetchall()]
    assert integrity is not None
    assert mode is not None
    return integrity[0], mode[0], chats


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


async def _add_subscriber(db: Database, chat_id: int) -> None:
    await db.execute(
        "INSERT INTO subscribers (chat_id, created_at) VALUES (?, '2024-05-01')", (chat_id,)
    )


async def test_backup_holds_committed_rows_only(db: Database, db_path: Path) -> None:
    """A backup taken while another connection holds an open write has only committed rows."""
    for chat_id in (1, 2, 3):
        await _add_subscriber(db, chat_id)
    dest = db_path.parent / "backups" / "copy.sqlite3"
    async with await Database.open(db_path) as writer, writer.transaction():
        await _add_subscriber(writer, 4)
        await backup_database(db_path, dest)
    assert await _check_copy(dest) == ("ok", "delete", [1, 2, 3])


async def test_backup_while_another_connection_keeps_writing(db: Database, db_path: Path) -> None:
    """A backup during a stream of commits from another connection is whole and consistent."""
    await _add_subscriber(db, 1)
    dest = db_path.parent / "copy.sqlite3"
    async with await Database.open(db_path) as writer:

        async def keep_writing() -> None:
            for chat_id in range(100, 300):
                await _add_subscriber(writer, chat_id)

        await asyncio.gather(keep_writing(), db.backup(dest))
    integrity, _, chats = await _check_copy(dest)
    assert integrity == "ok"
    assert chats[0] == 1
    assert chats[1:] == list(range(100, 100 + len(chats) - 1))


async def test_backup_replaces_the_destination_and_leaves_no_temp_files(
    db: Database, tmp_path: Path
) -> None:
    """Backing up over an old copy replaces it, with no temporary file left beside it."""
    dest = tmp_path / "out" / "copy.sqlite3"
    await db.backup(dest)
    await _add_subscriber(db, 9)
    await db.backup(dest)
    assert (await _check_copy(dest))[2] == [9]
    assert _names(dest.parent) == ["copy.sqlite3"]


async def test_backup_of_a_fresh_empty_file_works(tmp_path: Path) -> None:
    """A database file that has never been written backs up to a valid empty database."""
    source = tmp_path / "fresh.sqlite3"
    source.touch()
    dest = tmp_path / "copy.sqlite3"
    await backup_database(source, dest)
    async with aiosqlite.connect(dest) as conn, conn.execute("PRAGMA integrity_check") as cur:
        assert await cur.fetchone() == ("ok",)


async def test_backup_of_a_missing_file_fails_without_creating_it(tmp_path: Path) -> None:
    """Backing up a path with no database is an error and creates nothing."""
    source = tmp_path / "missing.sqlite3"
    with pytest.raises(FileNotFoundError):
        await backup_database(source, tmp_path / "copy.sqlite3")
    assert _names(tmp_path) == []
