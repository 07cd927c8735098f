"""SQLite only: /forget and retention leave no trace in the file or its WAL, a full disk is a
clear "try again" that heals by itself, and files from before reminder leases still open."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.messages import Event, EventKind
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.service import Conversations
from bot.storage.base import Storage
from bot.storage.sqlite import PAGE_CACHE_KIB, SQLiteSessions, open_sqlite
from tests.storage.conftest import Clock, make


def files_contain(db: Path, needle: bytes) -> bool:
    return any(needle in p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def connection(storage: Storage) -> sqlite3.Connection:
    assert isinstance(storage.sessions, SQLiteSessions)
    return storage.sessions.db.connection


async def test_forget_scrubs_the_database_files(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    conv = Conversations(engine, await open_sqlite(db, retention=86400.0))
    await conv.handle("tg:555000111", Event(EventKind.START))
    await conv.handle("tg:555000111", Event(EventKind.TEXT, "I have a fever"))
    await conv.handle("tg:555000111", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    await conv.storage.reminders.schedule(Reminder("tg:555000111", "checkin", 1e10))
    assert files_contain(db, b"fever_or_chills")
    await conv.handle("tg:555000111", Event(EventKind.FORGET))
    await conv.storage.close()
    assert not files_contain(db, b"fever_or_chills")
    assert not files_contain(db, b"555000111")


async def test_retention_purge_scrubs_sessions_and_their_reminders(tmp_path: Path) -> None:
    clock = Clock()
    db = tmp_path / "r.db"
    storage = await open_sqlite(db, retention=3600.0, clock=clock)
    await storage.sessions.save(
        Session(user="tg:777000111", noted=["saddle_numbness"], updated_at=clock())
    )
    await storage.reminders.schedule(Reminder("tg:777000111", "checkin", clock() + 1e6))
    clock.now += 7200
    assert await storage.purge() == 1
    await storage.close()
    assert not files_contain(db, b"saddle_numbness")
    assert not files_contain(db, b"777000111")


async def test_the_log_is_checkpointed_by_every_purge(tmp_path: Path) -> None:
    """Nothing expired, but the log is emptied anyway: on a small disk it must not grow."""
    db = tmp_path / "w.db"
    storage = await open_sqlite(db, retention=3600.0)
    for n in range(50):
        await storage.sessions.save(make(f"tg:{n}"))
    wal = tmp_path / "w.db-wal"
    assert wal.stat().st_size > 0
    assert await storage.purge() == 0
    assert wal.stat().st_size == 0
    await storage.close()


async def test_a_full_disk_is_unavailable_and_heals_once_space_is_back(
    engine: Engine, tmp_path: Path
) -> None:
    """A tiny disk, simulated with ``max_page_count``: no step is lost or half-written,
    /forget still works, and once space is back the same process carries on."""
    storage = await open_sqlite(tmp_path / "full.db", retention=86400.0)
    conv = Conversations(engine, storage)
    db = connection(storage)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count={pages + 2}")
    with pytest.raises(StorageUnavailable, match="disk is full"):
        for n in range(10_000):
            await storage.sessions.save(make(f"tg:{n}"))
    assert not db.in_transaction
    with pytest.raises(StorageUnavailable, match="disk is full"):  # still full: said again
        await storage.sessions.save(make("tg:big"))
    forgotten = await conv.handle("tg:0", Event(EventKind.FORGET))
    assert not forgotten.unavailable
    assert await storage.sessions.load("tg:0") is None
    db.execute("PRAGMA max_page_count=1073741823")  # space is back
    await storage.sessions.save(make("tg:big"))
    turn = await conv.handle("tg:new", Event(EventKind.START))
    assert not turn.unavailable and turn.question == "rf_emergency"
    await storage.close()


async def test_a_file_from_before_reminder_leases_opens_and_keeps_its_reminders(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE reminders (id TEXT PRIMARY KEY, user TEXT NOT NULL, kind TEXT NOT NULL,"
        " due REAL NOT NULL);"
        "INSERT INTO reminders VALUES ('tg:1|checkin|100', 'tg:1', 'checkin', 100.0);"
    )
    old.close()
    storage = await open_sqlite(path, retention=86400.0)
    assert await storage.reminders.claim_due(200.0) == [Reminder("tg:1", "checkin", 100.0)]
    await storage.close()


async def test_a_closed_storage_is_unavailable(tmp_path: Path) -> None:
    storage = await open_sqlite(tmp_path / "c.db", retention=86400.0)
    await storage.close()
    with pytest.raises(StorageUnavailable, match="closed"):
        await storage.sessions.load("tg:1")


async def test_start_up_waits_for_a_file_another_process_has_locked(tmp_path: Path) -> None:
    """A run started right after a crash can find the file locked for a moment (another
    process recovering the log, a backup): it waits, instead of ending the start-up with
    "database is locked"; once open, steps still never wait inside SQLite."""
    db = tmp_path / "backcheck.db"
    storage = await open_sqlite(db, retention=3600.0)
    await storage.close()
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, other.execute, ("COMMIT",))
    release.start()
    try:
        storage = await open_sqlite(db, retention=3600.0)
    finally:
        release.join()
        other.close()
    try:
        assert await storage.sessions.load("tg:1") is None
        busy = storage.sessions
        assert isinstance(busy, SQLiteSessions)
        assert busy.db.connection.execute("PRAGMA busy_timeout").fetchone() == (0,)
    finally:
        await storage.close()


async def test_the_page_cache_is_small_and_the_bot_still_reads_what_it_wrote(
    tmp_path: Path,
) -> None:
    """SQLite's default page cache (2 MB a connection) grew the bot by that much once the file
    passed it: a step reads one row by its key, so a small cache costs a read from the
    operating system's cache now and then, never an answer."""
    storage = await open_sqlite(tmp_path / "c.db", retention=86400.0)
    try:
        pages = connection(storage).execute("PRAGMA cache_size").fetchone()[0]
        assert pages == -PAGE_CACHE_KIB and PAGE_CACHE_KIB <= 512
        for n in range(400):  # a file several times the cache
            record = Session(user=f"tg:{n}", noted=["x" * 2000, str(n)], updated_at=time.time())
            await storage.sessions.save(record)
        for n in range(0, 400, 37):
            session = await storage.sessions.load(f"tg:{n}")
            assert session is not None and session.noted == ["x" * 2000, str(n)]
    finally:
        await storage.close()
