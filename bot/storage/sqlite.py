"""Sessions in one SQLite file: the embedded default, no server needed.

The connection is plain ``sqlite3`` used on the event loop, with no thread hop: a session
read or write is one indexed statement of 20-40 µs, where handing it to a thread (aiosqlite)
cost 70-350 µs. Nothing on the loop waits for the disk or for a lock: WAL with
``synchronous=NORMAL`` (a commit appends to the log and does not fsync), checkpoints (the
only fsyncs) on a thread of their own, a locked file retried with ``await asyncio.sleep``,
and purges in small batches. ``benchmarks/storage.py`` prints the longest the loop was held.
Every save is a single statement with a version check, so a crash mid-write leaves the
previous session intact, never half a one.

One process owns the file: per-user locks and the handled-events record live in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.core.errors import ConcurrentUpdate, StorageUnavailable
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import (
    INBOX_TRIES,
    LEASE,
    Inbox,
    LocalLocks,
    Parcel,
    ReminderQueue,
    SeenEvents,
    SessionStore,
    Storage,
    decode,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    user TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions (updated_at);
CREATE TABLE IF NOT EXISTS reminders (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    due REAL NOT NULL,
    ready REAL
);
CREATE INDEX IF NOT EXISTS reminders_user ON reminders (user);
CREATE TABLE IF NOT EXISTS inbox (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    stored REAL NOT NULL,
    lease REAL NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0
);
"""
CHECKPOINT_EVERY = 200  # writes between background checkpoints: a WAL of a few hundred KB
BUSY_RETRY = 0.002  # seconds between tries when a checkpoint holds the write lock
BUSY_PATIENCE = 2.0  # seconds of a locked file before "try again" (another process on it)
OPEN_PATIENCE = 10.0  # seconds a start-up waits for a file another process has locked
PURGE_BATCH = 100  # rows per purge statement, with the loop free between batches
#: Each connection's page cache, in KiB (SQLite's default is 2,000). A step reads one session
#: row by its key (three or four pages) and writes it back, so a page not cached costs one
#: read from the operating system's own cache; the default grew the bot's memory by about
#: 2 MB per connection once the file passed 2 MB (a few thousand people).
PAGE_CACHE_KIB = 256


