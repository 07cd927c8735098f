"""Every storage backend behind one fixture, so each role's contract suite runs against each."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.core.session import Answer, Session
from bot.storage.base import Storage
from bot.storage.memory import open_memory
from bot.storage.sqlite import open_sqlite


class Clock:
    """A clock the test moves by hand: retention is tested without sleeping."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


BACKENDS = ["memory", "sqlite", "redis"]
RETENTION = 30 * 86400.0


async def open_backend(name: str, tmp_path: Path, clock: Callable[[], float]) -> Storage:
    if name == "memory":
        return open_memory(retention=RETENTION, clock=clock)
    if name == "sqlite":
        return await open_sqlite(tmp_path / "s.db", retention=RETENTION, clock=clock)
    from tests.storage.redis_server import open_test_redis

    return await open_test_redis(retention=RETENTION, clock=clock)


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


def make(user: str = "tg:1", clock: Clock | None = None) -> Session:
    """A realistic mid-check session (typed and pressed findings, non-default locale)."""
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
        country="RU",
        created_at=now,
        updated_at=now,
    )
