"""Reminders next to the session: the same contract on memory, SQLite and real Redis."""

from __future__ import annotations

import asyncio

from bot.core.reminders import Reminder
from bot.storage.base import Storage


async def test_claim_returns_due_reminders_once_in_order(storage: Storage) -> None:
    await storage.schedule(Reminder("tg:1", "checkin", 300.0))
    await storage.schedule(Reminder("tg:2", "compress_off", 100.0))
    await storage.schedule(Reminder("tg:1", "compress_off", 900.0))
    await storage.schedule(Reminder("tg:2", "compress_off", 100.0))  # same id: stored once
    due = await storage.claim_due(500.0)
    assert [(r.user, r.kind) for r in due] == [("tg:2", "compress_off"), ("tg:1", "checkin")]
    assert await storage.claim_due(500.0) == []
    assert [r.kind for r in await storage.claim_due(1000.0)] == ["compress_off"]


async def test_cancel_by_kind_or_all(storage: Storage) -> None:
    await storage.schedule(Reminder("tg:1", "checkin", 100.0))
    await storage.schedule(Reminder("tg:1", "compress_off", 100.0))
    await storage.schedule(Reminder("tg:2", "checkin", 100.0))
    await storage.cancel("tg:1", "checkin")
    assert sorted((r.user, r.kind) for r in await storage.claim_due(200.0)) == [
        ("tg:1", "compress_off"),
        ("tg:2", "checkin"),
    ]
    await storage.schedule(Reminder("tg:3", "checkin", 100.0))
    await storage.cancel("tg:3")
    assert await storage.claim_due(200.0) == []


async def test_delete_removes_reminders_too(storage: Storage) -> None:
    await storage.schedule(Reminder("tg:9", "checkin", 100.0))
    await storage.delete("tg:9")
    assert await storage.claim_due(200.0) == []


async def test_concurrent_claims_never_share_a_reminder(storage: Storage) -> None:
    for i in range(30):
        await storage.schedule(Reminder(f"tg:{i}", "checkin", float(i)))
    batches = await asyncio.gather(*(storage.claim_due(100.0, limit=7) for _ in range(6)))
    ids = [r.id for batch in batches for r in batch]
    assert len(ids) == len(set(ids)) == 30
