"""Row 3: the real backends, SQLite (a file in a temp dir) and Redis (the real server).

Each backend gets three rows: load+save of realistic records (the workload's final sessions)
from many concurrent asyncio tasks, the full service step one event at a time (the latency a
person feels, which the targets are about), and the service step from many concurrent tasks
(the throughput a process gets). Users are split between tasks, so a task never waits for
another task's user lock: the contention measured is the backend's, not ours.

SQLite runs its statements on the event loop (no thread hop), so it gets three more rows: a
load and a save one at a time, next to the same two through aiosqlite (the design it
replaced, measured here when aiosqlite is installed), and the worst event-loop stall seen
while service steps, forgets (each with a log checkpoint), a retention purge and reminder
claims run together.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from benchmarks.core import RETENTION
from benchmarks.stats import Row, Stats, Timer, summarize
from benchmarks.workload import Step, Workload
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.messages import Event, EventKind
from bot.core.session import Session
from bot.service import Conversations
from bot.storage.base import Storage, decode

#: The same server the test suite uses (and the same variable to point elsewhere).
REDIS_URL = os.environ.get("BACKCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
Op = Callable[[int, Step], Awaitable[object]]
KINDS = {"load_save": "load+save", "service_1": "service step", "service_n": "service step"}


async def sqlite_rows(
    engine: Engine, workload: Workload, concurrency: int, latency_users: int
) -> list[Row]:
    """The SQLite rows, on a fresh file that is deleted afterwards."""
    from bot.storage.sqlite import open_sqlite

    with tempfile.TemporaryDirectory(prefix="backcheck-bench-") as tmp:
        store = await open_sqlite(Path(tmp) / "bench.db", retention=RETENTION)
        try:
            sizes = (concurrency, latency_users)
            rows = await _rows("sqlite", "SQLite", engine, store, workload, *sizes)
            rows += await _per_op(store, workload, Path(tmp) / "bench.db")
            rows.append(await _stall(engine, store, workload, concurrency))
            return rows
        finally:
            await store.close()


async def redis_rows(
    engine: Engine, workload: Workload, concurrency: int, latency_users: int
) -> list[Row]:
    """The Redis rows under a private key prefix that is deleted afterwards."""
    from bot.storage.redis import RedisSessions, open_redis

    prefix = f"backcheck-bench:{uuid.uuid4().hex[:8]}:"
    try:
        store = await open_redis(REDIS_URL, prefix=prefix, retention=RETENTION)
    except StorageUnavailable as exc:
        return skipped_redis(f"not measured: Redis unreachable at {REDIS_URL} ({exc})")
    try:
        return await _rows("redis", "Redis", engine, store, workload, concurrency, latency_users)
    finally:
        assert isinstance(store.sessions, RedisSessions)
        client = store.sessions.redis
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=1000)]
        for i in range(0, len(keys), 1000):
            await client.delete(*keys[i : i + 1000])
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
        await store.sessions.save(record)

    async def load_save(i: int, step: Step) -> None:
        loaded = await store.sessions.load("ls:" + step.user)
        assert loaded is not None
        await store.sessions.save(loaded)

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


async def _per_op(store: Storage, workload: Workload, path: Path) -> list[Row]:
    """A session load and a save one at a time: on the loop, then through aiosqlite."""
    users = ["ls:" + user for user in workload.users]
    rows = [
        Row.timed(f"storage.sqlite.{op}", 3, f"SQLite on the loop: one {op}", stats, concurrency=1)
        for op, stats in (await _load_then_save(store.sessions, users)).items()
    ]
    try:
        import aiosqlite  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        why = "not measured: aiosqlite is not installed (pip install aiosqlite)"
        return rows + [
            Row.missing(f"storage.aiosqlite.{op}", 3, f"aiosqlite (before): one {op}", why)
            for op in ("load", "save")
        ]
    async with aiosqlite.connect(path, isolation_level=None) as db:
        await db.execute("PRAGMA synchronous=NORMAL")
        timed = await _load_then_save(_AiosqliteSessions(db), users)
    return rows + [
        Row.timed(
            f"storage.aiosqlite.{op}", 3, f"aiosqlite (before): one {op}", stats, concurrency=1
        )
        for op, stats in timed.items()
    ]


class _Loads(Protocol):
    async def load(self, user: str) -> Session | None: ...

    async def save(self, session: Session) -> None: ...


class _AiosqliteSessions:
    """The session load and save exactly as they were before, through aiosqlite."""

    def __init__(self, db: Any) -> None:
        self.db = db

    async def load(self, user: str) -> Session | None:
        rows = await self.db.execute_fetchall(
            "SELECT version, data FROM sessions WHERE user = ? AND updated_at >= ?",
            (user, time.time() - RETENTION),
        )
        row = next(iter(rows), None)
        return None if row is None else decode(user, row[1], int(row[0]))

    async def save(self, session: Session) -> None:
        await self.db.execute(
            "UPDATE sessions SET version = ?, updated_at = ?, data = ? "
            "WHERE user = ? AND version = ?",
            (session.version + 1, session.updated_at, session.to_json(), session.user,
             session.version),
        )  # fmt: skip
        session.version += 1


async def _load_then_save(sessions: _Loads, users: list[str], rounds: int = 5) -> dict[str, Stats]:
    clock = time.perf_counter_ns
    samples: dict[str, list[int]] = {"load": [], "save": []}
    started = time.perf_counter()
    for _ in range(rounds):
        for user in users:
            start = clock()
            session = await sessions.load(user)
            middle = clock()
            assert session is not None
            await sessions.save(session)
            samples["load"].append(middle - start)
            samples["save"].append(clock() - middle)
    wall = time.perf_counter() - started
    return {op: summarize(ns, wall / 2) for op, ns in samples.items()}


async def _stall(engine: Engine, store: Storage, workload: Workload, concurrency: int) -> Row:
    """The longest the loop was held by one callback, under a mixed SQLite load.

    Every callback the loop runs is timed (wall and the loop thread's own CPU) while service
    steps run from ``concurrency`` tasks, every 20th step is a /forget (which checkpoints
    the log), a purge deletes 3,000 expired sessions, and reminders are claimed and acked.
    A callback that waited on the disk would show as wall time without CPU time.
    """
    from bot.core.reminders import Reminder

    expired = time.time() - 2 * RETENTION
    for n in range(3000):
        await store.sessions.save(Session(user=f"old:{n}", created_at=expired, updated_at=expired))
    for n in range(500):
        await store.reminders.schedule(Reminder(f"st:{n}", "checkin", float(n)))
    conversations = Conversations(engine, store)

    async def background() -> None:
        await store.purge()
        for _ in range(10):
            for reminder in await store.reminders.claim_due(time.time(), limit=50):
                await store.reminders.ack(reminder)

    async def step_op(i: int, step: Step) -> object:
        await asyncio.sleep(0)  # each event arrives on its own, as from a socket
        user = "stall:" + step.user
        if i % 20 == 19:
            return await conversations.handle(user, Event(EventKind.FORGET))
        return await conversations.handle(user, step.event, event_id=f"stall:{i}")

    with _CallbackTimer() as callbacks, Timer() as timer:
        await asyncio.gather(_run(workload, concurrency, step_op), background())
    stats = summarize(callbacks.wall, timer.seconds)
    worst, worst_cpu = max(callbacks.wall) / 1000.0, max(callbacks.cpu) / 1000.0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return Row(
        "storage.sqlite.stall",
        3,
        "SQLite on the loop: longest loop stall",
        n=stats.n,
        p50_us=stats.p50_us,
        p99_us=stats.p99_us,
        value=worst,
        unit="µs",
        notes=[
            f"longest callback {worst:,.0f} µs wall, {worst_cpu:,.0f} µs of the loop's own CPU"
            " (wall beyond CPU: the loop thread was not running, because other processes"
            " ran or the kernel held a write behind the checkpoint thread's fsync;"
            f" load average {load:.1f});"
            f" {stats.n:,} callbacks over {timer.seconds:.1f} s of service steps, forgets with"
            " checkpoints, a purge of 3,000 sessions and reminder claims"
        ],
    )


class _CallbackTimer:
    """Times every callback the event loop runs (``asyncio.Handle._run``), for one block."""

    def __init__(self) -> None:
        self.wall: list[int] = []
        self.cpu: list[int] = []
        self._original = asyncio.Handle._run

    def __enter__(self) -> _CallbackTimer:
        original, wall, cpu = self._original, self.wall, self.cpu

        def timed(handle: asyncio.Handle) -> None:
            start, used = time.perf_counter_ns(), time.thread_time_ns()
            original(handle)
            wall.append(time.perf_counter_ns() - start)
            cpu.append(time.thread_time_ns() - used)

        asyncio.Handle._run = timed  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.Handle._run = self._original  # type: ignore[method-assign]


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
