"""/forget on Redis leaves no copy in the append-only file: the file is rewritten after forgets,
at most once a minute (later forgets are covered by one rewrite at the end of the minute)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.service import Conversations
from bot.storage.base import Storage
from bot.storage.redis import AofRewrites, RedisSessions, open_redis
from tests.storage.test_redis_multi import free_port

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")


@pytest.fixture
async def aof_redis(tmp_path: Path) -> AsyncIterator[tuple[Storage, Path]]:
    """A private redis-server writing an append-only file into ``tmp_path``."""
    port = free_port()
    cmd = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
        "--appendonly", "yes", "--save", "", "--daemonize", "no",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                storage = await open_redis(f"redis://127.0.0.1:{port}/0", retention=86400.0)
                break
            except Exception:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("redis-server did not start")
        yield storage, tmp_path
        await storage.close()
    finally:
        server.terminate()
        server.wait(10)


def files_contain(folder: Path, needle: bytes) -> bool:
    return any(needle in p.read_bytes() for p in folder.rglob("*") if p.is_file())


async def rewritten(storage: Storage) -> None:
    """Wait for the rewrite this storage requested, and for Redis to finish it."""
    rewrites = getattr(storage.scrub, "__self__", None)
    assert isinstance(rewrites, AofRewrites) and rewrites._task is not None
    await asyncio.wait_for(rewrites._task, 10)
    assert rewrites.requested == 1
    assert isinstance(storage.sessions, RedisSessions)
    client = storage.sessions.redis
    for _ in range(200):
        info = await client.info("persistence")
        if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the AOF rewrite did not finish")


async def test_forget_rewrites_the_append_only_file(
    engine: Engine, aof_redis: tuple[Storage, Path]
) -> None:
    storage, folder = aof_redis
    conv = Conversations(engine, storage)
    await conv.handle("tg:818181", Event(EventKind.START))
    await conv.handle("tg:818181", Event(EventKind.TEXT, "I have a fever"))
    await conv.handle("tg:31337", Event(EventKind.START))
    await asyncio.sleep(1.1)  # appendfsync everysec: the writes reach the file
    assert files_contain(folder, b"fever_or_chills")
    await conv.handle("tg:818181", Event(EventKind.FORGET))
    await rewritten(storage)
    assert not files_contain(folder, b"fever_or_chills")
    assert not files_contain(folder, b"818181")
    assert files_contain(folder, b"31337")  # the others are still there


class Fake:
    """A Redis stand-in counting BGREWRITEAOF requests (the rate limit is ours, not Redis's)."""

    def __init__(self) -> None:
        self.calls = 0

    async def config_get(self, name: str) -> dict[str, str]:
        return {"appendonly": "yes"}

    async def bgrewriteaof(self) -> bool:
        self.calls += 1
        return True


async def test_rewrites_are_rate_limited_and_none_is_skipped() -> None:
    now = [1000.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)
        now[0] += seconds

    fake = Fake()
    rewrites = AofRewrites(fake, every=60.0, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    await rewrites.request()  # a forget: rewritten a moment later
    assert rewrites._task is not None
    await asyncio.wait_for(rewrites._task, 5)
    assert fake.calls == 1 and waited == [1.0]
    for _ in range(5):  # a burst of forgets: one more rewrite, a minute after the first one
        await rewrites.request()
    await asyncio.wait_for(rewrites._task, 5)
    assert fake.calls == 2 and waited == [1.0, 60.0]
    await rewrites.close()
    assert fake.calls == 2  # nothing left to rewrite at shutdown
