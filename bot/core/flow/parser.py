"""Reading a flow file: YAML -> checked dataclasses, one precise FlowError at a time.

Kept apart from :mod:`bot.core.flow.model` (the model and the Machine) because parsing is where
untrusted text becomes data: every shape is checked here, with the file, line and key of the
first thing that is wrong, so the model and the Machine can rely on what they receive.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.errors import FlowError
from bot.core.flow import conditions
from bot.core.flow.model import Flow, FlowChoice, FlowState, RouteStep, Target
from bot.core.flow.rules import TriageRules, load_rules
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml

# Words YAML 1.1 may read as booleans: never a choice id (has_numbness, not yes).
BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "y", "n"})


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
            allowed = conditions.allowed(self.rules.levels)
            if condition is not None and str(condition) not in allowed:
                raise self.fail(
                    f"unknown condition {condition!r}; allowed: {', '.join(allowed)}",
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
