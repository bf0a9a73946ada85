"""The SQLite database: one shared connection (and a read-only one beside it for the long
aggregates), pragmas, migrations, transactions and backups."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from storage.migrate import apply_migrations, load_migrations

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
WAL_RETRY_MS = 20

Params = Sequence[Any]


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a write statement did: rows changed and the last inserted row id."""

    rowcount: int
    lastrowid: int | None

    @property
    def inserted_id(self) -> int:
        """The id of the row an INSERT created."""
        if self.lastrowid is None or self.rowcount < 1:
            raise RuntimeError("the statement inserted no row")
        return self.lastrowid


class Database:
    """One aiosqlite connection to the bot's SQLite file, shared by all repositories.

    Statements from different tasks are serialised by a lock; a transaction belongs to
    the task that opened it, and repository calls made by that task inside it join it
    (as a savepoint), so several repositories' changes commit or roll back together.
    """

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        """Wrap an open connection; use :meth:`open` rather than calling this."""
        self._conn = conn
        self._path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0
        self._aside: aiosqlite.Connection | None = None
        self._aside_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) the database at ``path`` and apply pending migrations."""
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        conn = await _connect(str(path))
        try:
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA secure_delete = ON")
            await _enable_wal(conn)
            applied = await apply_migrations(conn, load_migrations())
        except BaseException:
            await conn.close()
            raise
        logger.info("database open at %s (%d migrations applied now)", path, len(applied))
        return cls(conn, path)

    @property
    def path(self) -> Path:
        """The database file."""
        return self._path

    async def close(self) -> None:
        """Close the connection (and the reading one beside it, if opened)."""
        async with self._aside_lock:
            if self._aside is not None:
                await self._aside.close()
                self._aside = None
        async with self._exclusive():
            await self._conn.close()
        logger.debug("database closed at %s", self._path)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """Hold the connection for the current task (re-entrant within that task)."""
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            yield
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception.

        Nested use in the same task becomes a SAVEPOINT, so an inner failure that the
        caller catches undoes only the inner part.
        """
        async with self._exclusive():
            if self._depth == 0:
                await self._conn.execute("BEGIN IMMEDIATE")
                self._depth = 1
                try:
                    yield
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                else:
                    try:
                        await self._conn.execute("COMMIT")
                    except BaseException:
                        if self._conn.in_transaction:
                            await self._conn.execute("ROLLBACK")
                        raise
                finally:
                    self._depth = 0
            else:
                savepoint = f"sp_{self._depth}"
                await self._conn.execute(f"SAVEPOINT {savepoint}")
                self._depth += 1
                try:
                    yield
                except BaseException:
                    await self._conn.execute(f"ROLLBACK TO {savepoint}")
                    await self._conn.execute(f"RELEASE {savepoint}")
                    raise
                else:
                    await self._conn.execute(f"RELEASE {savepoint}")
                finally:
                    self._depth -= 1

    @property
    def in_transaction(self) -> bool:
        """Whether the current task has a transaction open on this database."""
        return self._depth > 0 and self._owner is asyncio.current_task()

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        """Run one write statement, in the caller's transaction or on its own.

        On its own, the connection's autocommit makes the single statement its own
        transaction: no BEGIN and COMMIT round trips to the database thread. The cursor is not
        closed by another round trip: a write statement has run to its end when ``execute``
        returns, so its cursor holds nothing open.
        """
        if self.in_transaction:
            cursor = await self._conn.execute(sql, params)
        else:
            async with self._exclusive():
                cursor = await self._conn.execute(sql, params)
        return WriteResult(rowcount=cursor.rowcount, lastrowid=cursor.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one write statement for many parameter rows; return the rows changed."""
        async with self.transaction():
            cursor = await self._conn.executemany(sql, rows)
            return cursor.rowcount

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Run a query and return its first row, if any (for queries of one row or a few: all
        rows are read, in one round trip to the database thread)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Run a query and return all its rows, in one round trip to the database thread."""
        async with self._exclusive():
            rows: Iterable[aiosqlite.Row] = await self._conn.execute_fetchall(sql, params)
            return list(rows)

    async def fetchall_aside(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Run a long read-only query on a second connection of its own (read-only, opened at
        first use), so that it does not hold the shared connection while it runs and the two
        run side by side, each on its own core: for the statistics' aggregates, which would
        otherwise keep every resident's handler waiting. It sees what has been committed (WAL
        lets a reader and the writer go on together), not the caller's open transaction."""
        async with self._aside_lock:
            if self._aside is None:
                uri = await asyncio.to_thread(_existing_file_uri, self._path)
                self._aside = await _connect(f"{uri}?mode=ro", uri=True)
            rows: Iterable[aiosqlite.Row] = await self._aside.execute_fetchall(sql, params)
            return list(rows)

    async def iterate(
        self, sql: str, params: Params = (), *, batch: int = 500
    ) -> AsyncIterator[list[aiosqlite.Row]]:
        """Run a query and yield its rows a batch at a time, so that a query of millions of
        rows never holds them all. The connection is held until the iteration ends: for the
        commands that read the whole file (exports), not for the running bot's handlers."""
        async with self._exclusive(), self._conn.execute(sql, params) as cursor:
            while rows := list(await cursor.fetchmany(batch)):
                yield rows

    async def fetchvalue(self, sql: str, params: Params = ()) -> Any:
        """Run a query and return the first column of its first row (or None)."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate the WAL to zero bytes."""
        async with self._exclusive():
            if self._conn.in_transaction:
                raise RuntimeError("checkpoint inside a transaction would not truncate the WAL")
            async with self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                row = await cursor.fetchone()
        if row is not None and row[0]:
            logger.warning("WAL checkpoint incomplete: another connection is reading")

    async def backup(self, dest: Path) -> None:
        """Write a consistent copy of the database to ``dest`` (atomically replaced)."""
        async with self._exclusive():
            if self._conn.in_transaction:
                raise RuntimeError("backup inside a transaction would copy uncommitted data")
            await _backup_connection(self._conn, dest)


async def _connect(location: str, *, uri: bool = False) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(location, isolation_level=None, uri=uri)
    conn.row_factory = aiosqlite.Row
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL, retrying while another connection holds the lock.

    Changing the journal mode of a new file needs an exclusive lock and SQLite reports
    "database is locked" at once, without the busy handler, when connections race.
    """
    attempts = BUSY_TIMEOUT_MS // WAL_RETRY_MS
    for attempt in range(attempts + 1):
        try:
            async with conn.execute("PRAGMA journal_mode = WAL") as cursor:
                row = await cursor.fetchone()
            break
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts:
                raise
            await asyncio.sleep(WAL_RETRY_MS / 1000)
    if row is None or str(row[0]).lower() != "wal":
        logger.warning("journal_mode is %s, not wal", None if row is None else row[0])


async def backup_database(source: Path, dest: Path) -> None:
    """Back up the database at ``source`` to ``dest`` while a bot may be using it.

    Opens the existing file without creating it and without applying migrations.
    """
    source_uri = await asyncio.to_thread(_existing_file_uri, source)
    conn = await _connect(f"{source_uri}?mode=rw", uri=True)
    try:
        await _backup_connection(conn, dest)
    finally:
        await conn.close()


def _existing_file_uri(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    return path.resolve().as_uri()


async def _backup_connection(conn: aiosqlite.Connection, dest: Path) -> None:
    """Copy through SQLite's online backup API into a temp file, check it, rename it."""
    temp = await asyncio.to_thread(_new_temp_file, dest)
    try:
        target = sqlite3.connect(temp, check_same_thread=False, isolation_level=None)
        try:
            await conn.backup(target)
            await asyncio.to_thread(_finish_copy, target)
        finally:
            target.close()
        await asyncio.to_thread(_publish, temp, dest)
    except BaseException:
        await asyncio.to_thread(_remove_temp, temp)
        raise
    logger.info("database backed up to %s", dest)


def _new_temp_file(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    os.close(handle)
    return Path(name)


def _publish(temp: Path, dest: Path) -> None:
    """Flush the finished copy to disk and move it into place atomically."""
    with temp.open("rb") as file:
        os.fsync(file.fileno())
    temp.replace(dest)
    with suppress(OSError):  # not every platform can fsync a directory
        fd = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_temp(temp: Path) -> None:
    for leftover in (temp, *(Path(f"{temp}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
        with suppress(FileNotFoundError):
            leftover.unlink()


def _finish_copy(target: sqlite3.Connection) -> None:
    """Make the copy a self-contained single file and check it."""
    target.execute("PRAGMA journal_mode = DELETE").fetchone()
    result = target.execute("PRAGMA integrity_check").fetchall()
    if [tuple(row) for row in result] != [("ok",)]:
        raise RuntimeError(f"backup failed integrity_check: {result[:5]!r}")
