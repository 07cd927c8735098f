"""Checks of a flow on its own: every state reachable, a way forward everywhere, no endless loop.

These need nothing but the flow. Whether every text the flow names exists in every language is
checked where flows and content meet, in :mod:`bot.core.validation`.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.core.errors import FlowError
from bot.core.flow.model import Flow
from bot.core.flow.vocabulary import SPECIAL_FOLLOWUPS

KeyUse = tuple[str, tuple[str | int, ...]]


def check_graph(flow: Flow) -> Iterator[FlowError]:
    """Reachability, a way forward everywhere, and no path that never ends in an outcome."""
    edges = {name: set[str]() for name in flow.states}
    for state in flow.states.values():
        for choice in state.choices:
            edges[state.name].update(step.to for step in flow.transitions_of(state, choice))
    seen, todo = {flow.start}, [flow.start]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    for name, state in flow.states.items():
        if name not in seen:
            yield flow.error(
                f"state {name!r} cannot be reached from {flow.start!r}", "states", name
            )
        if state.outcome is None and not state.choices:
            yield flow.error(
                f"state {name!r} is not an outcome and has no choices: nowhere to go",
                "states",
                name,
            )
        if state.outcome is not None and state.choices:
            yield flow.error("an outcome state ends the flow and has no choices", "states", name)
        if state.multi and not any(c.done for c in state.choices):
            yield flow.error("a multi question needs a choice with done: true", "states", name)
    yield from _cycles(flow, edges)
    for level in flow.rules.levels:
        if not any(s.outcome == level for s in flow.states.values()):
            yield flow.error(f"no outcome state declares level {level!r}", "states")


def _cycles(flow: Flow, edges: dict[str, set[str]]) -> Iterator[FlowError]:
    """A loop other than a multi question asking "anything else?" could go on forever."""
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(edges, white)

    def visit(node: str) -> str | None:
        colour[node] = grey
        for nxt in sorted(edges[node] - {node}):
            if colour[nxt] == grey:
                return nxt
            if colour[nxt] == white and (found := visit(nxt)) is not None:
                return found
        colour[node] = black
        return None

    for name in edges:
        if colour[name] == white and (loop := visit(name)) is not None:
            yield flow.error(f"a loop through {loop!r} may never reach an outcome", "states", loop)
            return
    for name, state in flow.states.items():
        if name in edges[name] and not state.multi:
            yield flow.error("only a multi question may lead back to itself", "states", name)


def flow_keys(flow: Flow) -> Iterator[KeyUse]:
    """Every content key the flow uses, with where in the flow file it is used."""
    for name, state in flow.states.items():
        where = state.group or name  # an unfolded question is written in its checklist
        if state.outcome is None:
            yield state.text, ("states", where)
            yield state.short, ("states", where)
        for i, choice in enumerate(state.choices):
            yield choice.label, ("states", where, "choices", i)
        for followup in state.followups:
            yield f"followups.{followup}.label", ("states", name, "followups")
            if followup not in SPECIAL_FOLLOWUPS:
                yield f"followups.{followup}.text", ("states", name, "followups")
    for finding in flow.rules.findings:
        yield f"findings.{finding}", ("rules",)
    for level in flow.rules.levels:
        yield f"levels.{level}", ("rules",)
