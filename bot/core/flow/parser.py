"""Reading a flow file: YAML -> pydantic models -> checked dataclasses, one precise FlowError.

Kept apart from :mod:`bot.core.flow.model` (the model and the Machine) because parsing is where
untrusted text becomes data. Pydantic checks the shapes (a wrong type, an unknown key, a missing
key); each error's location is mapped back to the file, line and key it came from, so an
operator reads ``flows/triage.yaml:42: states.onset.choices[1].findings`` and not a traceback.
The checks pydantic cannot know (findings from rules.yaml, conditions from the allowlist,
references between states) follow, with the same precision.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.core.errors import FlowError
from bot.core.flow import conditions
from bot.core.flow.model import Flow, FlowChoice, FlowState, RouteStep, Target
from bot.core.flow.rules import TriageRules, load_rules
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, dotted, load_yaml, parse

# Words YAML 1.1 may read as booleans: never a choice id (has_numbness, not yes).
BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "y", "n"})
# The three answers of an unfolded single question (see ``unfold`` in flows/triage.yaml).
PRESENT, ABSENT, NOT_SURE = "present", "absent", "not_sure"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class RouteSpec(_Strict):
    """``next: {route: name}``."""

    route: str


class StepSpec(_Strict):
    """One step of a route: ``{if: condition, to: state}``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)
    when: str | None = Field(default=None, alias="if")
    to: str


class ChoiceSpec(_Strict):
    """A button of a question, as written in the flow file."""

    id: str
    label: str | None = None
    findings: list[str] = []
    next: str | RouteSpec | None = None
    done: bool = False
    unfold: bool = False

    @field_validator("id")
    @classmethod
    def _snake_case(cls, value: str) -> str:
        if value.lower() in BOOLEAN_WORDS:
            raise ValueError(
                f"choice id {value!r} is a YAML boolean word; use a descriptive snake_case id "
                "such as has_numbness / no_numbness"
            )
        if not value.isidentifier():
            raise ValueError("choice id must be a snake_case word")
        return value


class StateSpec(_Strict):
    """A question or an outcome, as written in the flow file."""

    text: str | None = None
    short: str | None = None
    choices: list[ChoiceSpec] = []
    next: str | RouteSpec | None = None
    multi: bool = False
    unfold: bool = False
    outcome: str | None = None
    followups: list[str] = []
    interrupt: bool = True


class FlowSpec(_Strict):
    """A whole flow file."""

    flow: str | None = None
    rules: str = "rules.yaml"
    start: str
    profile: list[str] = []
    routes: dict[str, list[StepSpec]] = {}
    interrupt: list[StepSpec] = []
    states: dict[str, StateSpec] = Field(min_length=1)


def load_flow(path: Path) -> Flow:
    """Parse ``path`` (and the rules file it names) into a Flow, checking its structure.

    Graph and content checks live in :mod:`bot.core.validation`; this function makes sure
    the shapes are right so that those checks and the Machine can rely on them.
    """
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise FlowError(exc.problem, file=path, line=exc.line) from exc
    if not isinstance(doc.data, dict):
        raise FlowError("a flow file must be a mapping", file=path, line=1)
    for where in sorted(doc.booleans, key=str):
        if len(where) == 5 and where[0] == "states" and where[2] == "choices" and where[4] == "id":
            raise FlowError(
                "choice id is a YAML boolean word; use a descriptive snake_case id such as "
                "has_numbness / no_numbness",
                file=path,
                line=doc.line(*where),
                key=dotted(where),
            )
    spec = parse(FlowSpec, doc, FlowError)
    rules = load_rules(path.parent / spec.rules)
    parser = _Parser(doc, rules)
    states: dict[str, FlowState] = {}
    for name, state in spec.states.items():
        parsed = parser.state(name, state)
        states[name] = parsed
        if state.unfold:
            states.update(parser.unfold(parsed, state))
    flow = Flow(
        name=spec.flow or path.stem,
        start=spec.start,
        states=states,
        routes={name: parser.route(steps, "routes", name) for name, steps in spec.routes.items()},
        interrupt=parser.route(spec.interrupt, "interrupt"),
        rules=rules,
        doc=doc,
        profile=tuple(spec.profile),
    )
    parser.check_references(flow)
    return flow


