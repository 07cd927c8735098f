"""Turn flow states and verdicts into replies in the person's language.

The engine decides *what* happens; this module decides *what it looks like*: which choices a
question still offers, how an outcome names the emergency number and says "because you said",
and how the summary card for a doctor reads.
"""

from __future__ import annotations

import time

from bot.core.content import Catalog
from bot.core.flow.model import Flow, FlowChoice, FlowState
from bot.core.flow.rules import Verdict
from bot.core.flow.vocabulary import RESTART, SET_REGION
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.regions import REGIONS
from bot.core.session import Answer, Session


class Renderer:
    """Renders replies for one flow and one content catalog."""

    def __init__(self, flow: Flow, catalog: Catalog, hide: tuple[str, ...] = ()) -> None:
        self.flow = flow
        self.catalog = catalog
        self.hide = hide
        self._numbers: dict[tuple[str, str], dict[str, str]] = {}
        self._questions: dict[tuple[str, str, str, tuple[str, ...]], Reply] = {}

    def t(self, key: str, session: Session, **values: object) -> str:
        """A text in the session's locale with the emergency numbers always at hand."""
        return self.catalog.text(key, self.locale(session), **self.numbers(session), **values)

    def locale(self, session: Session) -> str:
        return session.locale or self.catalog.locales[0]

    def info(self, key: str, session: Session, kind: ReplyKind = ReplyKind.INFO) -> Reply:
        return Reply(kind=kind, key=key, text=self.t(key, session))

    def numbers(self, session: Session) -> dict[str, str]:
        """``{number}`` (one region, or every region) and ``{urgent}`` for the templates.

        Rendered once per (region, locale): every text of every reply asks for them.
        """
        key = (session.region or "", self.locale(session))
        cached = self._numbers.get(key)
        if cached is None:
            cached = self._numbers[key] = self._render_numbers(*key)
        return cached

    def _render_numbers(self, region_id: str, locale: str) -> dict[str, str]:
        region = REGIONS.get(region_id)
        if region is None:
            by_number: dict[str, list[str]] = {}
            for r in REGIONS.values():
                by_number.setdefault(r.emergency, []).append(
                    self.catalog.text(f"regions.{r.id}", locale)
                )
            listing = ", ".join(f"{n} ({', '.join(names)})" for n, names in by_number.items())
            return {
                "number": listing,
                "urgent": self.catalog.text("ui.urgent_unknown_region", locale),
            }
        urgent = self.catalog.text(f"regions.urgent.{region.id}", locale, number=region.urgent)
        return {"number": region.call, "urgent": urgent}

    def available(self, session: Session, state: FlowState) -> tuple[FlowChoice, ...]:
        """The choices still open: a multi question hides items already picked this visit."""
        if not state.multi:
            return state.choices
        picked = {a.choice for a in self.visit(session, state.name)}
        return tuple(c for c in state.choices if c.id not in picked)

    def visit(self, session: Session, state: str) -> list[Answer]:
        """Answers given on the current visit to ``state`` (the tail of the history)."""
        tail: list[Answer] = []
        for answer in reversed(session.answers):
            if answer.question != state:
                break
            tail.append(answer)
        return tail

    def question(self, session: Session) -> Reply:
        """The current question with its buttons.

        A question depends only on the state, the language, the region and the items already
        picked, and replies are immutable, so each variant is rendered once and reused.
        """
        state = self.flow.states[session.state or self.flow.start]
        if state.outcome is not None:
            return self.followups(session, state)
        picked = tuple(a.choice for a in self.visit(session, state.name)) if state.multi else ()
        key = (state.name, self.locale(session), session.region or "", picked)
        cached = self._questions.get(key)
        if cached is None:
            if len(self._questions) > 10_000:
                self._questions.clear()
            cached = self._questions[key] = self._question(session, state, bool(picked))
        return cached

    def _question(self, session: Session, state: FlowState, again: bool) -> Reply:
        text = self.t(state.text, session)
        if again:
            text = f"{self.t('ui.anything_else', session)}\n{text}"
        choices = tuple(
            Choice(c.id, self._label(session, c, again), c.findings)
            for c in self.available(session, state)
        )
        return Reply(ReplyKind.QUESTION, state.text, text, choices, question=state.name)

    def _label(self, session: Session, choice: FlowChoice, again: bool) -> str:
        if again and choice.done and choice.id == "none_of_these":
            return self.t("choices.nothing_else", session)
        return self.t(choice.label, session)

    def followups(self, session: Session, state: FlowState) -> Reply:
        """The buttons under an outcome: optional info screens and a fresh start.

        While the region is unknown the outcome lists every emergency number; the first
        button then offers to set the country so the screen can name the exact one.
        """
        region = (
            () if session.region else (Choice(SET_REGION, self.t("choices.set_region", session)),)
        )
        choices = (
            *region,
            *(
                Choice(f, self.t(f"followups.{f}.label", session))
                for f in state.followups
                if f not in self.hide
            ),
            Choice(RESTART, self.t("choices.restart", session)),
        )
        return Reply(
            ReplyKind.QUESTION,
            "ui.followups",
            self.t("ui.followups", session),
            choices,
            question=state.name,
        )

    def outcome(self, session: Session, verdict: Verdict) -> list[Reply]:
        """The outcome screen: banner, number, what to do, why, safety net; then follow-ups."""
        state = self.flow.states[session.state or ""]
        parts = []
        if verdict.red_flags or verdict.level in self.flow.rules.stop_levels:
            parts.append(self.t("ui.red_flag_banner", session))
        parts.append(self.t(state.text, session))
        parts.extend(self.t(key, session) for key in state.also)
        if verdict.level not in self.flow.rules.stop_levels:
            parts.extend(
                self.t(key, session) for f, key in self.flow.notes.items() if f in verdict.findings
            )
        parts.append(self.because(session, verdict))
        parts.append(self.t("ui.not_a_diagnosis", session))
        text = "\n\n".join(parts)
        outcome = Reply(
            ReplyKind.OUTCOME, state.text, text, question=state.name, findings=verdict.because
        )
        return [outcome, self.followups(session, state)]

    def because(self, session: Session, verdict: Verdict) -> str:
        """ "Because you said ..." from the answers (and typed words) behind the level."""
        lines: list[str] = []
        reasons = set(verdict.because)
        for answer in session.answers:
            if reasons.intersection(answer.findings):
                state = self.flow.states[answer.question]
                choice = state.choice(answer.choice)
                label = self.t(choice.label, session) if choice else answer.choice
                lines.append(f"• {self.t(f'questions.{state.name}.short', session)}: {label}")
        for finding in session.noted:
            if finding in reasons:
                lines.append(
                    f"• {self.t('ui.you_wrote', session)}: {self.finding(session, finding)}"
                )
        if not lines:
            return self.t("ui.because_nothing", session)
        return "\n".join([self.t("ui.because", session), *lines])

    def finding(self, session: Session, finding: str) -> str:
        return self.t(f"findings.{finding}", session)

    def summary(self, session: Session, verdict: Verdict) -> Reply:
        """A card the person can show a doctor: date, level, every answer, typed red flags."""
        stamp = session.triaged_at or session.updated_at or time.time()
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))
        lines = [
            self.t("ui.summary_title", session, date=when),
            self.t("ui.summary_level", session, level=self.t(f"levels.{verdict.level}", session)),
        ]
        for answer in session.answers:
            state = self.flow.states[answer.question]
            choice = state.choice(answer.choice)
            label = self.t(choice.label, session) if choice else answer.choice
            lines.append(f"• {self.t(f'questions.{state.name}.short', session)}: {label}")
        lines.extend(
            f"• {self.t('ui.you_wrote', session)}: {self.finding(session, f)}"
            for f in session.noted
        )
        lines.append(self.t("ui.summary_footer", session))
        return Reply(ReplyKind.INFO, "followups.summary.text", "\n".join(lines))
