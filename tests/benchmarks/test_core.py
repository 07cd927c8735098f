"""The replayed trigger script: only presses the Machine takes from where the person is."""

from __future__ import annotations

from benchmarks.core import Cursor, fires
from benchmarks.workload import engine, make_workload
from bot.core.messages import EventKind


def test_every_scripted_press_is_a_trigger_from_the_persons_state() -> None:
    """Walks that pass the "About you" screen press its side questions too (answered beside
    the Machine): the script leaves them out instead of raising MachineError mid-benchmark."""
    eng = engine()
    flow = eng.flow
    workload = make_workload(300)
    script = fires(eng, workload)
    presses = [s for s in workload.steps if s.event.kind is EventKind.CHOICE and s.event.question]
    assert 0 < len(script) < len(presses), "some presses are answered beside the Machine"
    findings: dict[str, list[str]] = {}
    states: dict[str, str] = {}
    for fire in script:  # the benchmark's own replay: raises on an invalid trigger
        mine = findings.setdefault(fire.user, [])
        mine.extend(fire.findings)
        cursor = Cursor(states.get(fire.user, flow.start), flow.rules.verdict(mine))
        eng.machine.events[fire.trigger].trigger(cursor)
        states[fire.user] = cursor.state
