"""A flow: YAML in ``flows/`` -> a validated ``Flow`` -> one shared transitions ``Machine``.

The Machine is built once per flow with ``model=None`` and ``auto_transitions=False`` (no
``to_<state>`` shortcuts that could skip the red-flag questions). Sessions stay plain records;
the engine binds one to a throwaway cursor only for the duration of a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from transitions import Machine

from bot.core import conditions
from bot.core.errors import FlowError
from bot.core.triage import TriageRules, Verdict, load_rules
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml

BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "y", "n"})


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
    """A question, or an outcome when ``outcome`` names a triage level."""

    name: str
    text: str
    choices: tuple[FlowChoice, ...] = ()
    next: Target | None = None
    multi: bool = False
    outcome: str | None = None
    followups: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    interrupt: bool = True

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
    version: int
    start: str
    states: dict[str, FlowState]
    routes: dict[str, tuple[RouteStep, ...]]
    interrupt: tuple[RouteStep, ...]
    rules: TriageRules
    doc: YamlDoc
    notes: dict[str, str] = field(default_factory=dict)

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

    def interrupt_target(self, verdict: Verdict) -> str | None:
        """Where the interrupt route sends ``verdict``, or None to carry on."""
        for step in self.interrupt:
            check = conditions.lookup(step.condition) if step.condition else None
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
                    check = conditions.lookup(step.condition)
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


def load_flow(path: Path) -> Flow:
    """Parse ``path`` (and the rules file it names) into a Flow, checking its structure.

    Graph and content checks live in :mod:`bot.core.validation`; this function makes sure
    the shapes are right so that those checks and the Machine can rely on them.
    """
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise FlowError(exc.problem, file=path, line=exc.line) from exc
    raw = doc.data
    if not isinstance(raw, dict):
        raise FlowError("a flow file must be a mapping", file=path, line=1)
    rules = load_rules(path.parent / str(raw.get("rules", "rules.yaml")))
    parser = _Parser(doc, rules)
    states = parser.states(raw.get("states"))
    routes = {
        str(name): parser.route(steps, "routes", str(name))
        for name, steps in (raw.get("routes") or {}).items()
    }
    flow = Flow(
        name=str(raw.get("flow", path.stem)),
        version=int(raw.get("version", 1)),
        start=str(raw.get("start", "")),
        states=states,
        routes=routes,
        interrupt=parser.route(raw.get("interrupt") or [], "interrupt"),
        rules=rules,
        doc=doc,
        notes=parser.notes(raw.get("notes") or {}),
    )
    parser.check_references(flow)
    return flow


class _Parser:
    """Turns the YAML mapping into dataclasses, one precise FlowError at a time."""

    def __init__(self, doc: YamlDoc, rules: TriageRules) -> None:
        self.doc = doc
        self.rules = rules

    def fail(self, message: str, *keys: str | int) -> FlowError:
        key = ".".join(str(k) for k in keys) if keys else None
        return FlowError(message, file=self.doc.path, line=self.doc.line(*keys), key=key)

    def states(self, raw: object) -> dict[str, FlowState]:
        if not isinstance(raw, dict) or not raw:
            raise self.fail("needs a mapping of states", "states")
        return {str(name): self.state(str(name), spec) for name, spec in raw.items()}

    def state(self, name: str, spec: object) -> FlowState:
        where = ("states", name)
        if not isinstance(spec, dict):
            raise self.fail("a state must be a mapping", *where)
        outcome = spec.get("outcome")
        if outcome is not None and outcome not in self.rules.levels:
            raise self.fail(
                f"unknown triage level {outcome!r}; use one of {', '.join(self.rules.levels)}",
                *where,
                "outcome",
            )
        raw_choices = spec.get("choices") or []
        if not isinstance(raw_choices, list):
            raise self.fail("choices must be a list", *where, "choices")
        choices = tuple(self.choice(name, i, c) for i, c in enumerate(raw_choices))
        seen: set[str] = set()
        for i, choice in enumerate(choices):
            if choice.id in seen:
                raise self.fail(f"duplicate choice id {choice.id!r}", *where, "choices", i)
            seen.add(choice.id)
        default_text = f"outcomes.{outcome}.text" if outcome else f"questions.{name}.text"
        return FlowState(
            name=name,
            text=str(spec.get("text", default_text)),
            choices=choices,
            next=self.target(spec.get("next"), *where, "next"),
            multi=bool(spec.get("multi", False)),
            outcome=outcome,
            followups=tuple(str(f) for f in spec.get("followups") or []),
            also=tuple(str(k) for k in spec.get("also") or []),
            interrupt=bool(spec.get("interrupt", True)),
        )

    def choice(self, state: str, index: int, spec: object) -> FlowChoice:
        where = ("states", state, "choices", index)
        if not isinstance(spec, dict):
            raise self.fail("a choice must be a mapping with an id", *where)
        if (*where, "id") in self.doc.booleans or str(spec.get("id")).lower() in BOOLEAN_WORDS:
            raise self.fail(
                f"choice id {spec.get('id')!r} is a YAML boolean word; use a descriptive "
                "snake_case id such as has_numbness / no_numbness",
                *where,
                "id",
            )
        choice_id = spec.get("id")
        if not isinstance(choice_id, str) or not choice_id.isidentifier():
            raise self.fail("choice id must be a snake_case word", *where, "id")
        findings = spec.get("findings") or []
        for finding in findings:
            if finding not in self.rules.findings:
                raise self.fail(
                    f"unknown finding {finding!r}; findings come from rules.yaml",
                    *where,
                    "findings",
                )
        return FlowChoice(
            id=choice_id,
            label=str(spec.get("label", f"questions.{state}.{choice_id}")),
            findings=tuple(findings),
            next=self.target(spec.get("next"), *where, "next"),
            done=bool(spec.get("done", False)),
        )

    def notes(self, raw: object) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise self.fail("notes must map a finding to a content key", "notes")
        for finding in raw:
            if finding not in self.rules.findings:
                raise self.fail(f"unknown finding {finding!r}", "notes", str(finding))
        return {str(k): str(v) for k, v in raw.items()}

    def target(self, raw: object, *where: str | int) -> Target | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return Target(state=raw)
        if isinstance(raw, dict) and isinstance(raw.get("route"), str):
            return Target(route=raw["route"])
        raise self.fail("next must be a state name or {route: name}", *where)

    def route(self, raw: object, *where: str) -> tuple[RouteStep, ...]:
        if not isinstance(raw, list):
            raise self.fail("a route must be a list of {if, to} steps", *where)
        steps: list[RouteStep] = []
        for i, step in enumerate(raw):
            if not isinstance(step, dict) or not isinstance(step.get("to"), str):
                raise self.fail("each step needs a target state in 'to'", *where, i)
            condition = step.get("if")
            if condition is not None and conditions.lookup(str(condition)) is None:
                raise self.fail(
                    f"unknown condition {condition!r}; allowed: {', '.join(conditions.ALLOWED)}",
                    *where,
                    i,
                    "if",
                )
            steps.append(RouteStep(None if condition is None else str(condition), step["to"]))
        return tuple(steps)

    def check_references(self, flow: Flow) -> None:
        if flow.start not in flow.states:
            raise self.fail(f"start state {flow.start!r} is not defined", "start")
        for name, steps in flow.routes.items():
            if not steps or steps[-1].condition is not None:
                raise self.fail("the last step of a route must have no condition", "routes", name)
            for i, step in enumerate(steps):
                if step.to not in flow.states:
                    raise self.fail(f"unknown state {step.to!r}", "routes", name, i, "to")
        for i, step in enumerate(flow.interrupt):
            if step.to not in flow.states:
                raise self.fail(f"unknown state {step.to!r}", "interrupt", i, "to")
        for state in flow.states.values():
            for i, choice in enumerate(state.choices):
                target = state.target_of(choice)
                where: tuple[str | int, ...] = ("states", state.name, "choices", i)
                if choice.next is None:
                    where = ("states", state.name, "next")
                if target.route is not None and target.route not in flow.routes:
                    raise self.fail(f"unknown route {target.route!r}", *where)
                if target.route is None and target.state not in flow.states:
                    raise self.fail(
                        f"choice {choice.id!r} leads to unknown state {target.state!r}", *where
                    )
