"""Numbered schema migrations, shipped as ``storage/migrations/NNNN_name.sql`` or, for a step
SQL cannot express, as a Python module ``storage/migrations/mNNNN_name.py`` whose
``async def migrate(conn)`` runs inside the step's transaction. Steps run in number order,
whichever their language.
"""

from __future__ import annotations

import importlib
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib import resources

import aiosqlite

from storage.timestamps import to_db, utc_now

logger = logging.getLogger(__name__)

_FILE_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_MODULE_NAME = re.compile(r"^m(\d{4})_(\w+)\.py$")

# A Python step: given the connection, inside the step's BEGIN IMMEDIATE transaction. It must
# not commit, and must leave the database as it found it if run again.
PythonStep = Callable[[aiosqlite.Connection], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its version number, name, and its SQL script or Python step."""

    version: int
    name: str
    sql: str = ""
    python: PythonStep | None = None


def load_migrations() -> list[Migration]:
    """Read the packaged migration files, ordered by version."""
    folder = resources.files("storage").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        if match := _FILE_NAME.match(entry.name):
            sql = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match.group(1)), match.group(2), sql=sql))
        elif match := _MODULE_NAME.match(entry.name):
            module = importlib.import_module(f"storage.migrations.{entry.name.removesuffix('.py')}")
            step: PythonStep = module.migrate
            found.append(Migration(int(match.group(1)), match.group(2), python=step))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            if statement and statement != ";":
                statements.append(statement)
            pending = ""
    if pending.strip() and not _only_comments(pending):
        raise ValueError(f"incomplete SQL statement at end of script: {pending.strip()[:80]!r}")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: Sequence[Migration]
) -> list[int]:
    """Apply the migrations not yet recorded, each in its own BEGIN IMMEDIATE transaction.

    The connection must be in autocommit mode (``isolation_level=None``). Two processes
    racing are safe: the second waits for the first's write lock, then finds the version
    recorded and skips it. Returns the versions this call applied.
    """
    await _run_in_transaction(
        conn,
        [
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY,"
            " name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL)"
        ],
    )
    applied: list[int] = []
    for migration in migrations:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            async with conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            ) as cursor:
                already = await cursor.fetchone() is not None
            if not already:
                await _run_step(conn, migration)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, to_db(utc_now())),
                )
        except BaseException:
            await conn.execute("ROLLBACK")
            raise
        await conn.execute("COMMIT")
        if not already:
            logger.info("applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
    return applied


async def _run_step(conn: aiosqlite.Connection, migration: Migration) -> None:
    if migration.python is not None:
        await migration.python(conn)
        return
    for statement in split_statements(migration.sql):
        await conn.execute(statement)


async def _run_in_transaction(conn: aiosqlite.Connection, statements: Sequence[str]) -> None:
    await conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in statements:
            await conn.execute(statement)
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
    await conn.execute("COMMIT")
