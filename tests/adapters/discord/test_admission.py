"""The adapter's limits without a server: admission, remembered refusals, the socket cap."""

from __future__ import annotations

import asyncio
import resource

from bot.adapters.discord.admission import RESERVED_FILES, Admission, StalePresses, socket_limit


async def test_admission_bounds_all_events_and_each_person() -> None:
    gate = Admission(workers=1, backlog=1, per_user=2)
    assert gate.admit("a") and gate.free("a")
    assert gate.admit("a") and not gate.free("a"), "a second event of one person waits"
    assert not gate.admit("a"), "per person"
    assert not gate.admit("b"), "worker and backlog are full"
    gate.release("a")
    assert gate.admit("b") and gate.pending == 2
    async with gate.slot():
        assert not gate.free("c"), "no idle worker"
    gate.release("a")
    gate.release("b")
    assert gate.pending == 0


async def test_a_turn_waiting_for_acknowledgements_holds_no_worker() -> None:
    """Turns start only once no deferral is in flight, but while they wait the worker stays
    free: an interaction arriving meanwhile is not deferred just because of other deferrals."""
    gate = Admission(workers=1)
    started: list[str] = []

    async def turn(name: str) -> None:
        async with gate.slot():
            started.append(name)
            await asyncio.sleep(0)

    with gate.acknowledging():
        waiting = asyncio.ensure_future(turn("first"))
        await asyncio.sleep(0)
        assert started == [], "no turn while an acknowledgement is on its way"
        assert gate.admit("b") and gate.free("b"), "the waiting turn holds no worker"
    await waiting
    assert started == ["first"]
    async with gate.slot():
        assert not gate.free("c"), "a running turn does"
    gate.release("b")


def test_a_refused_press_is_remembered_briefly_and_only_itself() -> None:
    now = [0.0]
    stale = StalePresses(ttl=30.0, size=2, clock=lambda: now[0])
    stale.note("a", "q|x")
    assert stale.stale("a", "q|x")
    assert not stale.stale("a", "q|y"), "another button of the same question still counts"
    now[0] = 31.0
    assert not stale.stale("a", "q|x"), "forgotten after the ttl"
    stale.note("a", "q|x")
    stale.forget("a")
    assert not stale.stale("a", "q|x"), "any other event of the person forgets"
    for user in ("a", "b", "c"):
        stale.note(user, "q|x")
    assert len(stale) == 2 and not stale.stale("a", "q|x"), "bounded: the oldest goes"


def test_sockets_stay_well_below_the_open_files_limit() -> None:
    assert socket_limit(1024) == 100
    assert socket_limit(256) == (256 - RESERVED_FILES) // 2
    assert socket_limit(64) == 4, "always a few"
    assert socket_limit(resource.RLIM_INFINITY) == 100
    assert socket_limit() <= 100
