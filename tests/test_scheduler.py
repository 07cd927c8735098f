"""Follow-ups end to end (engine, service, storage, scheduler) with a controllable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.content import Catalog
from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.flow.model import Flow
from bot.core.messages import Event, EventKind, Reply
from bot.core.redflags.detector import RedFlagDetector
from bot.core.reminders import HOUR, MINUTE, QuietHours, Reminder
from bot.scheduler import Scheduler
from bot.service import Conversations
from bot.storage.base import Storage
from bot.storage.memory import MemoryReminders, open_memory
from bot.storage.sqlite import open_sqlite
from tests.conftest import CONTENT
from tests.core.walk import CALM
from tests.storage.conftest import BACKENDS, Clock, open_backend

NOON = datetime(2027, 3, 1, 12, 0, tzinfo=UTC).timestamp()


class Inbox:
    """Where the scheduler delivers: what each user would see on their phone."""

    def __init__(self) -> None:
        self.messages: dict[str, list[Reply]] = {}

    async def __call__(self, user: str, replies: list[Reply]) -> bool:
        self.messages.setdefault(user, []).extend(replies)
        return True

    def last(self, user: str) -> Reply:
        return self.messages[user][-1]


class Rig:
    """A service, a scheduler and an inbox sharing one hand-moved clock."""

    def __init__(self, engine: Engine, storage: Storage, clock: Clock) -> None:
        self.clock = clock
        self.conv = Conversations(engine, storage)
        self.inbox = Inbox()
        self.scheduler = Scheduler(self.conv, self.inbox, clock=clock)

    async def send(
        self, user: str, kind: EventKind, value: str | None = None, q: str | None = None
    ) -> list[Reply]:
        return (await self.conv.handle(user, Event(kind, value, q))).replies

    async def finish_triage(self, user: str, answers: dict[str, str] | None = None) -> None:
        turn = await self.conv.handle(user, Event(EventKind.START))
        while not turn.done:
            question = turn.question or ""
            choice = (answers or {}).get(question, CALM[question])
            turn = await self.conv.handle(user, Event(EventKind.CHOICE, choice, question))

    async def advance(self, seconds: float) -> int:
        self.clock.now += seconds
        return await self.scheduler.tick()


def make_engine(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector, clock: Callable[[], float]
) -> Engine:
    countries = CountryCatalog.load(CONTENT)
    quiet = QuietHours("UTC", 22, 8)
    return Engine(flow, catalog, detector, clock=clock, quiet_hours=quiet, countries=countries)


@pytest.fixture
def rig(flow: Flow, catalog: Catalog, detector: RedFlagDetector) -> Rig:
    clock = Clock(NOON)
    storage = open_memory(retention=30 * 86400.0, clock=clock)
    return Rig(make_engine(flow, catalog, detector, clock), storage, clock)


async def test_compress_timer_fires_after_15_minutes(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    replies = await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    assert "15 minutes" in replies[0].text
    assert await rig.advance(14 * MINUTE) == 0
    assert await rig.advance(1 * MINUTE) == 1
    off = rig.inbox.last("tg:1")
    assert "take the cold pack off" in off.text and off.question == "compress"
    await rig.send("tg:1", EventKind.CHOICE, "remind_next", "compress")
    assert await rig.advance(2 * HOUR - 1) == 0
    assert await rig.advance(1) == 1
    assert "next cold pack" in rig.inbox.last("tg:1").text


async def test_no_compress_reminders_after_72_hours(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    rig.clock.now += 73 * HOUR
    replies = await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    assert "first 72 hours" in replies[0].text
    assert await rig.advance(HOUR) == 0


async def test_checkins_at_24_and_72_hours_only_with_consent(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.finish_triage("tg:2")  # never agreed: never asked
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert await rig.advance(24 * HOUR - 60) == 0
    assert await rig.advance(60) == 1
    assert rig.inbox.last("tg:1").question == "checkin"
    replies = await rig.send("tg:1", EventKind.CHOICE, "same", "checkin")
    assert "common in the first days" in replies[0].text
    assert await rig.advance(48 * HOUR) == 1
    replies = await rig.send("tg:1", EventKind.CHOICE, "same", "checkin")
    assert "book a doctor" in replies[0].text
    assert "tg:2" not in rig.inbox.messages


async def test_checkin_respects_quiet_hours(rig: Rig) -> None:
    rig.clock.now = datetime(2027, 3, 1, 23, 0, tzinfo=UTC).timestamp()
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert await rig.advance(24 * HOUR) == 0  # 23:00 next day is quiet
    assert await rig.advance(9 * HOUR) == 1  # delivered at 08:00


async def test_worse_reruns_the_red_flag_screen_and_escalates(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    await rig.advance(24 * HOUR)
    replies = await rig.send("tg:1", EventKind.CHOICE, "worse", "checkin")
    assert replies[-1].question == "rf_emergency"
    await rig.send("tg:1", EventKind.CHOICE, "none_of_these", "rf_emergency")
    await rig.send("tg:1", EventKind.CHOICE, "none_of_these", "rf_urine")
    replies = await rig.send("tg:1", EventKind.CHOICE, "saddle_numb", "rf_hospital")
    assert "hospital check today" in replies[0].text
    replies = await rig.send("tg:1", EventKind.CHOICE, "can_travel", "ed_transport")
    assert "emergency department" in replies[0].text
    session = await rig.conv.storage.sessions.load("tg:1")
    assert session is not None and session.level == "emergency_department"
    assert "pain_getting_worse" in session.findings


async def test_worse_alone_is_at_least_a_doctor(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    await rig.advance(24 * HOUR)
    await rig.send("tg:1", EventKind.CHOICE, "worse", "checkin")
    await rig.finish_triage("tg:1")
    session = await rig.conv.storage.sessions.load("tg:1")
    assert session is not None and session.level == "doctor"


async def test_stop_cancels_everything(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    replies = await rig.send("tg:1", EventKind.STOP)
    assert "No more reminders" in replies[0].text
    assert await rig.advance(80 * HOUR) == 0


async def test_forget_removes_due_items(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    await rig.send("tg:1", EventKind.FORGET)
    assert await rig.advance(80 * HOUR) == 0
    queue = rig.conv.storage.reminders
    assert isinstance(queue, MemoryReminders) and queue.items == {}


async def test_stale_compress_reminder_becomes_an_apology_after_downtime(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    assert await rig.advance(5 * HOUR) == 1  # the bot was down for hours
    assert rig.scheduler.dropped == 1
    late = rig.inbox.last("tg:1")
    assert "still on" in late.text and not late.choices  # no "next one" offer hours late


async def test_stale_checkin_is_dropped(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert await rig.advance(24 * HOUR + 40 * HOUR) == 0  # the 24 h one is 40 h late
    assert rig.scheduler.dropped == 1
    assert await rig.advance(8 * HOUR) == 1  # the 72 h one still comes


async def test_summary_shows_triage_and_checkins(rig: Rig) -> None:
    replies = await rig.send("tg:1", EventKind.SUMMARY)
    assert "no finished check" in replies[0].text
    await rig.finish_triage("tg:1", {"course": "over_three_days"})
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_doctor")
    await rig.advance(24 * HOUR)
    await rig.send("tg:1", EventKind.CHOICE, "better", "checkin")
    text = (await rig.send("tg:1", EventKind.SUMMARY))[0].text
    assert "Result: See a doctor" in text and "How it is going: Over 3 days, not better" in text
    assert "+24 h: Better" in text


async def test_restart_between_scheduling_and_due_time_still_delivers(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector, tmp_path: Path
) -> None:
    clock = Clock(NOON)
    engine = make_engine(flow, catalog, detector, clock)
    db = tmp_path / "r.db"
    first = Rig(engine, await open_sqlite(db, retention=86400 * 30, clock=clock), clock)
    await first.finish_triage("tg:1")
    await first.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    await first.conv.storage.close()  # the process stops
    clock.now += 20 * MINUTE  # ...and comes back after the reminder came due
    second = Rig(engine, await open_sqlite(db, retention=86400 * 30, clock=clock), clock)
    assert await second.scheduler.tick() == 1
    assert "take the cold pack off" in second.inbox.last("tg:1").text
    await second.conv.storage.close()


async def test_two_processes_sharing_redis_deliver_each_reminder_once(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector
) -> None:
    from bot.storage.redis import open_redis
    from tests.storage.redis_server import REDIS_URL, open_test_redis, redis_prefix

    clock = Clock(NOON)
    engine = make_engine(flow, catalog, detector, clock)
    first_store = await open_test_redis(retention=86400 * 30, clock=clock)
    second_store = await open_redis(
        REDIS_URL, prefix=redis_prefix(first_store), retention=86400 * 30, clock=clock
    )
    a, b = Rig(engine, first_store, clock), Rig(engine, second_store, clock)
    try:
        for n in range(10):
            await a.finish_triage(f"tg:{n}")
            await a.send(f"tg:{n}", EventKind.CHOICE, "compress_timer", "out_self_care")
        clock.now += 16 * MINUTE
        import asyncio

        sent = await asyncio.gather(a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick())
        assert sum(sent) == 10
        delivered = {**a.inbox.messages, **b.inbox.messages}
        assert sorted(delivered) == sorted(f"tg:{n}" for n in range(10))
        assert all(len(v) == 1 for v in [*a.inbox.messages.values(), *b.inbox.messages.values()])
    finally:
        await second_store.close()
        await first_store.close()


def test_reminder_ids_are_stable() -> None:
    assert Reminder("tg:1", "checkin", 100.7).id == "tg:1|checkin|100"


def test_followups_can_be_disabled(flow: Flow, catalog: Catalog, detector: RedFlagDetector) -> None:
    from tests.conftest import Chat
    from tests.core.walk import walk

    engine = Engine(flow, catalog, detector, followups=False)
    chat = Chat(engine)
    walk(chat)
    assert "compress_timer" not in chat.choices and "checkins" not in chat.choices
    replies = chat.press("checkins")
    assert replies[0].key == "ui.already_answered"


@pytest.mark.parametrize(("zone", "typed"), [("Europe/Moscow", None), ("Asia/Omsk", "Омск")])
async def test_quiet_hours_follow_the_persons_time_zone(
    rig: Rig, zone: str, typed: str | None
) -> None:
    # 19:00 UTC is 22:00 in Moscow and 00:00 in Omsk: a check-in due then waits for 08:00
    # there (05:00 UTC in Moscow, 02:00 UTC in Omsk). Russia keeps several clocks: asked once.
    rig.clock.now = datetime(2027, 3, 1, 19, 0, tzinfo=UTC).timestamp()
    await rig.send("tg:1", EventKind.REGION, "ru")
    await rig.finish_triage("tg:1")
    asked = await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert asked[-1].question == "zone:checkins"
    if typed:
        await rig.send("tg:1", EventKind.TEXT, typed)
    else:
        await rig.send("tg:1", EventKind.CHOICE, zone, "zone:checkins")
    wait = {"Europe/Moscow": 10 * HOUR, "Asia/Omsk": 7 * HOUR}[zone]
    assert await rig.advance(24 * HOUR) == 0
    assert await rig.advance(wait - 1) == 0
    assert await rig.advance(1) == 1


async def test_quiet_hours_in_a_country_of_one_clock_ask_nothing(rig: Rig) -> None:
    # 21:00 UTC is 22:00 in Berlin in winter: the check-in waits for 08:00 (07:00 UTC).
    rig.clock.now = datetime(2027, 1, 10, 21, 0, tzinfo=UTC).timestamp()
    await rig.send("tg:1", EventKind.REGION, "de")
    await rig.finish_triage("tg:1")
    replies = await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert "country.choose_zone" not in [r.key for r in replies]
    assert await rig.advance(24 * HOUR) == 0
    assert await rig.advance(10 * HOUR - 1) == 0
    assert await rig.advance(1) == 1


class FlakyInbox(Inbox):
    """A platform that fails the first ``failures`` sends (a network error, or a crash)."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def __call__(self, user: str, replies: list[Reply]) -> bool:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("the platform did not answer")
        return await super().__call__(user, replies)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_reminder_that_was_not_delivered_comes_again_after_its_lease(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector, tmp_path: Path, backend: str
) -> None:
    """Claimed, then the send failed (or the process died): never acked, so never lost."""
    clock = Clock(NOON)
    storage = await open_backend(backend, tmp_path, clock)
    rig = Rig(make_engine(flow, catalog, detector, clock), storage, clock)
    rig.inbox = rig.scheduler.deliver = FlakyInbox(failures=1)
    try:
        await rig.finish_triage("tg:1")
        await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
        assert await rig.advance(15 * MINUTE) == 0  # claimed, the send failed: no ack
        assert await rig.advance(rig.scheduler.lease - 1) == 0  # still leased
        assert await rig.advance(2) == 1  # the lease ran out: delivered after all
        assert "take the cold pack off" in rig.inbox.last("tg:1").text
        assert await rig.advance(HOUR) == 0  # acked: not sent a third time
    finally:
        await storage.close()


