"""The runner's own pieces: reminder delivery by platform, retention that survives outages."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import App, purge_forever
from bot.core.errors import StorageUnavailable
from bot.core.messages import Reply, ReplyKind
from bot.runner import Delivery
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