class _Parser:
    """Turns the checked models into dataclasses, with the checks pydantic cannot make."""

    def __init__(self, doc: YamlDoc, rules: TriageRules) -> None:
        self.doc = doc
        self.rules = rules

    def fail(self, message: str, *keys: str | int) -> FlowError:
        key = dotted(keys) if keys else None
        return FlowError(message, file=self.doc.path, line=self.doc.line(*keys), key=key)

    def state(self, name: str, spec: StateSpec) -> FlowState:
        where = ("states", name)
        if spec.outcome is not None and spec.outcome not in self.rules.levels:
            raise self.fail(
                f"unknown triage level {spec.outcome!r}; use one of {', '.join(self.rules.levels)}",
                *where,
                "outcome",
            )
        seen: set[str] = set()
        for i, choice in enumerate(spec.choices):
            if choice.id in seen:
                raise self.fail(f"duplicate choice id {choice.id!r}", *where, "choices", i)
            seen.add(choice.id)
        if spec.unfold and not any(c.unfold for c in spec.choices):
            raise self.fail("unfold: true needs a choice with unfold: true", *where, "unfold")
        default_text = f"outcomes.{spec.outcome}.text" if spec.outcome else f"questions.{name}.text"
        unfolds_to = f"{name}__{self._items(spec)[0].id}" if spec.unfold else None
        return FlowState(
            name=name,
            text=spec.text or default_text,
            short=spec.short or f"questions.{name}.short",
            choices=tuple(self.choice(name, i, c, unfolds_to) for i, c in enumerate(spec.choices)),
            next=self.target(spec.next),
            multi=spec.multi,
            outcome=spec.outcome,
            followups=tuple(spec.followups),
            interrupt=spec.interrupt,
        )

    def _items(self, spec: StateSpec) -> list[ChoiceSpec]:
        return [c for c in spec.choices if c.findings and not c.unfold]

    def choice(
        self, state: str, index: int, spec: ChoiceSpec, unfolds_to: str | None
    ) -> FlowChoice:
        for finding in spec.findings:
            if finding not in self.rules.findings:
                raise self.fail(
                    f"unknown finding {finding!r}; findings come from rules.yaml",
                    "states",
                    state,
                    "choices",
                    index,
                    "findings",
                )
        next_ = Target(state=unfolds_to) if spec.unfold and unfolds_to else self.target(spec.next)
        return FlowChoice(
            id=spec.id,
            label=spec.label or f"questions.{state}.{spec.id}",
            findings=tuple(spec.findings),
            next=next_,
            done=spec.done or spec.unfold,
        )

    def unfold(self, group: FlowState, spec: StateSpec) -> dict[str, FlowState]:
        """One yes / no / not-sure question per item of ``group``, chained, then its next.

        A "not sure" there counts as yes for that item only (clinical.md 4.1 rule 4). The
        single questions are always interrupted: a yes to a hospital sign stops at once.
        """
        items = self._items(spec)
        names = [f"{group.name}__{item.id}" for item in items]
        states: dict[str, FlowState] = {}
        for i, item in enumerate(items):
            after = Target(state=names[i + 1]) if i + 1 < len(names) else group.next
            findings = tuple(item.findings)
            states[names[i]] = FlowState(
                name=names[i],
                text=f"questions.{group.name}.ask.{item.id}",
                short=f"questions.{group.name}.ask.{item.id}",
                choices=(
                    FlowChoice(PRESENT, "choices.present", findings, after),
                    FlowChoice(ABSENT, "choices.absent", (), after),
                    FlowChoice(NOT_SURE, "choices.not_sure", findings, after),
                ),
                group=group.name,
            )
        return states

    def target(self, raw: str | RouteSpec | None) -> Target | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return Target(state=raw)
        return Target(route=raw.route)

    def route(self, raw: list[StepSpec], *where: str) -> tuple[RouteStep, ...]:
        steps: list[RouteStep] = []
        for i, step in enumerate(raw):
            allowed = conditions.allowed(self.rules.levels)
            if step.when is not None and step.when not in allowed:
                raise self.fail(
                    f"unknown condition {step.when!r}; allowed: {', '.join(allowed)}",
                    *where,
                    i,
                    "if",
                )
            steps.append(RouteStep(step.when, step.to))
        return tuple(steps)

    def check_references(self, flow: Flow) -> None:
        if flow.start not in flow.states:
            raise self.fail(f"start state {flow.start!r} is not defined", "start")
        for i, name in enumerate(flow.profile):
            if name not in flow.states:
                raise self.fail(f"unknown state {name!r}", "profile", i)
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
            if state.group is not None:
                continue
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
