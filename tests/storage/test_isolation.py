"""The Isolation contract on every backend: one event per user at a time."""

from __future__ import annotations

import asyncio

from bot.storage.base import LocalLocks, Storage


async def test_lock_serialises_one_user_but_not_others(storage: Storage) -> None:
    order: list[str] = []

    async def hold(user: str, tag: str, gate: asyncio.Event | None = None) -> None:
        async with storage.isolation.lock(user):
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


async def test_local_locks_forget_users_nobody_holds() -> None:
    """A lock entry per user ever seen would grow forever: entries go when released."""
    locks = LocalLocks()
    async with locks.lock("a"):
        async with asyncio.timeout(1):
            waiter = asyncio.create_task(_hold(locks, "a"))
            await asyncio.sleep(0)
            assert len(locks) == 1
    await waiter
    assert len(locks) == 0


async def _hold(locks: LocalLocks, user: str) -> None:
    async with locks.lock(user):
        pass
