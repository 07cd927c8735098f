"""Many bot processes, one Redis: interleaved and duplicated events, kills and outages."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.service import Conversations
from bot.storage.base import Storage
from bot.storage.redis import RedisSessions, open_redis
from tests.core.walk import CALM, CALM_PATH
from tests.json_chat import JsonBot
from tests.storage.redis_server import REDIS_URL, open_test_redis, redis_prefix

RETENTION = 30 * 86400.0
SCRIPT = list(CALM_PATH)  # the calm path, in order


@pytest.fixture
async def two_processes(engine: Engine) -> AsyncIterator[tuple[Conversations, Conversations]]:
    """Two services with separate Redis connections sharing one key prefix."""
    first = await open_test_redis(retention=RETENTION)
    second = await open_redis(REDIS_URL, prefix=redis_prefix(first), retention=RETENTION)
    try:
        yield Conversations(engine, first), Conversations(engine, second)
    finally:
        await second.close()
        await first.close()


async def test_interleaved_duplicated_events_across_two_processes(
    two_processes: tuple[Conversations, Conversations],
) -> None:
    a, b = two_processes
    rng = random.Random(7)
    injected = rejected = processed = 0

    async def person(n: int) -> None:
        nonlocal injected, rejected, processed
        user = f"tg:{n}"
        await rng.choice((a, b)).handle(user, Event(EventKind.START), event_id=f"u{n}-0")
        for step, (question, choice) in enumerate(SCRIPT, 1):
            event = Event(EventKind.CHOICE, choice, question)
            targets = [rng.choice((a, b))]
            if rng.random() < 0.5:  # a platform retry delivered to the other process too
                targets.append(b if targets[0] is a else a)
                injected += 1
            turns = await asyncio.gather(
                *(t.handle(user, event, event_id=f"u{n}-{step}") for t in targets)
            )
            rejected += sum(t.duplicate for t in turns)
            processed += sum(not t.duplicate for t in turns)

    await asyncio.gather(*(person(n) for n in range(20)))
    assert injected > 0 and rejected == injected
    assert processed == 20 * len(SCRIPT)
    for n in range(20):
        session = await a.storage.sessions.load(f"tg:{n}")
        assert session is not None
        assert [(x.question, x.choice) for x in session.answers] == SCRIPT  # nothing lost, no dup
        assert session.level == "self_care"


async def test_forget_leaves_nothing_in_redis(
    two_processes: tuple[Conversations, Conversations],
) -> None:
    a, b = two_processes
    await a.handle("tg:42", Event(EventKind.START))
    await b.handle("tg:42", Event(EventKind.TEXT, "I have a fever"))
    await a.handle("tg:42", Event(EventKind.FORGET))
    storage = a.storage.sessions
    assert isinstance(storage, RedisSessions)
    keys = [k async for k in storage.redis.scan_iter(match=f"{storage.prefix}*")]
    assert not [k for k in keys if "tg:42" in k]


def test_killed_process_and_another_one_continues(tmp_path: Path) -> None:
    prefix = f"backcheck-test:{uuid.uuid4().hex[:8]}:"
    env = {"REDIS_URL": REDIS_URL, "BACKCHECK_REDIS_PREFIX": prefix}
    first = JsonBot(**env)
    try:
        out = first.send({"user": "k", "command": "start"})
    except json.JSONDecodeError:
        first.proc.kill()
        pytest.skip("Redis not reachable for the subprocess")
    for _ in range(2):
        out = first.send({"user": "k", "choice": CALM[out["state"]]})
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(5)
    second = JsonBot(**env)
    again = second.send({"user": "k", "command": "help"})
    assert again["state"] == out["state"] == "rf_hospital"
    transport = second.send({"user": "k", "choice": "erection"})
    assert transport["state"] == "ed_transport"
    done = second.send({"user": "k", "choice": "can_travel"})
    assert done["outcome"]["level"] == "emergency_department"
    second.proc.communicate(timeout=10)
    assert second.proc.returncode == 0
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server binary")
async def test_redis_restart_loses_nothing_and_logs_once(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    cmd = [
        "redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
        "--appendonly", "yes", "--save", "", "--daemonize", "no",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)

    async def wait_up() -> Storage:
        for _ in range(100):
            try:
                return await open_redis(f"redis://127.0.0.1:{port}/0", retention=RETENTION)
            except Exception:
                await asyncio.sleep(0.05)
        raise AssertionError("redis-server did not start")

    storage = await wait_up()
    conv = Conversations(engine, storage)
    try:
        await conv.handle("tg:1", Event(EventKind.START))
        await conv.handle("tg:1", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
        server.send_signal(signal.SIGTERM)  # redis-server saves the AOF and exits
        server.wait(10)
        with caplog.at_level(logging.WARNING, logger="backcheck.service"):
            for _ in range(3):
                turn = await conv.handle(
                    "tg:1", Event(EventKind.CHOICE, "none_of_these", "rf_urine")
                )
                assert turn.unavailable
                assert "try again" in turn.replies[0].text
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and errors[0].exc_info is None
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        for _ in range(100):
            turn = await conv.handle("tg:1", Event(EventKind.CHOICE, "none_of_these", "rf_urine"))
            if not turn.unavailable:
                break
            await asyncio.sleep(0.05)
        assert turn.question == "rf_hospital"  # the saved step survived the restart
    finally:
        await storage.close()
        server.terminate()
        server.wait(10)
