"""Row 1, ours: the service step on the memory store, the engine step, the shared trigger.

The service step is what every adapter pays per event (lock, load the JSON record, step,
render, save the JSON record); the engine step isolates the conversation logic; the shared
trigger isolates the one piece that baseline A does differently (a Machine per person), so
its ratio shows the cost of that design choice and nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass

from benchmarks.stats import Row, Timer, summarize
from benchmarks.workload import Step, Workload
from bot.core.engine import Engine
from bot.core.flow.model import trigger_name
from bot.core.flow.rules import Verdict
from bot.core.messages import EventKind
from bot.service import Conversations
from bot.storage.memory import open_memory

RETENTION = 30 * 86400.0
WARMUP_STEPS = 2000


@dataclass(frozen=True, slots=True)
class Fire:
    """One accepted button press as the Machine sees it: who, which trigger, what it asserts."""

    user: str
    trigger: str
    findings: tuple[str, ...]


@dataclass(slots=True)
class Cursor:
    """The throwaway model the shared Machine moves during one step (like the engine's)."""

    state: str
    verdict: Verdict


def fires(engine: Engine, workload: Workload) -> list[Fire]:
    """The workload's presses on questions (not outcome follow-ups), in workload order, that
    are a trigger from the state the person is in: a press the engine handles beside the
    Machine (a side question on the "About you" screen, say) is left out. Found by running
    the presses on the shared Machine once, so every consumer replays the same valid script.
    """
    flow = engine.flow
    machine = engine.machine
    valid = {name: set(machine.get_triggers(name)) for name in flow.states}
    findings: dict[str, list[str]] = {}
    states: dict[str, str] = {}
    out: list[Fire] = []
    for step in workload.steps:
        event = step.event
        if event.kind is not EventKind.CHOICE or event.question not in flow.states:
            continue  # not a question of the flow ("Where are you now?", say)
        state = flow.states[event.question]
        choice = state.choice(event.value or "")
        if state.outcome is not None or choice is None:
            continue
        fire = Fire(step.user, trigger_name(state.name, choice.id), choice.findings)
        if fire.trigger not in valid[states.get(step.user, flow.start)]:
            continue
        mine = findings.setdefault(step.user, [])
        mine.extend(fire.findings)
        cursor = Cursor(states.get(step.user, flow.start), flow.rules.verdict(mine))
        machine.events[fire.trigger].trigger(cursor)
        states[step.user] = cursor.state
        out.append(fire)
    return out


def engine_step(engine: Engine, workload: Workload) -> Row:
    """``Engine.handle`` alone on live Session objects: no JSON, no storage, no lock."""
    _engine_pass(engine, workload.steps[:WARMUP_STEPS], "w")
    samples, wall = _engine_pass(engine, workload.steps, "")
    return Row.timed("core.engine", 1, "engine step alone", summarize(samples, wall))


def _engine_pass(engine: Engine, steps: Iterable[Step], prefix: str) -> tuple[list[int], float]:
    sessions: dict[str, object] = {}
    samples: list[int] = []
    clock = time.perf_counter_ns
    handle = engine.handle
    with Timer() as timer:
        for step in steps:
            session = sessions.get(step.user)
            if session is None:
                session = sessions[step.user] = engine.new_session(prefix + step.user)
            start = clock()
            handle(session, step.event)  # type: ignore[arg-type]
            samples.append(clock() - start)
    return samples, timer.seconds


def service_step(engine: Engine, workload: Workload) -> Row:
    """``Conversations.handle`` on the memory store, one event at a time, with event ids."""
    samples, wall = asyncio.run(service_pass(engine, workload))
    return Row.timed(
        "core.service_memory",
        1,
        "service step, memory store",
        summarize(samples, wall),
        concurrency=1,
    )


async def service_pass(engine: Engine, workload: Workload) -> tuple[list[int], float]:
    warm = Conversations(engine, open_memory(retention=RETENTION))
    for i, step in enumerate(workload.steps[:WARMUP_STEPS]):
        await warm.handle(step.user, step.event, event_id=f"w{i}")
    conversations = Conversations(engine, open_memory(retention=RETENTION))
    handle = conversations.handle
    clock = time.perf_counter_ns
    samples: list[int] = []
    with Timer() as timer:
        for i, step in enumerate(workload.steps):
            start = clock()
            await handle(step.user, step.event, event_id=str(i))
            samples.append(clock() - start)
    return samples, timer.seconds


def shared_trigger(engine: Engine, workload: Workload) -> Row:
    """Verdict + trigger on the ONE shared Machine with a throwaway cursor, per press."""
    flow = engine.flow
    events = engine.machine.events
    verdict = flow.rules.verdict
    script = fires(engine, workload)
    findings: dict[str, list[str]] = {}
    states: dict[str, str] = {}
    samples: list[int] = []
    clock = time.perf_counter_ns
    with Timer() as timer:
        for fire in script:
            start = clock()
            mine = findings.setdefault(fire.user, [])
            mine.extend(fire.findings)
            cursor = Cursor(states.get(fire.user, flow.start), verdict(mine))
            events[fire.trigger].trigger(cursor)
            states[fire.user] = cursor.state
            samples.append(clock() - start)
    stats = summarize(samples, timer.seconds)
    return Row.timed("core.trigger_shared", 1, "trigger, shared Machine", stats)


def session_creation(engine: Engine, count: int) -> Row:
    """``Engine.new_session``: what starting a conversation costs in our design."""
    samples: list[int] = []
    clock = time.perf_counter_ns
    new = engine.new_session
    keep = []
    with Timer() as timer:
        for i in range(count):
            start = clock()
            keep.append(new(f"n{i}"))
            samples.append(clock() - start)
    stats = summarize(samples, timer.seconds)
    return Row.timed(
        "core.session_new", 1, "new session (plain record)", stats, value=stats.p50_us, unit="µs"
    )
