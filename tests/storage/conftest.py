"""Every storage backend behind one fixture, so the contract suite runs against each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.storage.base import Storage
from bot.storage.memory import MemoryStorage
from bot.storage.sqlite import SQLiteStorage


class Clock:
    """A clock the test moves by hand: retention is tested without sleeping."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


BACKENDS = ["memory", "sqlite", "redis"]


async def open_backend(name: str, tmp_path: Path, clock: Callable[[], float]) -> Storage:
    retention = 30 * 86400.0
    if name == "memory":
        return MemoryStorage(retention=retention, clock=clock)
    if name == "sqlite":
        return await SQLiteStorage.open(tmp_path / "s.db", retention=retention, clock=clock)
    from tests.storage.redis_server import open_test_redis

    return await open_test_redis(retention=retention, clock=clock)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=BACKENDS)
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, clock: Clock
) -> AsyncIterator[Storage]:
    backend = await open_backend(request.param, tmp_path, clock)
    try:
        yield backend
    finally:
        await backend.close()