class Database:
    """The loop's connection, plus a thread that does the one slow thing: checkpoints.

    The loop's connection never checkpoints and never waits inside SQLite: automatic
    checkpoints are off, and a locked file (a checkpoint holding the write lock, or another
    process) is retried with ``await asyncio.sleep`` instead of SQLite's busy handler. The
    checkpoints, which copy the log into the file and wait for the disk (fsync), run on a
    thread of their own with their own connection: a passive one every ``CHECKPOINT_EVERY``
    writes, and a truncating one on every ``scrub`` (``/forget``, retention), which leaves
    no copy of a deleted row in the log. A full disk (``SQLITE_FULL``) is answered by a
    truncating checkpoint, which gives back the log's space, and one more try; if the disk
    is still full the caller gets a clear "disk is full" and the next call tries again, so
    the bot recovers by itself once space is back.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = connection
        self._writes = 0
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="backcheck-sqlite-checkpoint")
        self._checkpointer: sqlite3.Connection | None = None
        self._background: asyncio.Future[None] | None = None

    @classmethod
    def open(cls, path: Path) -> Database:
        """Open (and create or upgrade) the file. Opening may wait up to ``OPEN_PATIENCE``
        for a lock held elsewhere (a run that was just killed leaves its log to be
        recovered, and switching to WAL needs the file to itself): it happens before the bot
        serves anyone, and a lock there used to end the start-up. Afterwards the connection
        never waits inside SQLite (:meth:`run`)."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, timeout=OPEN_PATIENCE)
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "secure_delete=ON",
                "wal_autocheckpoint=0",
                "journal_size_limit=1048576",
                f"cache_size=-{PAGE_CACHE_KIB}",
            ):
                connection.execute(f"PRAGMA {pragma}")
            connection.executescript(_SCHEMA)
            columns = {row[1] for row in connection.execute("PRAGMA table_info(reminders)")}
            if "ready" not in columns:  # a file from before reminder leases
                connection.execute("ALTER TABLE reminders ADD COLUMN ready REAL")
            connection.execute("UPDATE reminders SET ready = due WHERE ready IS NULL")
            connection.execute("CREATE INDEX IF NOT EXISTS reminders_ready ON reminders (ready)")
            connection.execute("PRAGMA busy_timeout = 0")
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailable(f"cannot open SQLite database {path}: {exc}") from exc
        return cls(path, connection)

    @property
    def connection(self) -> sqlite3.Connection:
        if self._connection is None:
            raise StorageUnavailable("the SQLite storage is closed")
        return self._connection

    async def run(
        self, sql: str, args: tuple[Any, ...] = (), *, write: bool = True
    ) -> sqlite3.Cursor:
        """Execute one statement (autocommit) on the loop; it never blocks on a lock."""
        waited = 0.0
        full = False
        while True:
            try:
                cursor = self.connection.execute(sql, args)
            except sqlite3.Error as exc:
                code = _code(exc)
                if code == sqlite3.SQLITE_BUSY and waited < BUSY_PATIENCE:
                    await asyncio.sleep(BUSY_RETRY)
                    waited += BUSY_RETRY
                    continue
                if code == sqlite3.SQLITE_FULL and not full:
                    full = True
                    await self.checkpoint(quiet=True)
                    continue
                raise self._unavailable(exc) from exc
            if write:
                self._count_write()
            return cursor

    def _count_write(self) -> None:
        self._writes += 1
        if self._writes >= CHECKPOINT_EVERY and (
            self._background is None or self._background.done()
        ):
            self._writes = 0
            loop = asyncio.get_running_loop()
            self._background = loop.run_in_executor(self._thread, self._checkpoint, "PASSIVE")

    async def checkpoint(self, *, quiet: bool = False) -> None:
        """Copy the log into the file and truncate it, on the checkpoint thread."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._thread, self._checkpoint, "TRUNCATE")
        except sqlite3.Error as exc:
            if not quiet:
                raise self._unavailable(exc) from exc

    def _checkpoint(self, mode: str) -> None:
        """On the checkpoint thread: its own connection, allowed to wait for the disk."""
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
            self._checkpointer.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        self._checkpointer.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()

    def _unavailable(self, exc: sqlite3.Error) -> StorageUnavailable:
        connection = self._connection
        if connection is not None and connection.in_transaction:
            connection.rollback()  # never leave a failed statement's transaction open
        if _code(exc) == sqlite3.SQLITE_FULL:
            return StorageUnavailable(f"SQLite: the disk is full ({self.path}); free some space")
        if _code(exc) == sqlite3.SQLITE_BUSY:
            return StorageUnavailable(f"SQLite: {self.path} is locked by another process")
        return StorageUnavailable(f"SQLite failed on {self.path}: {exc}")

    async def close(self) -> None:
        if self._connection is None:
            return
        if self._background is not None:
            with contextlib.suppress(sqlite3.Error):
                await self._background
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._close_checkpointer)
        self._thread.shutdown(wait=True)
        connection, self._connection = self._connection, None
        connection.close()

    def _close_checkpointer(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None


def _code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF  # the primary code of an extended one


class SQLiteSessions(SessionStore):
    """The ``sessions`` table: one row per user, the record as compact JSON."""

    def __init__(self, db: Database, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.db = db

    async def load(self, user: str) -> Session | None:
        cursor = await self.db.run(
            "SELECT version, data FROM sessions WHERE user = ? AND updated_at >= ?",
            (user, self.cutoff()),
            write=False,
        )
        row = next(iter(cursor.fetchall()), None)  # done: no read transaction left open
        return None if row is None else decode(user, row[1], int(row[0]))

    async def save(self, session: Session) -> None:
        new = session.version + 1
        data = session.to_json()
        if session.version == 0:
            # A new session may replace only a record that is past retention.
            cursor = await self.db.run(
                "INSERT INTO sessions (user, version, updated_at, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user) DO UPDATE SET version = excluded.version, "
                "updated_at = excluded.updated_at, data = excluded.data "
                "WHERE sessions.updated_at < ?",
                (session.user, new, session.updated_at, data, self.cutoff()),
            )
        else:
            cursor = await self.db.run(
                "UPDATE sessions SET version = ?, updated_at = ?, data = ? "
                "WHERE user = ? AND version = ?",
                (new, session.updated_at, data, session.user, session.version),
            )
        if cursor.rowcount != 1:
            raise ConcurrentUpdate(f"session changed underneath (expected v{session.version})")
        session.version = new

    async def delete(self, user: str) -> None:
        await self.db.run("DELETE FROM sessions WHERE user = ?", (user,))

    async def purge(self) -> int:
        """In batches, so a purge of many sessions never holds the loop for long."""
        removed = 0
        while True:
            cursor = await self.db.run(
                "DELETE FROM sessions WHERE rowid IN "
                "(SELECT rowid FROM sessions WHERE updated_at < ? LIMIT ?)",
                (self.cutoff(), PURGE_BATCH),
            )
            count = cursor.rowcount
            removed += max(count, 0)
            if count < PURGE_BATCH:
                return removed
            await asyncio.sleep(0)

    async def settle(self, before: float) -> int:
        settled = 0
        while True:
            cursor = await self.db.run(
                "UPDATE sessions SET data = json_remove(data, '$.sh') WHERE rowid IN "
                "(SELECT rowid FROM sessions WHERE updated_at < ? AND json_valid(data) "
                "AND json_type(data, '$.sh') IS NOT NULL LIMIT ?)",
                (before, PURGE_BATCH),
            )
            count = cursor.rowcount
            settled += max(count, 0)
            if count < PURGE_BATCH:
                return settled
            await asyncio.sleep(0)


class SQLiteReminders(ReminderQueue):
    """The ``reminders`` table; ``ready`` is the due time, or the end of a claim's lease."""

    def __init__(self, db: Database, sessions: SQLiteSessions) -> None:
        self.db = db
        self.sessions = sessions

    async def schedule(self, reminder: Reminder) -> None:
        await self.db.run(
            "INSERT OR REPLACE INTO reminders (id, user, kind, due, ready) VALUES (?, ?, ?, ?, ?)",
            (reminder.id, reminder.user, reminder.kind, reminder.due, reminder.due),
        )

    async def cancel(self, user: str, kind: str | None = None) -> None:
        if kind is None:
            await self.db.run("DELETE FROM reminders WHERE user = ?", (user,))
        else:
            await self.db.run("DELETE FROM reminders WHERE user = ? AND kind = ?", (user, kind))

    async def claim_due(self, now: float, limit: int = 100, lease: float = LEASE) -> list[Reminder]:
        """One UPDATE ... RETURNING: no other claim sees these rows until the lease ends."""
        cursor = await self.db.run(
            "UPDATE reminders SET ready = ? WHERE id IN "
            "(SELECT id FROM reminders WHERE ready <= ? ORDER BY ready LIMIT ?) "
            "RETURNING user, kind, due",
            (now + lease, now, limit),
        )
        rows = cursor.fetchall()
        claimed = [Reminder(user=r[0], kind=r[1], due=float(r[2])) for r in rows]
        return sorted(claimed, key=lambda r: r.due)

    async def ack(self, reminder: Reminder) -> None:
        await self.db.run("DELETE FROM reminders WHERE id = ?", (reminder.id,))

    async def purge(self) -> int:
        cursor = await self.db.run(
            "DELETE FROM reminders WHERE user NOT IN "
            "(SELECT user FROM sessions WHERE updated_at >= ?)",
            (self.sessions.cutoff(),),
        )
        return max(cursor.rowcount, 0)


