"""The ReminderQueue contract (leases, acks, purge) on memory, SQLite and real Redis."""

from __future__ import annotations

import asyncio

from bot.core.reminders import Reminder
from bot.storage.base import Storage
from tests.storage.conftest import Clock, make


async def claim_and_ack(storage: Storage, now: float, limit: int = 100) -> list[Reminder]:
    """What a scheduler that delivered everything it claimed would do."""
    claimed = await storage.reminders.claim_due(now, limit)
    for reminder in claimed:
        await storage.reminders.ack(reminder)
    return claimed


async def test_claim_returns_due_reminders_once_in_order(storage: Storage) -> None:
    queue = storage.reminders
    await queue.schedule(Reminder("tg:1", "checkin", 300.0))
    await queue.schedule(Reminder("tg:2", "compress_off", 100.0))
    await queue.schedule(Reminder("tg:1", "compress_off", 900.0))
    await queue.schedule(Reminder("tg:2", "compress_off", 100.0))  # same id: stored once
    due = await claim_and_ack(storage, 500.0)
    assert [(r.user, r.kind) for r in due] == [("tg:2", "compress_off"), ("tg:1", "checkin")]
    assert await queue.claim_due(500.0) == []
    assert [r.kind for r in await claim_and_ack(storage, 1000.0)] == ["compress_off"]


async def test_an_unacked_claim_is_delivered_again_after_its_lease(storage: Storage) -> None:
    """The process claimed "take the cold pack off", then crashed before sending it."""
    queue = storage.reminders
    off = Reminder("tg:1", "compress_off", 100.0)
    await queue.schedule(off)
    assert await queue.claim_due(200.0, lease=60.0) == [off]  # ...and no ack: a crash
    assert await queue.claim_due(259.0, lease=60.0) == []  # the lease still holds
    assert await queue.claim_due(261.0, lease=60.0) == [off]  # delivered again
    await queue.ack(off)
    assert await queue.claim_due(10_000.0) == []  # an ack ends it for good


async def test_cancel_by_kind_or_all(storage: Storage) -> None:
    queue = storage.reminders
    await queue.schedule(Reminder("tg:1", "checkin", 100.0))
    await queue.schedule(Reminder("tg:1", "compress_off", 100.0))
    await queue.schedule(Reminder("tg:2", "checkin", 100.0))
    await queue.cancel("tg:1", "checkin")
    assert sorted((r.user, r.kind) for r in await claim_and_ack(storage, 200.0)) == [
        ("tg:1", "compress_off"),
        ("tg:2", "checkin"),
    ]
    await queue.schedule(Reminder("tg:3", "checkin", 100.0))
    await queue.claim_due(200.0)  # leased, not acked: cancel still drops it
    await queue.cancel("tg:3")
    assert await queue.claim_due(10_000.0) == []


async def test_forget_removes_reminders_too(storage: Storage, clock: Clock) -> None:
    await storage.sessions.save(make("tg:9", clock))
    await storage.reminders.schedule(Reminder("tg:9", "checkin", 100.0))
    await storage.forget("tg:9")
    assert await storage.sessions.load("tg:9") is None
    assert await storage.reminders.claim_due(200.0) == []


async def test_purge_drops_reminders_of_expired_sessions(storage: Storage, clock: Clock) -> None:
    await storage.sessions.save(make("tg:old", clock))
    await storage.reminders.schedule(Reminder("tg:old", "checkin", clock.now + 4e6))
    clock.now += storage.sessions.retention + 1
    await storage.sessions.save(make("tg:new", clock))
    await storage.reminders.schedule(Reminder("tg:new", "checkin", clock.now + 100))
    await storage.purge()
    assert [r.user for r in await storage.reminders.claim_due(clock.now + 5e6)] == ["tg:new"]


async def test_concurrent_claims_never_share_a_reminder(storage: Storage) -> None:
    for i in range(30):
        await storage.reminders.schedule(Reminder(f"tg:{i}", "checkin", float(i)))
    batches = await asyncio.gather(*(storage.reminders.claim_due(100.0, 7) for _ in range(6)))
    ids = [r.id for batch in batches for r in batch]
    assert len(ids) == len(set(ids)) == 30
