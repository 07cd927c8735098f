"""/forget and retention leave no trace of the answers in the SQLite file or its WAL."""

from __future__ import annotations

from pathlib import Path

from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.service import Conversations
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import Clock


def files_contain(db: Path, needle: bytes) -> bool:
    return any(needle in p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


async def test_forget_scrubs_the_database_files(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    conv = Conversations(engine, await SQLiteStorage.open(db, retention=86400.0))
    await conv.handle("tg:555000111", Event(EventKind.START))
    await conv.handle("tg:555000111", Event(EventKind.TEXT, "I have a fever"))
    await conv.handle("tg:555000111", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert files_contain(db, b"fever_or_chills")
    await conv.handle("tg:555000111", Event(EventKind.FORGET))
    await conv.storage.close()
    assert not files_contain(db, b"fever_or_chills")
    assert not files_contain(db, b"555000111")


async def test_retention_purge_scrubs_expired_sessions(tmp_path: Path) -> None:
    from bot.core.session import Session

    clock = Clock()
    db = tmp_path / "r.db"
    storage = await SQLiteStorage.open(db, retention=3600.0, clock=clock)
    await storage.save(Session(user="tg:777000111", noted=["saddle_numbness"], updated_at=clock()))
    clock.now += 7200
    assert await storage.purge() == 1
    await storage.close()
    assert not files_contain(db, b"saddle_numbness")
