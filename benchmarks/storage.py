"""Row 3: the real backends, SQLite (a file in a temp dir) and Redis (the real server).

Each backend gets three rows: load+save of realistic records (the workload's final sessions)
from many concurrent asyncio tasks, the full service step one event at a time (the latency a
person feels, which the targets are about), and the service step from many concurrent tasks
(the throughput a process gets). Users are split between tasks, so a task never waits for
another task's user lock: the contention measured is the backend's, not ours.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.core import RETENTION
from benchmarks.stats import Row, Stats, Timer, summarize
from benchmarks.workload import Step, Workload
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.session import Session
from bot.service import Conversations
from bot.storage.base import Storage

#: The same server the test suite uses (and the same variable to point elsewhere).
REDIS_URL = os.environ.get("BACKCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
Op = Callable[[int, Step], Awaitable[object]]
KINDS = {"load_save": "load+save", "service_1": "service step", "service_n": "service step"}


async def sqlite_rows(
    engine: Engine, workload: Workload, concurrency: int, latency_users: int
) -> list[Row]:
    """The SQLite rows, on a fresh file that is deleted afterwards."""
    from bot.storage.sqlite import SQLiteStorage

    with tempfile.TemporaryDirectory(prefix="backcheck-bench-") as tmp:
        store = await SQLiteStorage.open(Path(tmp) / "bench.db", retention=RETENTION)
        try:
            sizes = (concurrency, latency_users)
            return await _rows("sqlite", "SQLite", engine, store, workload, *sizes)
        finally:
            await store.close()


async def redis_rows(
    engine: Engine, workload: Workload, concurrency: int, latency_users: int
) -> list[Row]:
    """The Redis rows under a private key prefix that is deleted afterwards."""
    from bot.storage.redis import RedisStorage

    prefix = f"backcheck-bench:{uuid.uuid4().hex[:8]}:"
    try:
        store = await RedisStorage.open(REDIS_URL, prefix=prefix, retention=RETENTION)
    except StorageUnavailable as exc:
        return skipped_redis(f"not measured: Redis unreachable at {REDIS_URL} ({exc})")
    try:
        return await _rows("redis", "Redis", engine, store, workload, concurrency, latency_users)
    finally:
        keys = [key async for key in store.redis.scan_iter(match=f"{prefix}*", count=1000)]
        for i in range(0, len(keys), 1000):
            await store.redis.delete(*keys[i : i + 1000])
        await store.close()


def skipped_redis(why: str) -> list[Row]:
    """The Redis rows, marked as not measured."""
    return [
        Row.missing(f"storage.redis.{kind}", 3, f"Redis: {label}", why)
        for kind, label in KINDS.items()
    ]


async def _rows(
    key: str,
    name: str,
    engine: Engine,
    store: Storage,
    workload: Workload,
    concurrency: int,
    latency_users: int,
) -> list[Row]:
    for session in workload.final.values():  # realistic records to load and save
        record = Session.from_json(session.to_json())
        record.user, record.version = "ls:" + session.user, 0
        await store.save(record)

    async def load_save(i: int, step: Step) -> None:
        loaded = await store.load("ls:" + step.user)
        assert loaded is not None
        await store.save(loaded)

    conversations = Conversations(engine, store)

    def service(prefix: str) -> Op:
        async def step_op(i: int, step: Step) -> object:
            user, event_id = prefix + step.user, prefix + str(i)
            return await conversations.handle(user, step.event, event_id=event_id)

        return step_op

    return [
        Row.timed(
            f"storage.{key}.load_save",
            3,
            f"{name}: load+save",
            await _run(workload, concurrency, load_save),
            concurrency=concurrency,
        ),
        Row.timed(
            f"storage.{key}.service_1",
            3,
            f"{name}: service step",
            await _run(workload.head(latency_users), 1, service("s1:")),
            concurrency=1,
        ),
        Row.timed(
            f"storage.{key}.service_n",
            3,
            f"{name}: service step",
            await _run(workload, concurrency, service("sn:")),
            concurrency=concurrency,
        ),
    ]


async def _run(workload: Workload, concurrency: int, op: Op) -> Stats:
    """Split users over ``concurrency`` tasks; each task runs its users' steps in order."""
    lanes: list[list[tuple[int, Step]]] = [[] for _ in range(concurrency)]
    lane_of = {user: i % concurrency for i, user in enumerate(workload.users)}
    for i, step in enumerate(workload.steps):
        lanes[lane_of[step.user]].append((i, step))
    samples: list[int] = []
    clock = time.perf_counter_ns

    async def lane(work: list[tuple[int, Step]]) -> None:
        for i, step in work:
            start = clock()
            await op(i, step)
            samples.append(clock() - start)

    with Timer() as timer:
        await asyncio.gather(*(lane(work) for work in lanes))
    return summarize(samples, timer.seconds)