async def test_a_crash_between_claim_and_send_loses_nothing(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    rig.clock.now += 15 * MINUTE
    queue = rig.conv.storage.reminders
    assert len(await queue.claim_due(rig.clock.now)) == 1  # a process claims it, then dies
    assert await rig.advance(rig.scheduler.lease + 1) == 1  # another tick delivers it
    assert "take the cold pack off" in rig.inbox.last("tg:1").text


async def test_an_undeliverable_reminder_is_given_up_on_after_two_days(rig: Rig) -> None:
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "compress_timer", "out_self_care")
    rig.scheduler.deliver = FlakyInbox(failures=10**6)  # the apology is retried, not forever
    for _ in range(30):
        assert await rig.advance(2 * HOUR) == 0
    queue = rig.conv.storage.reminders
    assert isinstance(queue, MemoryReminders) and queue.items == {}


async def test_a_late_same_checkin_stores_the_doctor_outcome_it_announced(rig: Rig) -> None:
    """What is stored must match what was last said: /region re-shows the doctor screen."""
    await rig.finish_triage("tg:1")
    await rig.send("tg:1", EventKind.CHOICE, "checkins", "out_self_care")
    assert await rig.advance(24 * HOUR) == 1
    assert await rig.advance(48 * HOUR) == 1
    replies = await rig.send("tg:1", EventKind.CHOICE, "same", "checkin")
    assert "book a doctor" in replies[0].text
    session = await rig.conv.storage.sessions.load("tg:1")
    assert session is not None and session.level == "doctor"
    assert session.state == rig.conv.engine.flow.outcome_state("doctor")
    again = await rig.send("tg:1", EventKind.REGION, "gb")
    shown = " ".join(r.text for r in again)
    assert "look after this at home" not in shown
