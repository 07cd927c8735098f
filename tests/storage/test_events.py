"""The EventLog contract on every backend."""

from __future__ import annotations

from bot.storage.base import SeenEvents, Storage


async def test_seen_events(storage: Storage) -> None:
    events = storage.events
    assert not await events.seen("tg-update:1")
    await events.remember("tg-update:1")
    assert await events.seen("tg-update:1")
    assert not await events.seen("tg-update:2")
    await events.remember("tg-update:1")  # remembering twice is fine
    assert await events.seen("tg-update:1")


async def test_the_in_memory_log_is_bounded_oldest_first() -> None:
    events = SeenEvents(size=3)
    for n in range(5):
        await events.remember(f"e{n}")
    assert [await events.seen(f"e{n}") for n in range(5)] == [False, False, True, True, True]
