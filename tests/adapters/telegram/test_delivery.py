"""Update delivery by polling: confirmed once stored, replayed after a crash, presses
answered first, load shed.

Real python-telegram-bot against the fake Bot API; the "slow step" is the real service
held at a gate, so what Telegram was told can be checked while a step is still running.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot as TelegramBot

from bot.adapters.telegram import delivery
from bot.app import open_storage
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.messages import Event
from bot.service import Conversations, Turn
from bot.settings import Settings
from bot.storage.base import LEASE, Parcel
from bot.storage.memory import MemoryInbox
from tests.adapters.conftest import Bot, Person, make_settings, plain, question_id, running
from tests.fakes.telegram_api import FakeTelegram


class Gated(Conversations):
    """The real service, but the named user's steps wait until ``gate`` opens."""

    def __init__(self, base: Conversations, user: str) -> None:
        super().__init__(base.engine, base.storage, base.metrics)
        self.user = user
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def handle(self, user: str, event: Event, **options: Any) -> Turn:
        if user == self.user:
            self.waiting.set()
            await self.gate.wait()
        return await super().handle(user, event, **options)


@asynccontextmanager
async def alice_gated(
    settings: Settings, tg: FakeTelegram, engine: Engine
) -> AsyncIterator[tuple[Bot, Gated, Person]]:
    """A running bot whose steps for Alice (``tg:1001``) wait at a gate, closed at first."""
    async with running(settings, tg, engine) as bot:
        gated = Gated(bot.app.conversations, "tg:1001")
        bot.adapter.conversations = gated
        yield bot, gated, Person(tg, tg.make_user(1001, "Alice", "alice"))


