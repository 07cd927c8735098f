"""The SessionStore contract: one suite, every backend (memory, SQLite, real Redis)."""

from __future__ import annotations

import json

import pytest

from bot.core.errors import ConcurrentUpdate, CorruptRecord
from bot.storage.base import INBOX_MAX_AGE, Storage
from tests.storage.conftest import Clock, make
from tests.storage.records import plant


async def test_load_of_unknown_user_is_none(storage: Storage) -> None:
    assert await storage.sessions.load("nobody") is None


async def test_save_then_load_round_trips(storage: Storage, clock: Clock) -> None:
    session = make(clock=clock)
    await storage.sessions.save(session)
    assert session.version == 1
    assert await storage.sessions.load("tg:1") == session


async def test_stale_version_is_refused_not_overwritten(storage: Storage, clock: Clock) -> None:
    sessions = storage.sessions
    await sessions.save(make(clock=clock))
    a, b = await sessions.load("tg:1"), await sessions.load("tg:1")
    assert a is not None and b is not None
    a.state = "rf_urine"
    await sessions.save(a)
    b.state = "age"
    with pytest.raises(ConcurrentUpdate):
        await sessions.save(b)
    loaded = await sessions.load("tg:1")
    assert loaded is not None and loaded.state == "rf_urine" and loaded.version == 2


async def test_two_new_sessions_for_one_user_race_safely(storage: Storage, clock: Clock) -> None:
    await storage.sessions.save(make(clock=clock))
    with pytest.raises(ConcurrentUpdate):
        await storage.sessions.save(make(clock=clock))


async def test_delete_removes_the_user_only(storage: Storage, clock: Clock) -> None:
    sessions = storage.sessions
    await sessions.save(make("tg:1", clock))
    await sessions.save(make("tg:2", clock))
    await sessions.delete("tg:1")
    assert await sessions.load("tg:1") is None
    assert await sessions.load("tg:2") is not None
    await sessions.delete("tg:1")  # deleting twice is fine


async def test_sessions_expire_after_retention(storage: Storage, clock: Clock) -> None:
    sessions = storage.sessions
    await sessions.save(make(clock=clock))
    clock.now += sessions.retention - 60
    assert await sessions.load("tg:1") is not None
    clock.now += 120
    assert await sessions.load("tg:1") is None
    fresh = make(clock=clock)
    await sessions.save(fresh)  # a new conversation may replace an expired record
    assert (await sessions.load("tg:1")) == fresh


async def test_purge_counts_expired_sessions(storage: Storage, clock: Clock) -> None:
    sessions = storage.sessions
    await sessions.save(make("old", clock))
    clock.now += sessions.retention + 1
    await sessions.save(make("new", clock))
    assert await sessions.purge() >= 1
    assert await sessions.load("new") is not None


async def test_saved_record_is_small(storage: Storage, clock: Clock) -> None:
    session = make(clock=clock)
    assert len(session.to_json().encode()) < 1024
    await storage.sessions.save(session)


async def test_an_unreadable_record_is_reported_not_crashed_on(storage: Storage) -> None:
    await plant(storage, "tg:13", '{"s": 1, "u": "x", "a": [[')
    with pytest.raises(CorruptRecord):
        await storage.sessions.load("tg:13")
    await storage.forget("tg:13")
    assert await storage.sessions.load("tg:13") is None


def _record(clock: Clock, user: str = "tg:14", **changes: object) -> str:
    data = json.loads(make(user, clock).to_json())
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize(
    "changes",
    [
        {"st": 5},  # a state that is not a name
        {"l": ["ru"]},
        {"p": {"confirm": "x"}},
        {"lv": 3},
        {"ta": "yesterday"},
        {"ta": True},
        {"a": [["rf_emergency", 7]]},
        {"a": [["rf_urine", "burning", [1]]]},
        {"n": [None]},
        {"ci": [["soon", "same"]]},
        {"t": "now"},
        {"sh": "Hi"},  # the last step's replies are a list (read only for a replay)
    ],
    ids=lambda changes: ",".join(changes),
)
async def test_a_wrongly_typed_record_is_corrupt(
    storage: Storage, clock: Clock, changes: dict[str, object]
) -> None:
    await plant(storage, "tg:14", _record(clock, **changes))
    with pytest.raises(CorruptRecord):
        await storage.sessions.load("tg:14")


async def test_a_record_filed_under_another_users_key_is_corrupt(
    storage: Storage, clock: Clock
) -> None:
    await plant(storage, "tg:15", _record(clock, user="tg:16"))
    with pytest.raises(CorruptRecord, match="another user"):
        await storage.sessions.load("tg:15")


async def test_a_redis_record_with_an_unreadable_version_is_corrupt() -> None:
    """Only Redis keeps the version and the time as text beside the record."""
    from bot.storage.redis import RedisSessions
    from tests.storage.redis_server import open_test_redis

    storage = await open_test_redis(retention=3600.0)
    try:
        sessions = storage.sessions
        assert isinstance(sessions, RedisSessions)
        key = sessions._key("s", "tg:17")
        await sessions.redis.hset(key, mapping={"v": "x", "d": "{}", "t": "soon"})
        with pytest.raises(CorruptRecord):
            await sessions.load("tg:17")
        assert await sessions.purge() == 0  # a bad timestamp is not a crash either
    finally:
        await storage.close()


async def test_settle_drops_the_last_steps_replies_of_sessions_idle_for_long(
    storage: Storage, clock: Clock
) -> None:
    """A day after its last step no update can be replayed: the rendered texts go, the
    rest of the record and its version stay, and a step that had loaded it still saves."""
    sessions = storage.sessions
    shown = [["info", "ui.welcome", "Привет"], ["question", "q.a", "Any?", [["none", "None"]]]]
    old = make("tg:1", clock)
    old.shown = shown
    await sessions.save(old)
    clock.now += 3600
    fresh = make("tg:2", clock)
    fresh.shown = shown
    await sessions.save(fresh)
    holding = await sessions.load("tg:1")
    assert await sessions.settle(clock.now - 60) == 1
    settled = await sessions.load("tg:1")
    assert settled is not None and settled.shown == [] and settled.version == old.version
    assert settled.answers == old.answers and settled.locale == "ru"
    still = await sessions.load("tg:2")
    assert still is not None and still.shown == shown
    assert await sessions.settle(clock.now - 60) == 0
    assert holding is not None
    holding.state = "age"
    await sessions.save(holding)  # the version was kept: no lost race


async def test_the_hourly_purge_settles_sessions_idle_for_a_day(
    storage: Storage, clock: Clock
) -> None:
    session = make(clock=clock)
    session.shown = [["info", "ui.welcome", "Hi"]]
    await storage.sessions.save(session)
    clock.now += INBOX_MAX_AGE - 60
    await storage.purge()
    kept = await storage.sessions.load("tg:1")
    assert kept is not None and kept.shown == session.shown
    clock.now += 120
    await storage.purge()
    settled = await storage.sessions.load("tg:1")
    assert settled is not None and settled.shown == []
