"""The runner's own pieces: reminder delivery by platform, retention that survives outages,
and settling the process once it serves."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from bot.app import App, purge_forever, settle
from bot.core.errors import StorageUnavailable
from bot.core.messages import Reply, ReplyKind
from bot.runner import Delivery, run
from bot.settings import Settings


class FakeAdapter:
    def __init__(self, name: str, prefix: str) -> None:
        self.name, self.user_prefix = name, prefix
        self.sent: list[str] = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def deliver(self, user: str, replies: list[Reply]) -> bool:
        self.sent.append(user)
        return True


async def test_delivery_goes_to_the_platform_of_the_user_key() -> None:
    tg, dc = FakeAdapter("telegram", "tg:"), FakeAdapter("discord", "dc:")
    deliver = Delivery([tg, dc])
    reply = [Reply(ReplyKind.INFO, "k", "text")]
    assert await deliver("tg:1", reply) and await deliver("dc:2", reply)
    assert not await deliver("cli:u1", reply)  # a terminal user cannot be messaged later
    assert (tg.sent, dc.sent) == (["tg:1"], ["dc:2"])


def test_reminders_name_commands_as_the_users_platform_does() -> None:
    tg, dc = FakeAdapter("telegram", "tg:"), FakeAdapter("discord", "dc:")
    dc.commands = {"start": "/backpain"}  # type: ignore[attr-defined]
    deliver = Delivery([tg, dc])
    assert deliver.commands("dc:2") == {"start": "/backpain"}
    assert deliver.commands("tg:1") is None and deliver.commands("cli:u") is None


async def test_retention_purge_survives_an_outage(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = await App.open(Settings(_env_file=None, BACKCHECK_DB=tmp_path / "p.db"))  # type: ignore[call-arg]
    calls = 0
    done = asyncio.Event()
    real_purge = app.conversations.storage.sessions.purge

    async def flaky_purge() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise StorageUnavailable("down")
        done.set()
        return await real_purge()

    app.conversations.storage.sessions.purge = flaky_purge  # type: ignore[method-assign]
    task = asyncio.create_task(purge_forever(app, every=0.0))
    await asyncio.wait_for(done.wait(), 5)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await app.close()
    assert calls >= 2 and "retention purge failed" in caplog.text


@pytest.mark.usefixtures("_restore_logging")
async def test_the_process_is_settled_only_once_it_serves(tmp_path: Path) -> None:
    stop = asyncio.Event()
    seen: list[bool] = []

    def serving() -> None:  # what ``backcheck run`` passes: bot.app.settle
        seen.append(stop.is_set())
        stop.set()

    settings = Settings(_env_file=None, BACKCHECK_DB=tmp_path / "s.db", BACKCHECK_FOLLOWUPS=False)  # type: ignore[call-arg]
    assert await asyncio.wait_for(run(settings, stop, serving=serving), 10) == 0
    assert seen == [False]


def test_settling_freezes_what_start_up_built() -> None:
    """Frozen objects are skipped by every later collection; new ones are still collected."""
    gc.unfreeze()
    kept = [object() for _ in range(10)]
    try:
        settle()
        assert gc.get_freeze_count() >= len(kept)
        garbage: list[object] = []
        garbage.append(garbage)  # a cycle made after start-up
        del garbage
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