async def until(condition: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_an_update_is_confirmed_once_stored_and_leaves_the_inbox_once_applied(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    async with alice_gated(make_settings(tg, tmp_path), tg, app_engine) as (bot, gated, alice):
        inbox = bot.app.conversations.inbox
        bob = Person(tg, tg.make_user(1002, "Bob", "bob"))
        held = alice.say("/start")
        await gated.waiting.wait()
        bob.say("/start")
        await bob.replies()  # a held step holds back nobody else's
        await until(lambda: not tg.pending_updates)  # both confirmed to Telegram...
        await asyncio.sleep(delivery.DONE_EVERY * 3)
        stored = await inbox.claim(float("inf"))
        assert [p.id for p in stored] == [f"tg:{held['update_id']}"], "...alice's kept"
        assert json.loads(stored[0].body)["message"]["text"] == "/start"

        gated.gate.set()
        await alice.replies()
        await asyncio.sleep(delivery.DONE_EVERY * 3)
        assert await inbox.claim(float("inf")) == [], "applied, so dropped"


async def test_what_a_crash_left_in_the_inbox_is_applied_at_start_up(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    """The batch was stored and confirmed, then the process died before the step."""
    settings = make_settings(tg, tmp_path)
    alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
    tg.register_chat(tg.private_chat(alice.user), alice.user)
    update = tg.make_message_update("/start", user=alice.user)
    update["update_id"] = 777
    storage = await open_storage(settings)
    await storage.inbox.put([Parcel("tg:777", json.dumps(update))], time.time())
    await storage.close()

    async with running(settings, tg, app_engine) as bot:
        _, question = await alice.replies()
        assert question_id(question) == "rf_emergency"
        await until(lambda: bot.adapter._intake is not None)
        await asyncio.sleep(delivery.DONE_EVERY * 3)
        assert await bot.app.conversations.inbox.claim(float("inf")) == []
        session = await bot.app.conversations.storage.sessions.load("tg:1001")
        assert session is not None and "tg:777" in session.handled


async def test_a_press_is_answered_before_its_messages_and_past_flood_control(
    bot: Bot, tg: FakeTelegram
) -> None:
    alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
    bob = Person(tg, tg.make_user(1002, "Bob", "bob"))
    alice.say("/start")
    _, question = await alice.replies()

    tg.fail_next("sendMessage", code=429, retry_after=1)  # PTB's limiter pauses every send
    bob.say("/start")
    await tg.wait_for_call("sendMessage", lambda c: not c.ok)
    alice.tap(question, "none_of_these")
    ack = await tg.wait_for_call("answerCallbackQuery")
    await bob.replies()
    edit = await tg.wait_for_call("editMessageText")  # the question becomes the next one
    assert ack.at < edit.at, "the answer goes before the press's messages"
    bobs = [
        c for c in tg.calls if c.method == "sendMessage" and c.ok and c.params["chat_id"] == 1002
    ]
    assert ack.at < min(c.at for c in bobs), "the answer did not wait out another's 429"


async def test_a_press_whose_step_is_slow_or_queued_has_its_spinner_stopped_anyway(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    async with alice_gated(make_settings(tg, tmp_path), tg, app_engine) as (bot, gated, alice):
        gated.gate.set()
        alice.say("/start")
        _, question = await alice.replies()

        gated.gate.clear()  # her step hangs (a slow disk, a burst ahead of her)
        alice.tap(question, "none_of_these")
        ack = await tg.wait_for_call("answerCallbackQuery", timeout=delivery.ACK_AFTER + 2)
        assert "text" not in ack.params
        session = await bot.app.conversations.storage.sessions.load("tg:1001")
        assert session is not None and session.answers == [], "stopped before the step"
        gated.gate.set()
        await tg.wait_for_call("editMessageText")  # the step still happens, once
        await tg.expect_no_call("answerCallbackQuery")  # and the spinner was stopped once


async def test_presses_beyond_the_bound_get_busy_and_change_nothing(
    bot: Bot, tg: FakeTelegram
) -> None:
    alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
    alice.say("/start")
    _, question = await alice.replies()
    intake = bot.adapter._intake
    assert isinstance(intake, delivery.Poller)
    intake.dispatcher.limit = 0

    alice.tap(question, "none_of_these")
    ack = await tg.wait_for_call("answerCallbackQuery")
    busy = bot.app.conversations.engine.catalog.text("telegram.busy", "en")
    assert ack.params["text"] == busy
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None and session.answers == []

    intake.dispatcher.limit = 10
    alice.say("/help")  # typed text is never shed; and the bot still answers
    help_text, again = await alice.replies()
    assert plain(help_text)
    assert question_id(again) == "rf_emergency"


def test_work_in_flight_stays_below_the_open_file_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource, "getrlimit", lambda _: (256, 4096))
    assert delivery.in_flight_limit(1000) == (256 - delivery.RESERVED_FILES) // 2
    monkeypatch.setattr(resource, "getrlimit", lambda _: (1 << 20, 1 << 20))
    assert delivery.in_flight_limit(1000) == 1000


async def test_a_crashed_workers_updates_are_replayed_once_their_lease_runs_out() -> None:
    """A shared inbox (Redis): another worker stored these and died before applying them."""
    inbox = MemoryInbox()
    inbox.local = False
    applied: list[int] = []

    async def process(job: delivery.Job) -> None:
        applied.append(job.update_id)

    async def shed(job: delivery.Job) -> None:
        raise AssertionError("nothing is shed here")

    clock = [1_000.0]
    dispatcher = delivery.Dispatcher(
        TelegramBot("123:abc"), inbox, process, shed, clock=lambda: clock[0]
    )
    updates = [{"update_id": n, "message": {"message_id": n, "date": 0}} for n in (12, 11)]
    await inbox.put([Parcel(f"tg:{u['update_id']}", json.dumps(u)) for u in updates], 900.0)
    assert await dispatcher.replay() == 0, "still the other worker's"
    clock[0] = 900.0 + LEASE + 1
    assert await dispatcher.replay() == 2
    assert await dispatcher.drain()
    assert applied == [11, 12], "in Telegram's order"
    await dispatcher.close()
    assert inbox.items == {}, "applied, so dropped"


async def test_an_update_stays_stored_until_sent_and_only_a_chats_last_replay_resends() -> None:
    """A step is saved (settled) before its messages go out: a crash between them must find
    the update still in the inbox. Replayed, only the chat's last update asks for its step's
    messages again; an earlier one's would only repeat a question the later step shows."""
    inbox = MemoryInbox()
    sending = asyncio.Event()
    resends: dict[int, bool] = {}

    async def process(job: delivery.Job) -> None:
        resends[job.update_id] = delivery.replaying()
        delivery.settle()  # the step is saved...
        if job.update_id == 1:
            await sending.wait()  # ...and its messages wait for the rate limiter

    async def shed(job: delivery.Job) -> None:
        raise AssertionError("nothing is shed here")

    dispatcher = delivery.Dispatcher(TelegramBot("123:abc"), inbox, process, shed)
    first = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5}}}
    await dispatcher.take([(first, json.dumps(first))])
    await asyncio.sleep(delivery.DONE_EVERY * 3)
    assert list(inbox.items) == ["tg:1"], "settled, but its messages are not out yet"
    sending.set()
    assert await dispatcher.drain()
    await asyncio.sleep(delivery.DONE_EVERY * 3)
    assert inbox.items == {}, "sent, so dropped"
    assert resends == {1: False}, "taken fresh: nothing to send again"

    chat = {"id": 6}
    left = [{"update_id": n, "message": {"message_id": n, "date": 0, "chat": chat}} for n in (7, 8)]
    await inbox.put([Parcel(f"tg:{u['update_id']}", json.dumps(u)) for u in left], time.time())
    assert await dispatcher.replay(start_up=True) == 2
    assert await dispatcher.drain()
    assert resends[7] is False and resends[8] is True
    await dispatcher.close()


