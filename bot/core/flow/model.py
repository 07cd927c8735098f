"""A flow: YAML in ``flows/`` -> a validated ``Flow`` -> one shared transitions ``Machine``.

The Machine is built once per flow with ``model=None`` and ``auto_transitions=False`` (no
``to_<state>`` shortcuts that could skip the red-flag questions). Sessions stay plain records;
the engine binds one to a throwaway cursor only for the duration of a step. Reading the YAML
is :mod:`bot.core.flow.parser`'s job; checking the graph and the texts is
:mod:`bot.core.validation`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from transitions import Machine

from bot.core.errors import FlowError
from bot.core.flow import conditions
from bot.core.flow.rules import TriageRules, Verdict
from bot.core.yamlfile import YamlDoc


@dataclass(frozen=True, slots=True)
class Target:
    """Where a choice leads: a state, or a named route of conditional steps."""

    state: str | None = None
    route: str | None = None


@dataclass(frozen=True, slots=True)
class RouteStep:
    """One step of a route: go to ``to`` when ``condition`` holds (None = always)."""

    condition: str | None
    to: str


@dataclass(frozen=True, slots=True)
class FlowChoice:
    """A button of a question."""

    id: str
    label: str
    findings: tuple[str, ...] = ()
    next: Target | None = None
    done: bool = False


@dataclass(frozen=True, slots=True)
class FlowState:
    """A question, or an outcome when ``outcome`` names a triage level.

    ``short`` is the content key that names the question on the summary card and in "why";
    ``group`` is the checklist an unfolded single question came from (None otherwise).
    """

    name: str
    text: str
    short: str = ""
    choices: tuple[FlowChoice, ...] = ()
    next: Target | None = None
    multi: bool = False
    outcome: str | None = None
    followups: tuple[str, ...] = ()
    interrupt: bool = True
    group: str | None = None

    def choice(self, choice_id: str) -> FlowChoice | None:
        """The choice with this id, or None for a stale or forged id."""
        return next((c for c in self.choices if c.id == choice_id), None)

    def target_of(self, choice: FlowChoice) -> Target:
        """Where ``choice`` leads: itself for an item of a multi question, else its next."""
        if self.multi and not choice.done:
            return Target(state=self.name)
        return choice.next or self.next or Target()


@dataclass
class Flow:
    """A loaded flow with the rule table it uses; ``doc`` keeps lines for error messages."""

    name: str
    start: str
    states: dict[str, FlowState]
    routes: dict[str, tuple[RouteStep, ...]]
    interrupt: tuple[RouteStep, ...]
    rules: TriageRules
    doc: YamlDoc
    profile: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path(self) -> Path:
        """The YAML file this flow came from."""
        return self.doc.path

    def error(self, message: str, *keys: str | int) -> FlowError:
        """A FlowError pointing at ``keys`` in the flow file."""
        key = ".".join(str(k) for k in keys) if keys else None
        return FlowError(message, file=self.path, line=self.doc.line(*keys), key=key)

    def steps(self, target: Target) -> tuple[RouteStep, ...]:
        """A target as route steps (a plain state is one unconditional step)."""
        if target.route is not None:
            return self.routes[target.route]
        return (RouteStep(None, target.state or ""),)

    def outcome_state(self, level: str) -> str:
        """The outcome state that declares ``level`` (validation makes sure there is one)."""
        for state in self.states.values():
            if state.outcome == level:
                return state.name
        raise self.error(f"no outcome state declares level {level!r}", "states")

    def transitions_of(self, state: FlowState, choice: FlowChoice) -> tuple[RouteStep, ...]:
        """The ordered candidate steps after ``choice``: emergency interrupts first."""
        interrupts = self.interrupt if state.interrupt else ()
        return (*interrupts, *self.steps(state.target_of(choice)))

    def resolve(self, target: Target, verdict: Verdict) -> str | None:
        """The state ``target`` leads to for ``verdict`` (a route's first step that holds)."""
        for step in self.steps(target):
            check = conditions.lookup(step.condition, self.rules.levels) if step.condition else None
            if step.condition is None or (check is not None and check(verdict)):
                return step.to or None
        return None

    def interrupt_target(self, verdict: Verdict) -> str | None:
        """Where the interrupt route sends ``verdict``, or None to carry on."""
        for step in self.interrupt:
            check = conditions.lookup(step.condition, self.rules.levels) if step.condition else None
            if step.condition is None or (check is not None and check(verdict)):
                return step.to
        return None

    @cached_property
    def machine(self) -> Machine:
        """The one shared Machine for this flow (built on first use, then reused)."""
        return compile_machine(self)


def trigger_name(state: str, choice: str) -> str:
    """One trigger per (question, choice): only the current question's buttons can fire."""
    return f"{state}:{choice}"


def compile_machine(flow: Flow, model: object = None) -> Machine:
    """Build the Machine; conditions come from the allowlist, never from imports.

    ``model`` is None for the one shared Machine; the benchmarks pass a per-user object to
    measure the design we avoid (a Machine per person) with exactly the same transitions.
    """
    machine = Machine(
        model=model,
        states=list(flow.states),
        initial=flow.start,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )
    for state in flow.states.values():
        for choice in state.choices:
            for step in flow.transitions_of(state, choice):
                cond = []
                if step.condition is not None:
                    check = conditions.lookup(step.condition, flow.rules.levels)
                    if check is None:  # validated at load; defensive for hand-built flows
                        raise flow.error(f"unknown condition {step.condition!r}", "routes")
                    cond.append(_bind(check))
                machine.add_transition(
                    trigger_name(state.name, choice.id), state.name, step.to, conditions=cond
                )
    return machine


def _bind(check: conditions.Condition) -> Any:
    def condition(event: Any) -> bool:
        return check(event.model.verdict)

    return condition
