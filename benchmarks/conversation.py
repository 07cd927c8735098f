"""How long the conversation is for a person: taps, words and screen sizes over every path.

A deterministic walker drives the real engine through every path of the real flow, in each
language, cloning the session at every button. "Calm" paths answer "None of these" on every
checklist (a question whose buttons assert danger signs) and take every button of every other
question, exactly the paths a person with no danger sign can follow. "Danger" paths take one
danger-sign button and calm answers everywhere else. Nothing here is timed: the numbers are
counts, the same on every machine, and ``tests/core/test_walker.py`` asserts the targets.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.flow.model import FlowState
from bot.core.messages import Event, EventKind, Reply, ReplyKind
from bot.core.prompts import ChooseRegion, encode
from bot.core.session import Session
from bot.settings import data_path

MAX_TAPS = 40
COUNTRY_QUESTION = encode(ChooseRegion())  # "Where are you now?", asked once per person
DANGER_LEVELS = ("emergency_ambulance", "emergency_department", "urgent_doctor")
CALM_IDS = ("none_of_these",)


@dataclass(frozen=True, slots=True)
class Path:
    """One walk from /start to the first result message."""

    taps: int
    words: int  # words of every message (and its buttons) shown before the result
    level: str
    result: Reply
    danger: str | None = None  # the one danger-sign finding this path tapped, if any
    first_screen: bool = False


@dataclass
class Measures:
    """Everything the walker saw in one language."""

    locale: str
    calm: list[Path] = field(default_factory=list)
    danger: list[Path] = field(default_factory=list)
    welcome: str = ""
    questions: dict[str, str] = field(default_factory=dict)  # question id -> longest text
    labels: dict[str, str] = field(default_factory=dict)  # question id -> longest label

    def longest_question(self) -> tuple[str, int]:
        name = max(self.questions, key=lambda q: len(self.questions[q]))
        return name, len(self.questions[name])

    def longest_label(self) -> tuple[str, int]:
        name = max(self.labels, key=lambda q: len(self.labels[q]))
        return self.labels[name], len(self.labels[name])


def is_danger(engine: Engine, finding: str) -> bool:
    """A red flag, or a finding that alone means a doctor within 24 hours or sooner."""
    rule = engine.flow.rules.findings[finding]
    return rule.red_flag or rule.level in DANGER_LEVELS


def _clone(session: Session) -> Session:
    return Session.from_json(session.to_json())


def _words(replies: list[Reply]) -> int:
    """Words of the messages and of their buttons: a person reads both."""
    return sum(len(r.text.split()) + sum(len(c.label.split()) for c in r.choices) for r in replies)


def _current(replies: list[Reply]) -> Reply | None:
    return next((r for r in reversed(replies) if r.choices), None)


def _calm_choice(reply: Reply) -> str:
    """ "None of these" where offered, else the first button that asserts nothing."""
    ids = [c.id for c in reply.choices]
    calm = [i for i in ids if i in CALM_IDS]
    return (calm or [c.id for c in reply.choices if not c.findings] or ids)[0]


def _is_checklist(engine: Engine, state: FlowState | None) -> bool:
    if state is None:
        return False
    return any(is_danger(engine, f) for c in state.choices for f in c.findings)


class Walker:
    """Walks one engine in one language; see the module docstring for which paths."""

    def __init__(self, engine: Engine, locale: str, *, first_time: bool = False) -> None:
        self.engine = engine
        self.locale = locale
        self.first_time = first_time
        self.measures = Measures(locale)

    def send(self, session: Session, kind: EventKind, value: str | None = None) -> list[Reply]:
        pending = encode(session.pending) if session.pending is not None else None
        question = (pending or session.state) if kind is EventKind.CHOICE else None
        replies = self.engine.handle(session, Event(kind, value, question, self.locale))
        for reply in replies:
            if reply.kind is ReplyKind.QUESTION and reply.question:
                self._note_question(reply)
        return replies

    def _note_question(self, reply: Reply) -> None:
        name = reply.question or ""
        if len(reply.text) > len(self.measures.questions.get(name, "")):
            self.measures.questions[name] = reply.text
        for choice in reply.choices:
            if len(choice.label) > len(self.measures.labels.get(name, "")):
                self.measures.labels[name] = choice.label

    def run(self) -> Measures:
        session = self.engine.new_session("walker")
        # A returning person was asked "Where are you now?" at their first check.
        session.asked_country = not self.first_time
        replies = self.send(session, EventKind.START)
        self.measures.welcome = replies[0].text
        self.measures.calm = list(self._paths(session, replies, 0, _words(replies), None))
        self.measures.danger = list(self._danger_paths(session, replies))
        return self.measures

    def _paths(
        self,
        session: Session,
        replies: list[Reply],
        taps: int,
        words: int,
        danger: str | None,
    ) -> Iterator[Path]:
        """Every calm continuation."""
        outcome = next((r for r in replies if r.kind is ReplyKind.OUTCOME), None)
        if outcome is not None:
            before = replies[: replies.index(outcome)]
            yield Path(taps, words - _words(replies) + _words(before), session.level or "", outcome)
            return
        current = _current(replies)
        if current is None or taps >= MAX_TAPS:
            raise AssertionError(f"walk stuck at {session.state!r} after {taps} taps")
        state = self.engine.flow.states.get(current.question or "")
        if _is_checklist(self.engine, state) or current.question == COUNTRY_QUESTION:
            options = [_calm_choice(current)]
        else:
            options = [
                c.id
                for c in current.choices
                if not any(is_danger(self.engine, f) for f in c.findings)
            ]
        for choice in options:
            branch = _clone(session)
            more = self.send(branch, EventKind.CHOICE, choice)
            yield from self._paths(branch, more, taps + 1, words + _words(more), danger)

    def _danger_paths(self, session: Session, replies: list[Reply]) -> Iterator[Path]:
        """For every danger-sign button: calm answers until it is offered, then that button."""
        seen: set[tuple[str, str]] = set()
        for state in self.engine.flow.states.values():
            for choice in state.choices:
                dangers = [f for f in choice.findings if is_danger(self.engine, f)]
                if len(dangers) != 1 or (state.name, choice.id) in seen:
                    continue
                seen.add((state.name, choice.id))
                path = self._first_path_with(session, replies, state.name, choice.id)
                if path is not None:
                    first = state.name == self.engine.flow.start
                    yield Path(path.taps, path.words, path.level, path.result, dangers[0], first)

    def _first_path_with(
        self, session: Session, replies: list[Reply], state: str, choice: str
    ) -> Path | None:
        """The shortest calm walk that reaches ``state`` and taps ``choice`` there."""
        start = _clone(session)
        paths = self._walk_to(start, replies, state, choice, 0, _words(replies))
        return min(paths, key=lambda p: p.taps, default=None)

    def _walk_to(
        self,
        session: Session,
        replies: list[Reply],
        target: str,
        choice: str,
        taps: int,
        words: int,
    ) -> Iterator[Path]:
        outcome = next((r for r in replies if r.kind is ReplyKind.OUTCOME), None)
        if outcome is not None:
            return
        current = _current(replies)
        if current is None or taps >= MAX_TAPS:
            return
        if current.question == target and any(c.id == choice for c in current.choices):
            branch = _clone(session)
            more = self.send(branch, EventKind.CHOICE, choice)
            yield from self._finish(branch, more, taps + 1, words + _words(more))
            return
        branch = _clone(session)
        more = self.send(branch, EventKind.CHOICE, _calm_choice(current))
        yield from self._walk_to(branch, more, target, choice, taps + 1, words + _words(more))

    def _finish(
        self, session: Session, replies: list[Reply], taps: int, words: int
    ) -> Iterator[Path]:
        """After the danger button: the first calm answer at every question until a result."""
        for _ in range(MAX_TAPS):
            outcome = next((r for r in replies if r.kind is ReplyKind.OUTCOME), None)
            if outcome is not None:
                before = replies[: replies.index(outcome)]
                level = session.level or ""
                yield Path(taps, words - _words(replies) + _words(before), level, outcome)
                return
            current = _current(replies)
            if current is None:
                return
            replies = self.send(session, EventKind.CHOICE, _calm_choice(current))
            taps += 1
            words += _words(replies)


def measure(engine: Engine, locale: str, *, first_time: bool = False) -> Measures:
    """Walk every path in ``locale``: for a returning person (the country question was asked
    at their first check), or with ``first_time`` for someone who has never been asked."""
    if first_time and not engine.ask_country:  # the same engine, with the question on
        engine = Engine(
            engine.flow,
            engine.catalog,
            engine.listener,
            clock=engine.clock,
            countries=engine.countries or CountryCatalog.load(data_path("content")),
            ask_country=True,
        )
    return Walker(engine, locale, first_time=first_time).run()


def summary(engine: Engine, locales: tuple[str, ...] = ("en", "ru")) -> str:
    """The table ``python -m benchmarks`` prints after the timing rows."""
    lines = ["Conversation (deterministic walker over every path; counts, not timings)"]
    for locale in locales:
        m = measure(engine, locale)
        taps = [p.taps for p in m.calm]
        words = max(p.words for p in m.calm)
        lines.append(
            f"[{locale}] calm paths {len(m.calm):,}: taps min {min(taps)} median "
            f"{statistics.median(taps):g} max {max(taps)}; words before the result max {words}; "
            f"welcome {len(m.welcome)} chars"
        )
        levels = sorted({p.level for p in m.calm}, key=engine.flow.rules.rank)
        for level in levels:
            t = [p.taps for p in m.calm if p.level == level]
            n = [len(p.result.text) for p in m.calm if p.level == level]
            lines.append(
                f"  calm -> {level}: {len(t):,} paths, taps {min(t)}/{statistics.median(t):g}/"
                f"{max(t)}, first result {min(n)}-{max(n)} chars"
            )
        for level in DANGER_LEVELS:
            hits = [p for p in m.danger if p.level == level]
            if hits:
                t = [p.taps for p in hits]
                n = [len(p.result.text) for p in hits]
                lines.append(
                    f"  one danger sign -> {level}: {len(hits)} signs, taps {min(t)}-{max(t)}, "
                    f"first result {min(n)}-{max(n)} chars"
                )
        every = [p.taps for p in m.danger]
        lines.append(
            f"  every single danger sign ({len(every)} signs): its result in {min(every)}-"
            f"{max(every)} taps"
        )
        first = [p.taps for p in m.danger if p.first_screen]
        if first:
            lines.append(f"  danger sign on the first screen: result in {max(first)} tap(s)")
        new = measure(engine, locale, first_time=True)
        once = [p.taps for p in new.calm]
        stops = [p.taps for p in new.danger if not p.first_screen]
        lines.append(
            f'  first check ever (asks "Where are you now?" once): calm taps min {min(once)} '
            f"median {statistics.median(once):g} max {max(once)}; danger sign on the first "
            f"screen {max(p.taps for p in new.danger if p.first_screen)} tap(s), later signs "
            f"{min(stops)}-{max(stops)} taps"
        )
        q, qn = m.longest_question()
        label, ln = m.longest_label()
        lines.append(f"  longest question {q} ({qn} chars); longest label {label!r} ({ln} chars)")
    return "\n".join(lines)