async def test_a_failed_delete_webhook_at_start_up_is_tried_again_not_a_crash(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    tg.drop_next("deleteWebhook")  # the Bot API out of reach for a moment
    async with running(make_settings(tg, tmp_path), tg, app_engine):
        alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
        alice.say("/start")
        await alice.replies()
    assert [c.ok for c in tg.calls if c.method == "deleteWebhook"] == [True]
    assert any("deleteWebhook failed" in r.getMessage() for r in caplog.records)


class CountingInbox(MemoryInbox):
    """The memory inbox, counting its writes; ``failing`` makes the next one fail."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[list[str]] = []
        self.failing = False

    async def put(self, parcels: Sequence[Parcel], now: float, lease: float = LEASE) -> None:
        self.writes.append([p.id for p in parcels])
        if self.failing:
            raise StorageUnavailable("the disk is full")
        await super().put(parcels, now, lease)


async def test_webhook_updates_arriving_together_share_one_inbox_write() -> None:
    inbox = CountingInbox()
    applied: list[int] = []

    async def process(job: delivery.Job) -> None:
        applied.append(job.update_id)

    async def shed(job: delivery.Job) -> None:
        raise AssertionError("nothing is shed here")

    dispatcher = delivery.Dispatcher(TelegramBot("123:abc"), inbox, process, shed)
    updates = [{"update_id": n, "message": {"message_id": n, "date": 0}} for n in (1, 2, 2)]
    taken = await asyncio.gather(
        *(dispatcher.take([(u, json.dumps(u))], webhook=True) for u in updates)
    )
    assert inbox.writes == [["tg:1", "tg:2"]], "one write, the resent update once"
    assert taken[1][0] is taken[2][0], "the resent update joins its job"
    assert await dispatcher.drain()
    assert sorted(applied) == [1, 2]

    inbox.failing = True
    results = await asyncio.gather(
        *(
            dispatcher.take([(u, json.dumps(u))], webhook=True)
            for u in ({"update_id": 3}, {"update_id": 4})
        ),
        return_exceptions=True,
    )
    assert all(isinstance(r, StorageUnavailable) for r in results), "none stored: all 503"
    assert inbox.writes[-1] == ["tg:3", "tg:4"] and sorted(applied) == [1, 2]
    await dispatcher.close()
