"""Sessions in one SQLite file: the embedded default, no server needed.

WAL mode lets reads go on while a write commits; every save is a single transaction with a
version check, so a crash mid-write leaves the previous session intact, never half a one.
One process owns the file: per-user locks and the handled-events record live in memory.
"""

from __future__ import annotations

import sqlite3
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.core.errors import ConcurrentUpdate, StorageUnavailable
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import LocalLocks, SeenEvents, Storage, decode

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
    due REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (due);
CREATE INDEX IF NOT EXISTS reminders_user ON reminders (user);
"""


class SQLiteStorage(Storage):
    """aiosqlite on a single file; open with :meth:`open`."""

    def __init__(self, path: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self._db: aiosqlite.Connection | None = None
        self._locks = LocalLocks()
        self._seen = SeenEvents()

    @classmethod
    async def open(cls, path: Path, **kwargs: Any) -> SQLiteStorage:
        """Create the folder, the file and the table if needed, and connect."""
        storage = cls(path, **kwargs)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA secure_delete=ON")
            await db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StorageUnavailable(f"cannot open SQLite database {path}: {exc}") from exc
        storage._db = db
        return storage

    @property
    def db(self) -> aiosqlite.Connection:
        if self._db is None:
            raise StorageUnavailable("the SQLite storage is closed")
        return self._db

    async def load(self, user: str) -> Session | None:
        try:
            rows = await self.db.execute_fetchall(  # one thread hop instead of three
                "SELECT version, data FROM sessions WHERE user = ? AND updated_at >= ?",
                (user, self.clock() - self.retention),
            )
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite read failed: {exc}") from exc
        row = next(iter(rows), None)
        if row is None:
            return None
        session = decode(user, row[1], int(row[0]))
        return session

    async def save(self, session: Session) -> None:
        new = session.version + 1
        data = session.to_json()
        try:
            if session.version == 0:
                # A new session may replace only a record that is past retention.
                cursor = await self.db.execute(
                    "INSERT INTO sessions (user, version, updated_at, data) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (user) DO UPDATE SET version = excluded.version, "
                    "updated_at = excluded.updated_at, data = excluded.data "
                    "WHERE sessions.updated_at < ?",
                    (session.user, new, session.updated_at, data, self.clock() - self.retention),
                )
            else:
                cursor = await self.db.execute(
                    "UPDATE sessions SET version = ?, updated_at = ?, data = ? "
                    "WHERE user = ? AND version = ?",
                    (new, session.updated_at, data, session.user, session.version),
                )
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite write failed: {exc}") from exc
        if cursor.rowcount != 1:
            raise ConcurrentUpdate(f"session changed underneath (expected v{session.version})")
        session.version = new

    async def delete(self, user: str) -> None:
        """Delete and scrub: secure_delete zeroes the freed bytes, the checkpoint empties the
        write-ahead log, so no copy of the answers is left in either file."""
        try:
            await self.db.execute("DELETE FROM sessions WHERE user = ?", (user,))
            await self.db.execute("DELETE FROM reminders WHERE user = ?", (user,))
            await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite delete failed: {exc}") from exc

    async def purge(self) -> int:
        cursor = await self.db.execute(
            "DELETE FROM sessions WHERE updated_at < ?", (self.clock() - self.retention,)
        )
        if cursor.rowcount > 0:
            await self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return max(cursor.rowcount, 0)

    async def seen(self, event_id: str) -> bool:
        return event_id in self._seen

    async def remember(self, event_id: str) -> None:
        self._seen.add(event_id)

    async def schedule(self, reminder: Reminder) -> None:
        await self._write(
            "INSERT OR REPLACE INTO reminders (id, user, kind, due) VALUES (?, ?, ?, ?)",
            (reminder.id, reminder.user, reminder.kind, reminder.due),
        )

    async def cancel(self, user: str, kind: str | None = None) -> None:
        if kind is None:
            await self._write("DELETE FROM reminders WHERE user = ?", (user,))
        else:
            await self._write("DELETE FROM reminders WHERE user = ? AND kind = ?", (user, kind))

    async def claim_due(self, now: float, limit: int = 100) -> list[Reminder]:
        """One DELETE ... RETURNING statement: atomic, so a reminder is handed out once."""
        try:
            async with self.db.execute(
                "DELETE FROM reminders WHERE id IN "
                "(SELECT id FROM reminders WHERE due <= ? ORDER BY due LIMIT ?) "
                "RETURNING user, kind, due",
                (now, limit),
            ) as cursor:
                rows = list(await cursor.fetchall())
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite reminder claim failed: {exc}") from exc
        claimed = [Reminder(user=r[0], kind=r[1], due=float(r[2])) for r in rows]
        return sorted(claimed, key=lambda r: r.due)

    async def _write(self, sql: str, args: tuple[object, ...]) -> None:
        try:
            await self.db.execute(sql, args)
        except sqlite3.Error as exc:
            raise StorageUnavailable(f"SQLite write failed: {exc}") from exc

    def lock(self, user: str) -> AbstractAsyncContextManager[None]:
        return self._locks(user)

    async def close(self) -> None:
        if self._db is not None:
            db, self._db = self._db, None
            await db.close()