class SQLiteInbox(Inbox):
    """The ``inbox`` table. A batch is one statement (rows from one JSON array), so a
    fetched batch costs one commit, and a crash stores all of it or none."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, parcels: Sequence[Parcel], now: float, lease: float = LEASE) -> None:
        if not parcels:
            return
        rows = json.dumps([[p.id, p.body] for p in parcels])
        await self.db.run(
            "INSERT OR IGNORE INTO inbox (id, body, stored, lease) "
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?, ? "
            "FROM json_each(?)",
            (now, now + lease, rows),
        )

    async def done(self, ids: Sequence[str]) -> None:
        if ids:
            await self.db.run(
                "DELETE FROM inbox WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(ids)),),
            )

    async def claim(
        self, now: float, limit: int = 100, lease: float = LEASE, tries: int = INBOX_TRIES
    ) -> list[Parcel]:
        """Worn-out parcels go first, then one UPDATE ... RETURNING leases the rest."""
        await self.db.run("DELETE FROM inbox WHERE lease <= ? AND tries >= ?", (now, tries))
        cursor = await self.db.run(
            "UPDATE inbox SET lease = ? WHERE rowid IN "
            "(SELECT rowid FROM inbox WHERE lease <= ? ORDER BY rowid LIMIT ?) "
            "RETURNING rowid, id, body",
            (now + lease, now, limit),
        )
        return [Parcel(row[1], row[2]) for row in sorted(cursor.fetchall())]

    async def started(self, parcel_id: str) -> None:
        await self.db.run("UPDATE inbox SET tries = tries + 1 WHERE id = ?", (parcel_id,))

    async def purge(self, before: float) -> int:
        cursor = await self.db.run("DELETE FROM inbox WHERE stored < ?", (before,))
        return max(cursor.rowcount, 0)


async def open_sqlite(
    path: Path, *, retention: float, clock: Callable[[], float] = time.time
) -> Storage:
    """Create the folder, the file and the tables if needed, and connect."""
    db = Database.open(path)
    sessions = SQLiteSessions(db, retention=retention, clock=clock)

    return Storage(
        sessions,
        SeenEvents(),
        SQLiteReminders(db, sessions),
        SQLiteInbox(db),
        LocalLocks(),
        scrub=db.checkpoint,
        closing=db.close,
    )
