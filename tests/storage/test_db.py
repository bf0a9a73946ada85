"""Tests for the database: migrations, pragmas, transactions, checkpoints."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from storage.db import Database
from storage.migrate import Migration, apply_migrations, load_migrations, split_statements


async def test_open_creates_folder_and_applies_migrations(db_path: Path) -> None:
    """Opening a new path creates its folder and records every packaged migration."""
    assert not db_path.parent.exists()
    async with await Database.open(db_path) as db:
        versions = [row[0] for row in await db.fetchall("SELECT version FROM schema_migrations")]
        tables = {
            row[0] for row in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert versions == [migration.version for migration in load_migrations()]
    assert {"reports", "outbox", "broadcast_deliveries", "ptb_conversations"} <= tables


async def test_reopening_applies_nothing_twice(db_path: Path) -> None:
    """A second open leaves the recorded migrations exactly as they were."""
    async with await Database.open(db_path) as db:
        first = [tuple(row) for row in await db.fetchall("SELECT * FROM schema_migrations")]
    async with await Database.open(db_path) as db:
        second = [tuple(row) for row in await db.fetchall("SELECT * FROM schema_migrations")]
    assert first == second


async def test_racing_opens_on_a_fresh_file_all_succeed(db_path: Path) -> None:
    """Several connections migrating the same new file at once each succeed, once."""
    databases = await asyncio.gather(*(Database.open(db_path) for _ in range(4)))
    try:
        count = await databases[0].fetchvalue("SELECT COUNT(*) FROM schema_migrations")
    finally:
        for database in databases:
            await database.close()
    assert count == len(load_migrations())


async def test_failed_migration_leaves_no_trace(tmp_path: Path) -> None:
    """A migration that fails half-way rolls back wholly and is not recorded."""
    broken = Migration(version=1, name="broken", sql="CREATE TABLE a (x);\nCREATE TABLE (;\n")
    async with aiosqlite.connect(tmp_path / "m.db", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(conn, [broken])
        async with conn.execute("SELECT name FROM sqlite_master WHERE type='table'") as cursor:
            tables = [row[0] for row in await cursor.fetchall()]
        async with conn.execute("SELECT COUNT(*) FROM schema_migrations") as cursor:
            recorded = await cursor.fetchone()
    assert tables == ["schema_migrations"]
    assert recorded is not None
    assert recorded[0] == 0


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    """Statements split on complete SQL, so a trigger's inner semicolons do not split it."""
    script = (
        "-- a comment\nCREATE TABLE t (x);\n"
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
    )
    statements = split_statements(script)
    assert len(statements) == 2
    assert statements[1].endswith("END;")


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", 5000),
        ("synchronous", 1),
        ("secure_delete", 1),
    ],
)
async def test_pragmas_are_in_force(db: Database, pragma: str, expected: object) -> None:
    """Each connection-level pragma has the value the bot relies on."""
    assert await db.fetchvalue(f"PRAGMA {pragma}") == expected


async def test_foreign_keys_are_enforced(db: Database) -> None:
    """A photo for a report that does not exist is refused."""
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO report_photos (report_id, position, file_id) VALUES (999, 0, 'f')"
        )


async def test_check_constraints_refuse_unknown_states(db: Database) -> None:
    """An outbox row with a state outside the enumeration is refused."""
    with pytest.raises(sqlite3.IntegrityError):
        await db.execute(
            "INSERT INTO outbox (kind, target, payload, state, next_attempt_at, created_at)"
            " VALUES ('k', 't', '{}', 'lost', 'x', 'x')"
        )


async def _insert_then_fail(db: Database, *chat_ids: int) -> None:
    async with db.transaction():
        for chat_id in chat_ids:
            await db.execute(
                "INSERT INTO subscribers (chat_id, created_at) VALUES (?, 'x')", (chat_id,)
            )
        raise RuntimeError("boom")


async def test_transaction_rollback_leaves_nothing(db: Database) -> None:
    """An exception inside a transaction undoes every statement in it."""
    with pytest.raises(RuntimeError, match="boom"):
        await _insert_then_fail(db, 1, 2)
    assert await db.fetchvalue("SELECT COUNT(*) FROM subscribers") == 0
    assert not db.in_transaction


async def test_nested_failure_undoes_only_the_inner_part(db: Database) -> None:
    """A caught failure in a nested transaction rolls back to its savepoint only."""
    async with db.transaction():
        await db.execute("INSERT INTO subscribers (chat_id, created_at) VALUES (1, 'x')")
        with pytest.raises(RuntimeError, match="boom"):
            await _insert_then_fail(db, 2)
    rows = await db.fetchall("SELECT chat_id FROM subscribers")
    assert [row[0] for row in rows] == [1]


async def test_committed_transaction_is_visible_to_another_connection(
    db: Database, db_path: Path
) -> None:
    """What a transaction commits is in the file for other connections to read."""
    async with db.transaction():
        await db.execute("INSERT INTO subscribers (chat_id, created_at) VALUES (7, 'x')")
    async with await Database.open(db_path) as other:
        assert await other.fetchvalue("SELECT chat_id FROM subscribers") == 7


async def test_other_tasks_do_not_join_a_transaction(db: Database) -> None:
    """A write from another task waits for the open transaction and survives its rollback."""
    entered = asyncio.Event()
    release = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction():
            await db.execute("INSERT INTO subscribers (chat_id, created_at) VALUES (1, 'x')")
            entered.set()
            await release.wait()
            raise RuntimeError("rolled back")

    async def independent_write() -> None:
        await entered.wait()
        release.set()
        await db.execute("INSERT INTO subscribers (chat_id, created_at) VALUES (2, 'x')")

    results = await asyncio.gather(
        failing_transaction(), independent_write(), return_exceptions=True
    )
    assert isinstance(results[0], RuntimeError)
    rows = await db.fetchall("SELECT chat_id FROM subscribers")
    assert [row[0] for row in rows] == [2]


async def test_checkpoint_truncates_the_wal(db: Database, db_path: Path) -> None:
    """After a checkpoint the WAL file is empty."""
    await db.execute("INSERT INTO subscribers (chat_id, created_at) VALUES (1, 'x')")
    assert _wal_size(db_path) > 0
    await db.checkpoint()
    assert _wal_size(db_path) == 0


def _wal_size(db_path: Path) -> int:
    return Path(f"{db_path}-wal").stat().st_size
