"""Baseline A: the naive design, one ``transitions.Machine`` per user, kept alive.

Each simulated user gets a model object and its own Machine built from the same ``Flow`` with
exactly the transitions and allowlisted conditions of ``bot.core.flow.compile_machine``. This
is what a bot gets when it follows the transitions README literally, and it is what our shared
Machine plus plain records replaces; the rows show what that costs per person.

Memory is measured with tracemalloc on a smaller sample (tracing slows Machine creation about
four times) and extrapolated per session; the untraced timing pass reports its RSS growth as a
cross-check.
"""

from __future__ import annotations

import gc
import time
import tracemalloc

from transitions import Machine

from benchmarks.core import fires
from benchmarks.peers.child import rss_bytes
from benchmarks.stats import Row, Timer, summarize
from benchmarks.workload import Workload
from bot.core.engine import Engine
from bot.core.flow.model import Flow, compile_machine


class User:
    """The per-person model: transitions adds a method per trigger and ``is_<state>`` to it."""

    def __init__(self, flow: Flow) -> None:
        self.findings: list[str] = []
        self.verdict = flow.rules.verdict(())


def build_machine(flow: Flow, user: User) -> Machine:
    """The same states, transitions and conditions as the shared Machine, bound to ``user``."""
    return compile_machine(flow, model=user)


def measure(engine: Engine, workload: Workload, sessions: int, traced: int) -> list[Row]:
    """Creation and trigger time on ``sessions`` live Machines; bytes on ``traced`` more."""
    flow = engine.flow
    users = list(workload.users[:sessions])
    gc.collect()
    rss_before = rss_bytes()
    models: dict[str, User] = {}
    machines: list[Machine] = []
    samples: list[int] = []
    clock = time.perf_counter_ns
    with Timer() as timer:
        for user in users:
            start = clock()
            model = User(flow)
            machines.append(build_machine(flow, model))
            samples.append(clock() - start)
            models[user] = model
    gc.collect()
    rss_per = (rss_bytes() - rss_before) / max(1, len(users))
    create = summarize(samples, timer.seconds)
    rows = [
        Row.timed(
            "baseline_a.create",
            1,
            "A: new session = new Machine",
            create,
            value=create.p50_us,
            unit="µs",
        ),
        _triggers(engine, workload, models),
    ]
    del models, machines
    gc.collect()
    rows.append(_traced_bytes(flow, traced, sessions, rss_per))
    return rows


def _triggers(engine: Engine, workload: Workload, models: dict[str, User]) -> Row:
    """Verdict + trigger on each user's own Machine, for the presses of those users."""
    verdict = engine.flow.rules.verdict
    samples: list[int] = []
    clock = time.perf_counter_ns
    script = [f for f in fires(engine, workload) if f.user in models]
    with Timer() as timer:
        for fire in script:
            start = clock()
            model = models[fire.user]
            model.findings.extend(fire.findings)
            model.verdict = verdict(model.findings)
            model.trigger(fire.trigger)  # type: ignore[attr-defined]
            samples.append(clock() - start)
    return Row.timed(
        "baseline_a.trigger",
        1,
        "A: trigger, Machine per user",
        summarize(samples, timer.seconds),
        notes=[f"on {len(models):,} live per-user Machines"],
    )


def _traced_bytes(flow: Flow, traced: int, sessions: int, rss_per: float) -> Row:
    keep: list[tuple[User, Machine]] = []
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(traced):
            model = User(flow)
            keep.append((model, build_machine(flow, model)))
        gc.collect()
        per = (tracemalloc.get_traced_memory()[0] - before) / max(1, traced)
    finally:
        tracemalloc.stop()
    del keep
    gc.collect()
    return Row(
        "baseline_a.memory",
        2,
        "A: bytes per live session (Machine + model), extrapolated",
        n=traced,
        value=per,
        unit="B/session",
        notes=[
            f"tracemalloc on {traced:,} Machines, extrapolated: {per * 100_000 / 2**20:,.0f} MiB"
            f" for 100,000 sessions; RSS growth over the {sessions:,} untraced Machines:"
            f" {rss_per:,.0f} B/session"
        ],
    )
