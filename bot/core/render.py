"""Turn flow states and verdicts into replies in the person's language.

The engine decides *what* happens; this module decides *what it looks like*: which choices a
question offers, how a result fits one phone screen (the action on the first line, at most
five first-aid steps tailored to the answers, the details one tap away), how every number is
named (:meth:`Renderer.numbers`, the one place), and how the summary card for a doctor reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

from bot.core.content import Catalog
from bot.core.countries import Country, CountryCatalog, Numbers
from bot.core.flow.model import Flow, FlowChoice, FlowState
from bot.core.flow.rules import Verdict
from bot.core.flow.vocabulary import RESTART, SET_REGION
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.pictures import Picture, alt_key, caption_key
from bot.core.placeholders import DEFAULT_COMMANDS
from bot.core.session import Answer, Session
from bot.core.sofar import compact

NONE_OF_THESE, NOT_SURE = "none_of_these", "not_sure"
AMBULANCE, DEPARTMENT = "emergency_ambulance", "emergency_department"
# Pictures shown before a detail screen (bot/core/pictures.py).
PICTURES: dict[str, tuple[Picture, ...]] = {
    "cold": (Picture.COLD_PACK_LOWER_BACK,),
    "positions": (Picture.BACK_CALVES_ON_CHAIR, Picture.SIDE_PILLOW_BETWEEN_KNEES),
}
SIDE_ONLY = (Picture.SIDE_PILLOW_BETWEEN_KNEES,)  # pregnancy after 28 weeks: not on the back
# Answers of the "how is it going" question that tailor the first aid.
STARTED_TODAY = ("course", "today")
PAST_72_HOURS = frozenset({("course", "over_three_improving"), ("course", "over_three_days")})
NO_NSAIDS = frozenset({"dark_urine_after_exercise", "muscle_swelling_after_training"})
MAX_STEPS = 5
MAX_REASONS = 2  # the summary card for a doctor lists every answer
SCREEN = 900  # characters of the first result message: one phone screen
# How commands are called on the platform of the event being answered: one engine serves
# every platform, and a step (synchronous, so nothing else runs meanwhile) renders under
# the names its event brought (:meth:`Renderer.commands`).
_COMMANDS: ContextVar[Mapping[str, str]] = ContextVar("commands", default=DEFAULT_COMMANDS)


class Renderer:
    """Renders replies for one flow and one content catalog."""

    def __init__(
        self,
        flow: Flow,
        catalog: Catalog,
        hide: tuple[str, ...] = (),
        countries: CountryCatalog | None = None,
    ) -> None:
        self.flow = flow
        self.catalog = catalog
        self.hide = hide
        self.countries = countries
        self._lines = Numbers(catalog)
        self._numbers: dict[tuple[str, str], dict[str, str]] = {}
        self._questions: dict[tuple[str, str, str, tuple[str, ...]], Reply] = {}

    def t(self, key: str, session: Session, **values: object) -> str:
        """A text in the session's locale with the emergency numbers and the platform's
        command names (``{start}``) always at hand."""
        # the caller's own values win over the command names of the same name
        filled = {**self.numbers(session), **_COMMANDS.get(), **values}
        return self.catalog.text(key, self.locale(session), **filled)

    @contextmanager
    def commands(self, names: Mapping[str, str] | None) -> Iterator[None]:
        """Render what happens inside with the platform's command names (None: the defaults,
        ``/start`` and so on, as Telegram and the terminal call them)."""
        token = _COMMANDS.set({**DEFAULT_COMMANDS, **names} if names else DEFAULT_COMMANDS)
        try:
            yield
        finally:
            _COMMANDS.reset(token)

    def locale(self, session: Session) -> str:
        return session.locale or self.catalog.locales[0]

    def info(self, key: str, session: Session, kind: ReplyKind = ReplyKind.INFO) -> Reply:
        return Reply(kind=kind, key=key, text=self.t(key, session))

    def numbers(self, session: Session) -> dict[str, str]:
        """``{number}`` and ``{urgent}`` for the templates: every number shown comes from here.

        The number follows the person's country, never their language: with no country known
        it is "112 or your local emergency number" (112 reaches emergency services from
        mobile phones in most countries). A country (``session.country``, from
        ``content/countries.yaml``) decides. Rendered once per (country, locale).
        """
        key = (session.country or "", self.locale(session))
        cached = self._numbers.get(key)
        if cached is None:
            cached = self._numbers[key] = self._render_numbers(*key)
        return cached

    def country(self, session: Session) -> Country | None:
        """The person's country, when they named one we have data for."""
        return self.countries.get(session.country) if self.countries else None

    def _render_numbers(self, code: str, locale: str) -> dict[str, str]:
        country = self.countries.get(code) if self.countries and code else None
        if country is not None:
            line = self._lines.non_urgent(country)
            urgent = (
                self.catalog.text("ui.non_urgent", locale, line=line.text(locale))
                if line is not None
                else self.catalog.text("ui.urgent_unknown_region", locale)
            )
            return {"number": self._lines.emergency_line(country, locale), "urgent": urgent}
        return {
            "number": self.catalog.text("ui.number_unknown", locale),
            "urgent": self.catalog.text("ui.urgent_unknown_region", locale),
        }

    # -- questions ----------------------------------------------------------------------

    def available(self, session: Session, state: FlowState) -> tuple[FlowChoice, ...]:
        """The choices that still count: a checklist does not take an item twice."""
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
        place = session.country or ""
        key = (state.name, self.locale(session), place, picked)
        cached = self._questions.get(key)
        if cached is None:
            if len(self._questions) > 10_000:
                self._questions.clear()
            cached = self._questions[key] = self._question(session, state, picked)
        return cached

    def _question(self, session: Session, state: FlowState, picked: tuple[str, ...]) -> Reply:
        """A checklist asked again keeps every button where it was (numbers stay stable):
        picked items carry a tick, "None of these" becomes "Nothing else"."""
        if not picked:
            text = self.t(state.text, session)
            choices = tuple(
                Choice(c.id, self.t(c.label, session), c.findings) for c in state.choices
            )
            return Reply(ReplyKind.QUESTION, state.text, text, choices, question=state.name)
        buttons = []
        for c in state.choices:
            if c.id == NOT_SURE:
                continue
            if c.id == NONE_OF_THESE:
                buttons.append(Choice(c.id, self.t("choices.nothing_else", session)))
            elif c.id in picked:
                label = self.t("ui.picked", session, label=self.t(c.label, session))
                buttons.append(Choice(c.id, label, c.findings))
            else:
                buttons.append(Choice(c.id, self.t(c.label, session), c.findings))
        text = self.t("ui.anything_else", session)
        return Reply(ReplyKind.QUESTION, state.text, text, tuple(buttons), question=state.name)

    def so_far(self, session: Session) -> str | None:
        """The compact "so far" line of this check's answers (None before the first)."""
        labels = []
        for answer in session.answers:
            state = self.flow.states.get(answer.question)
            choice = state.choice(answer.choice) if state is not None else None
            if choice is not None:
                labels.append(self.t(choice.label, session))
        return self.t("ui.so_far", session, answers=compact(labels)) if labels else None

    # -- results ------------------------------------------------------------------------

    def followups(self, session: Session, state: FlowState) -> Reply:
        """The buttons under a result: the details, the country while unknown, a new check."""
        country = self.country(session)
        if country is not None:  # shown, with a way to change it
            label = f"{country.flag} {self.t('choices.change_country', session)}"
            region: tuple[Choice, ...] = (Choice(SET_REGION, label),)
        else:
            region = (Choice(SET_REGION, self.t("choices.set_region", session)),)
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
        """The result of the current outcome state, with the details as buttons under it."""
        state = self.flow.states[session.state or ""]
        return [self.result(session, verdict, state), self.followups(session, state)]

    def result(self, session: Session, verdict: Verdict, state: FlowState) -> Reply:
        """The result of the outcome ``state``: action first, then what to do now, why.

        Also shown early, while the questionnaire goes on (``early_levels`` in rules.yaml),
        so it depends only on the state and the answers, not on where the session stands.
        """
        level = state.outcome or verdict.level
        if level == AMBULANCE:
            parts = [self.t("outcomes.emergency_ambulance.text", session)]
        elif level == DEPARTMENT:
            parts = self._department(session, verdict)
        else:
            parts = self._home(session, verdict, level)
        closing = self.t("ui.not_a_diagnosis", session)
        text = "\n".join([*parts, self.because(session, verdict), closing])
        if len(text) > SCREEN:  # a long country line: one reason is enough, the card has all
            text = "\n".join([*parts, self.because(session, verdict, 1), closing])
        return Reply(
            ReplyKind.OUTCOME,
            state.text,
            text,
            question=state.name,
            findings=verdict.because,
        )

    def stays(self, session: Session, verdict: Verdict, state: FlowState) -> list[Reply]:
        """The end of the questions after an early result that nothing changed: one line with
        the action again, and the details as buttons (the result itself is already shown)."""
        action = self.result(session, verdict, state).text.split("\n", 1)[0]
        line = Reply(
            ReplyKind.INFO, "ui.advice_stays", self.t("ui.advice_stays", session, action=action)
        )
        return [line, self.followups(session, state)]

    def _department(self, session: Session, verdict: Verdict) -> list[str]:
        """Hospital today; "call" as the headline when they can't walk or get there."""
        found = set(verdict.findings)
        headline = "call" if "cannot_walk_or_care_for_self" in found else "text"
        parts = [self.t(f"outcomes.emergency_department.{headline}", session)]
        if "dark_urine_after_exercise" in found:
            parts.append(self.t("outcomes.emergency_department.dark_urine", session))
        if "pregnancy_warning_signs" in found:
            parts.append(self.t("outcomes.emergency_department.pregnancy", session))
        return parts

    def _home(self, session: Session, verdict: Verdict, level: str) -> list[str]:
        """Every non-emergency result leads with the same tailored first aid; the urgent
        referral comes first (clinical.md 2), the doctor and self-care lines after it."""
        found = set(verdict.findings)
        parts = [self.t(f"outcomes.{level}.action", session)]
        line = self.t(f"outcomes.{level}.line", session)
        if level == "urgent_doctor":
            parts.append(line)
            if "muscle_swelling_after_training" in found:
                parts.append(self.t("outcomes.urgent_doctor.muscles", session))
        parts.append(self.first_aid(session, verdict))
        if level != "urgent_doctor":
            parts.append(line)
        if "pregnancy" in found:
            parts.append(self.t("outcomes.pregnancy", session))
        if "muscle_swelling_after_training" not in found:  # its own line says no NSAIDs
            parts.append(self.t(self._medicines(found), session))
        parts.append(self.t("outcomes.safety_net", session))
        return parts

    def _medicines(self, found: set[str]) -> str:
        if "pregnancy" in found:
            return "outcomes.medicines_pregnancy"
        if found & NO_NSAIDS:
            return "outcomes.medicines_avoid"
        return "outcomes.medicines"

    def first_aid(self, session: Session, verdict: Verdict) -> str:
        """At most five numbered steps that fit what the person said."""
        found = set(verdict.findings)
        said = {(a.question, a.choice) for a in session.answers}
        muscles = "muscle_swelling_after_training" in found  # its own step says stop training
        steps = ["stop"] if STARTED_TODAY in said and not muscles else []
        steps.append("positions_pregnant" if "pregnancy" in found else "positions")
        steps.extend(["after_72h"] if said & PAST_72_HOURS else ["cold", "no_heat"])
        steps.append("move_muscles" if muscles else "move")
        return "\n".join(
            f"{i}. {self.t(f'outcomes.steps.{step}', session)}"
            for i, step in enumerate(steps[:MAX_STEPS], 1)
        )

    def because(self, session: Session, verdict: Verdict, most: int = MAX_REASONS) -> str:
        """ "Why: you said ..." in one line, from the findings behind the level."""
        if not verdict.because:
            return self.t("ui.because_nothing", session)
        tapped = {f for a in session.answers for f in a.findings}
        reasons = verdict.because[:most]
        said = [self.finding(session, f) for f in reasons if f in tapped]
        typed = [self.finding(session, f) for f in reasons if f not in tapped]
        parts = [f"{self.t('ui.because', session)} {'; '.join(said)}"] if said else []
        if typed:
            key = "ui.you_wrote" if said else "ui.because_typed"
            parts.append(f"{self.t(key, session)}: {'; '.join(typed)}")
        return "; ".join(parts) + "."

    def finding(self, session: Session, finding: str) -> str:
        return self.t(f"findings.{finding}", session)

    def detail(self, session: Session, followup: str) -> list[Reply]:
        """A detail screen under a result, its pictures first (caption: what they show)."""
        pictures = PICTURES.get(followup, ())
        if followup == "positions" and "pregnancy" in session.findings:
            pictures = SIDE_ONLY
        replies = [
            Reply(
                ReplyKind.IMAGE,
                caption_key(picture),
                self.t(caption_key(picture), session),
                image=picture.value,
                alt=self.t(alt_key(picture), session),
            )
            for picture in pictures
        ]
        replies.append(self.info(f"followups.{followup}.text", session))
        return replies

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
            lines.append(f"• {self.t(state.short, session)}: {label}")
        lines.extend(
            f"• {self.t('ui.you_wrote', session)}: {self.finding(session, f)}"
            for f in session.noted
        )
        lines.append(self.t("ui.summary_footer", session))
        return Reply(ReplyKind.INFO, "followups.summary.text", "\n".join(lines))
