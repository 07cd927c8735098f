"""The storage contract: one suite, every backend (memory, SQLite, real Redis)."""

from __future__ import annotations

import asyncio

import pytest

from bot.core.errors import ConcurrentUpdate
from bot.core.session import Answer, Session
from bot.storage.base import Storage
from tests.storage.conftest import Clock


def make(user: str = "tg:1", clock: Clock | None = None) -> Session:
    now = clock() if clock else 1_800_000_000.0
    return Session(
        user=user,
        state="rf_walk",
        answers=[
            Answer("rf_emergency", "none_of_these"),
            Answer("rf_urine", "burning", ("painful_urination",)),
        ],
        noted=["fever_or_chills"],
        locale="ru",
        region="ru",
        created_at=now,
        updated_at=now,
    )


async def test_load_of_unknown_user_is_none(storage: Storage) -> None:
    assert await storage.load("nobody") is None


async def test_save_then_load_round_trips(storage: Storage, clock: Clock) -> None:
    session = make(clock=clock)
    await storage.save(session)
    assert session.version == 1
    loaded = await storage.load("tg:1")
    assert loaded == session


async def test_stale_version_is_refused_not_overwritten(storage: Storage, clock: Clock) -> None:
    first = make(clock=clock)
    await storage.save(first)
    a, b = await storage.load("tg:1"), await storage.load("tg:1")
    assert a is not None and b is not None
    a.state = "rf_urine"
    await storage.save(a)
    b.state = "age"
    with pytest.raises(ConcurrentUpdate):
        await storage.save(b)
    loaded = await storage.load("tg:1")
    assert loaded is not None and loaded.state == "rf_urine" and loaded.version == 2


async def test_two_new_sessions_for_one_user_race_safely(storage: Storage, clock: Clock) -> None:
    await storage.save(make(clock=clock))
    with pytest.raises(ConcurrentUpdate):
        await storage.save(make(clock=clock))


async def test_delete_removes_the_user_only(storage: Storage, clock: Clock) -> None:
    await storage.save(make("tg:1", clock))
    await storage.save(make("tg:2", clock))
    await storage.delete("tg:1")
    assert await storage.load("tg:1") is None
    assert await storage.load("tg:2") is not None
    await storage.delete("tg:1")  # deleting twice is fine


async def test_sessions_expire_after_retention(storage: Storage, clock: Clock) -> None:
    await storage.save(make(clock=clock))
    clock.now += storage.retention - 60
    assert await storage.load("tg:1") is not None
    clock.now += 120
    assert await storage.load("tg:1") is None
    await storage.purge()
    fresh = make(clock=clock)
    await storage.save(fresh)  # a new conversation may replace an expired record
    assert (await storage.load("tg:1")) == fresh


async def test_purge_counts_expired_sessions(storage: Storage, clock: Clock) -> None:
    await storage.save(make("old", clock))
    clock.now += storage.retention + 1
    await storage.save(make("new", clock))
    assert await storage.purge() >= 1
    assert await storage.load("new") is not None


async def test_seen_events(storage: Storage) -> None:
    assert not await storage.seen("tg-update:1")
    await storage.remember("tg-update:1")
    assert await storage.seen("tg-update:1")
    assert not await storage.seen("tg-update:2")


async def test_lock_serialises_one_user_but_not_others(storage: Storage) -> None:
    order: list[str] = []

    async def hold(user: str, tag: str, gate: asyncio.Event | None = None) -> None:
        async with storage.lock(user):
            order.append(f"{tag}+")
            if gate is not None:
                await gate.wait()
            await asyncio.sleep(0)
            order.append(f"{tag}-")

    gate = asyncio.Event()
    first = asyncio.create_task(hold("u", "a", gate))
    await asyncio.sleep(0.01)
    second = asyncio.create_task(hold("u", "b"))
    other = asyncio.create_task(hold("v", "c"))
    await asyncio.wait_for(other, 2)  # another user is not blocked
    gate.set()
    await asyncio.wait_for(asyncio.gather(first, second), 2)
    assert order.index("a-") < order.index("b+")


async def test_saved_record_is_small(storage: Storage, clock: Clock) -> None:
    session = make(clock=clock)
    assert len(session.to_json().encode()) < 1024
    await storage.save(session)


async def plant_garbage(storage: Storage, user: str) -> None:
    """Write an unreadable record the way each backend stores one (a hand edit, a bad disk)."""
    from bot.storage.memory import MemoryStorage
    from bot.storage.redis import RedisStorage
    from bot.storage.sqlite import SQLiteStorage

    if isinstance(storage, MemoryStorage):
        storage.records[user] = (3, '{"s": 1, "u": "x", "a": [[')
    elif isinstance(storage, SQLiteStorage):
        await storage.db.execute(
            "INSERT INTO sessions (user, version, updated_at, data) VALUES (?, 3, ?, 'garbage')",
            (user, storage.clock()),
        )
    elif isinstance(storage, RedisStorage):
        await storage.redis.hset(storage._key("s", user), mapping={"v": 3, "d": "[]", "t": 0})


async def test_an_unreadable_record_is_reported_not_crashed_on(storage: Storage) -> None:
    from bot.core.errors import CorruptRecord

    await plant_garbage(storage, "tg:13")
    with pytest.raises(CorruptRecord):
        await storage.load("tg:13")
    await storage.delete("tg:13")
    assert await storage.load("tg:13") is None


async def test_local_locks_forget_users_nobody_holds() -> None:
    """A lock entry per user ever seen would grow forever: entries go when released."""
    from bot.storage.base import LocalLocks

    locks = LocalLocks()
    async with locks("a"):
        async with asyncio.timeout(1):
            waiter = asyncio.create_task(_hold(locks, "a"))
            await asyncio.sleep(0)
            assert len(locks) == 1
    await waiter
    assert len(locks) == 0


async def _hold(locks: object, user: str) -> None:
    async with locks(user):  # type: ignore[operator]
        pass
