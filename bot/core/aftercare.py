"""After the first answer: the cold-compress timer, check-ins that escalate, /stop, /summary.

First aid does not end with one message. The compress must come off after 15-20 minutes, and
pain that is worse, or not better after 3 days, needs a doctor. This module turns those rules
into replies and into typed effects (:mod:`bot.core.effects`); the service stores the
reminders next to the session and the scheduler delivers them when due. It receives what it
needs (the renderer, the flow, a clock), never the engine, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.effects import Cancel, Effect, Schedule
from bot.core.flow.model import Flow
from bot.core.flow.vocabulary import (
    BETTER,
    COMPRESS_TIMER,
    NEW_SYMPTOM,
    REMIND_NEXT,
    SAME,
    START_TIMER,
    STOP,
    WORSE,
)
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.prompts import CheckIn, Compress, Prompt, encode
from bot.core.reminders import (
    CHECKIN,
    CHECKIN_AFTER,
    COMPRESS_EVERY,
    COMPRESS_MINUTES,
    COMPRESS_NEXT,
    COMPRESS_OFF,
    HOUR,
    MINUTE,
    MISSED_COMPRESS,
    QuietHours,
    Reminder,
    compress_allowed,
)
from bot.core.render import Renderer
from bot.core.session import Session

LATE_CHECKIN = 60 * HOUR  # a check-in this long after the triage is the "3 days" one


class Aftercare:
    """Follow-up behaviour for one engine (stateless; everything lives in the session)."""

    def __init__(
        self, render: Renderer, flow: Flow, clock: Callable[[], float], quiet: QuietHours
    ) -> None:
        self.render = render
        self.flow = flow
        self.clock = clock
        self.quiet = quiet

    def _t(self, key: str, session: Session, **values: object) -> str:
        return self.render.t(key, session, **values)

    def _prompt(self, session: Session, key: str, prompt: Prompt, ids: tuple[str, ...]) -> Reply:
        session.pending = prompt
        choices = tuple(Choice(i, self._t(f"choices.{i}", session)) for i in ids)
        return Reply(
            ReplyKind.QUESTION, key, self._t(key, session), choices, question=encode(prompt)
        )

    def followup(self, session: Session, choice: str, effects: list[Effect]) -> list[Reply]:
        """A follow-up button under an outcome: start the timer, or agree to check-ins.

        Pressing either again replaces what it scheduled instead of adding a second one.
        """
        now = self.clock()
        if choice == COMPRESS_TIMER:
            return [self._start_timer(session, now, effects)]
        effects.append(Cancel(session.user, CHECKIN))
        effects.extend(
            Schedule(Reminder(session.user, CHECKIN, self._quiet(session, now + after)))
            for after in CHECKIN_AFTER
        )
        return [self.render.info("ui.checkins_on", session)]

    def _quiet(self, session: Session, when: float) -> float:
        """Out of quiet hours in the person's own time zone (stored, else their country's
        main one), else the operator's configured zone."""
        country = self.render.country(session)
        zone = session.zone or (country.zone if country else None)
        return self.quiet.shift(when, zone)

    def _start_timer(self, session: Session, now: float, effects: list[Effect]) -> Reply:
        if not compress_allowed(session.triaged_at, now):
            return self.render.info("ui.compress_over", session)
        due = now + COMPRESS_MINUTES * MINUTE
        effects.append(Cancel(session.user, COMPRESS_OFF))
        effects.append(Schedule(Reminder(session.user, COMPRESS_OFF, due)))
        return self.render.info("ui.timer_started", session)

    def remind(self, session: Session, kind: str) -> list[Reply]:
        """The message for a reminder that came due."""
        if kind == COMPRESS_OFF:
            return [self._prompt(session, "ui.compress_off", Compress(), (REMIND_NEXT, STOP))]
        if kind == MISSED_COMPRESS:
            return [self.render.info("ui.compress_missed", session, ReplyKind.WARNING)]
        if kind == COMPRESS_NEXT:
            return [self._prompt(session, "ui.compress_next", Compress(), (START_TIMER, STOP))]
        return [
            self._prompt(
                session, "ui.checkin_question", CheckIn(), (BETTER, SAME, WORSE, NEW_SYMPTOM)
            )
        ]

    def answer(
        self, session: Session, prompt: Prompt, value: str, effects: list[Effect]
    ) -> list[Reply] | None:
        """A press on a reminder's button; None when the value is not one of its buttons."""
        now = self.clock()
        session.pending = None
        if value == STOP:
            return self.stop(session, effects)
        if isinstance(prompt, Compress) and value == START_TIMER:
            return [self._start_timer(session, now, effects)]
        if isinstance(prompt, Compress) and value == REMIND_NEXT:
            if not compress_allowed(session.triaged_at, now + COMPRESS_EVERY):
                return [self.render.info("ui.compress_over", session)]
            due = self._quiet(session, now + COMPRESS_EVERY)
            effects.append(Cancel(session.user, COMPRESS_NEXT))
            effects.append(Schedule(Reminder(session.user, COMPRESS_NEXT, due)))
            return [self.render.info("ui.next_compress_set", session)]
        if isinstance(prompt, CheckIn) and value in (BETTER, SAME, WORSE, NEW_SYMPTOM):
            session.checkins.append((now, value))
            return self._checkin(session, value, now, effects)
        return None

    def _checkin(
        self, session: Session, value: str, now: float, effects: list[Effect]
    ) -> list[Reply]:
        if value == BETTER:
            return [self.render.info("ui.checkin_better", session)]
        late = session.triaged_at is not None and now - session.triaged_at >= LATE_CHECKIN
        if value == SAME and not late:
            return [self.render.info("ui.checkin_same_early", session)]
        if value == SAME:
            self._note(session, "duration_over_3_days")
            self._settle(session)
            effects.append(Cancel(session.user, CHECKIN))
            return [self.render.info("ui.checkin_same_late", session, ReplyKind.WARNING)]
        if value == WORSE:
            self._note(session, "pain_getting_worse")
        return self._rescreen(session, "ui.checkin_worse" if value == WORSE else "ui.checkin_new")

    def _note(self, session: Session, finding: str) -> None:
        if finding not in session.noted:
            session.noted.append(finding)

    def _settle(self, session: Session) -> None:
        """Store the more urgent outcome just announced, so later screens (/region, the
        summary) show what was last said rather than the earlier, calmer result."""
        rules = self.flow.rules
        level = rules.verdict(session.findings).level
        if session.level is None or rules.rank(level) < rules.rank(session.level):
            session.level = level
            session.state = self.flow.outcome_state(level)

    def _rescreen(self, session: Session, key: str) -> list[Reply]:
        """Worse or new: ask the red-flag screen again; earlier findings keep counting."""
        for finding in session.findings:
            self._note(session, finding)
        session.answers.clear()
        session.state = self.flow.start
        session.level = None
        warning = self.render.info(key, session, ReplyKind.WARNING)
        return [warning, self.render.question(session)]

    def stop(self, session: Session, effects: list[Effect]) -> list[Reply]:
        """Cancel every reminder of this person."""
        effects.append(Cancel(session.user))
        if isinstance(session.pending, Compress | CheckIn):
            session.pending = None
        return [self.render.info("ui.stopped", session)]

    def summary(self, session: Session) -> list[Reply]:
        """The last triage and the check-in answers, worded for a doctor."""
        if session.triaged_at is None:
            return [self.render.info("ui.no_summary", session)]
        card = self.render.summary(session, self.flow.rules.verdict(session.findings))
        if not session.checkins:
            return [card]
        lines = [card.text, self._t("ui.summary_checkins", session)]
        for when, value in session.checkins:
            hours = round((when - session.triaged_at) / HOUR)
            lines.append(f"• +{hours} h: {self._t(f'choices.{value}', session)}")
        return [Reply(card.kind, card.key, "\n".join(lines))]
