"""After the first answer: the cold-compress timer, check-ins that escalate, /stop, /summary.

First aid does not end with one message. The compress must come off after 15-20 minutes, and
pain that is worse, or not better after 3 days, needs a doctor. This module turns those rules
into replies and into scheduling requests on ``session.outbox``; the service stores the
requests next to the session and the scheduler delivers them when due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.flow.vocabulary import (
    BETTER,
    COMPRESS_TIMER,
    NEW_SYMPTOM,
    PROMPT_CHECKIN,
    PROMPT_COMPRESS,
    REMIND_NEXT,
    SAME,
    START_TIMER,
    STOP,
    WORSE,
)
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.regions import REGIONS
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
from bot.core.session import Session

if TYPE_CHECKING:
    from bot.core.engine import Engine

LATE_CHECKIN = 60 * HOUR  # a check-in this long after the triage is the "3 days" one


class Aftercare:
    """Follow-up behaviour for one engine (stateless; everything lives in the session)."""

    def __init__(self, engine: Engine, quiet: QuietHours) -> None:
        self.engine = engine
        self.quiet = quiet

    def _t(self, key: str, session: Session, **values: object) -> str:
        return self.engine.render.t(key, session, **values)

    def _prompt(self, session: Session, key: str, prompt: str, ids: tuple[str, ...]) -> Reply:
        session.pending = prompt
        choices = tuple(Choice(i, self._t(f"choices.{i}", session)) for i in ids)
        return Reply(ReplyKind.QUESTION, key, self._t(key, session), choices, question=prompt)

    def followup(self, session: Session, choice: str) -> list[Reply]:
        """A follow-up button under an outcome: start the timer, or agree to check-ins."""
        now = self.engine.clock()
        if choice == COMPRESS_TIMER:
            return [self._start_timer(session, now)]
        session.outbox.extend(
            ("schedule", Reminder(session.user, CHECKIN, self._quiet(session, now + after)))
            for after in CHECKIN_AFTER
        )
        return [self.engine.render.info("ui.checkins_on", session)]

    def _quiet(self, session: Session, when: float) -> float:
        """Out of quiet hours in the person's region's time zone, else the configured one."""
        region = REGIONS.get(session.region or "")
        return self.quiet.shift(when, region.zone if region else None)

    def _start_timer(self, session: Session, now: float) -> Reply:
        if not compress_allowed(session.triaged_at, now):
            return self.engine.render.info("ui.compress_over", session)
        due = now + COMPRESS_MINUTES * MINUTE
        session.outbox.append(("schedule", Reminder(session.user, COMPRESS_OFF, due)))
        return self.engine.render.info("ui.timer_started", session)

    def remind(self, session: Session, kind: str) -> list[Reply]:
        """The message for a reminder that came due."""
        if kind == COMPRESS_OFF:
            return [self._prompt(session, "ui.compress_off", PROMPT_COMPRESS, (REMIND_NEXT, STOP))]
        if kind == MISSED_COMPRESS:
            return [self.engine.render.info("ui.compress_missed", session, ReplyKind.WARNING)]
        if kind == COMPRESS_NEXT:
            return [self._prompt(session, "ui.compress_next", PROMPT_COMPRESS, (START_TIMER, STOP))]
        return [
            self._prompt(
                session, "ui.checkin_question", PROMPT_CHECKIN, (BETTER, SAME, WORSE, NEW_SYMPTOM)
            )
        ]

    def answer(self, session: Session, prompt: str, value: str) -> list[Reply] | None:
        """A press on a reminder's button; None when the value is not one of its buttons."""
        now = self.engine.clock()
        session.pending = None
        if value == STOP:
            return self.stop(session)
        if prompt == PROMPT_COMPRESS and value == START_TIMER:
            return [self._start_timer(session, now)]
        if prompt == PROMPT_COMPRESS and value == REMIND_NEXT:
            if not compress_allowed(session.triaged_at, now + COMPRESS_EVERY):
                return [self.engine.render.info("ui.compress_over", session)]
            due = self._quiet(session, now + COMPRESS_EVERY)
            session.outbox.append(("schedule", Reminder(session.user, COMPRESS_NEXT, due)))
            return [self.engine.render.info("ui.next_compress_set", session)]
        if prompt == PROMPT_CHECKIN and value in (BETTER, SAME, WORSE, NEW_SYMPTOM):
            session.checkins.append((now, value))
            return self._checkin(session, value, now)
        return None

    def _checkin(self, session: Session, value: str, now: float) -> list[Reply]:
        if value == BETTER:
            return [self.engine.render.info("ui.checkin_better", session)]
        late = session.triaged_at is not None and now - session.triaged_at >= LATE_CHECKIN
        if value == SAME and not late:
            return [self.engine.render.info("ui.checkin_same_early", session)]
        if value == SAME:
            self._note(session, "duration_over_3_days")
            session.outbox.append(("cancel", CHECKIN))
            return [self.engine.render.info("ui.checkin_same_late", session, ReplyKind.WARNING)]
        if value == WORSE:
            self._note(session, "pain_getting_worse")
        return self._rescreen(session, "ui.checkin_worse" if value == WORSE else "ui.checkin_new")

    def _note(self, session: Session, finding: str) -> None:
        if finding not in session.noted:
            session.noted.append(finding)

    def _rescreen(self, session: Session, key: str) -> list[Reply]:
        """Worse or new: ask the red-flag screen again; earlier findings keep counting."""
        for finding in session.findings:
            self._note(session, finding)
        session.answers.clear()
        session.state = self.engine.flow.start
        session.level = None
        warning = self.engine.render.info(key, session, ReplyKind.WARNING)
        return [warning, self.engine.render.question(session)]

    def stop(self, session: Session) -> list[Reply]:
        """Cancel every reminder of this person."""
        session.outbox.append(("cancel", None))
        if session.pending in (PROMPT_COMPRESS, PROMPT_CHECKIN):
            session.pending = None
        return [self.engine.render.info("ui.stopped", session)]

    def summary(self, session: Session) -> list[Reply]:
        """The last triage and the check-in answers, worded for a doctor."""
        if session.triaged_at is None:
            return [self.engine.render.info("ui.no_summary", session)]
        card = self.engine.render.summary(session, self.engine.verdict(session))
        if not session.checkins:
            return [card]
        lines = [card.text, self._t("ui.summary_checkins", session)]
        for when, value in session.checkins:
            hours = round((when - session.triaged_at) / HOUR)
            lines.append(f"• +{hours} h: {self._t(f'choices.{value}', session)}")
        return [Reply(card.kind, card.key, "\n".join(lines))]
