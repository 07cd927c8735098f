"""The conversation engine: ``Engine.handle(session, event) -> list[Reply]``.

One engine per flow serves every person. A step binds the session's state to a throwaway
cursor, fires only a trigger the current question offers, and writes the new state back into
the plain record. Anything unexpected (typed text where a button is due, a button from an old
message, a forged id) gets a clear answer and the current question again; the session is
never moved by input it cannot trust.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from bot.core.aftercare import Aftercare
from bot.core.content import Catalog, normalize_locale
from bot.core.countries.location import from_location
from bot.core.flow.model import Flow, FlowState, trigger_name
from bot.core.flow.rules import Verdict
from bot.core.flow.vocabulary import (
    CONFIRM,
    CONFIRM_NO,
    CONFIRM_UNSURE,
    CONFIRM_YES,
    LANGUAGE,
    PROMPT_CHECKIN,
    PROMPT_COMPRESS,
    REGION,
    REMINDER_FOLLOWUPS,
    RESTART,
    SET_REGION,
    SPECIAL_FOLLOWUPS,
    SUMMARY,
)
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.regions import REGIONS, region_from_country
from bot.core.reminders import QuietHours
from bot.core.render import Renderer
from bot.core.session import Answer, Session


class Hit(Protocol):
    """A red flag found in typed text (see :mod:`bot.core.redflags.detector`)."""

    @property
    def finding(self) -> str: ...

    @property
    def certain(self) -> bool: ...


class TextListener(Protocol):
    """The hook free text goes through before anything else: the red-flag detector."""

    def detect(self, text: str) -> Sequence[Hit]: ...


class _Silent:
    """A listener that hears nothing; for flows tested without the detector."""

    def detect(self, text: str) -> Sequence[Hit]:
        return ()


@dataclass(slots=True)
class _Cursor:
    """What the shared Machine sees during one step: a state and the current verdict."""

    state: str
    verdict: Verdict


class Engine:
    """Runs one flow for everybody; holds no per-person state."""

    def __init__(
        self,
        flow: Flow,
        catalog: Catalog,
        listener: TextListener | None = None,
        *,
        default_locale: str = "en",
        default_region: str | None = None,
        clock: Callable[[], float] = time.time,
        quiet_hours: QuietHours | None = None,
        followups: bool = True,
    ) -> None:
        self.flow = flow
        self.catalog = catalog
        self.render = Renderer(flow, catalog, hide=() if followups else REMINDER_FOLLOWUPS)
        self.listener: TextListener = listener or _Silent()
        self.default_locale = default_locale
        self.default_region = default_region
        self.clock = clock
        self.machine = flow.machine
        self.aftercare = Aftercare(self, quiet_hours or QuietHours())

    def new_session(self, user: str) -> Session:
        """A blank session; cheap (a small dataclass), no Machine involved."""
        now = self.clock()
        return Session(user=user, created_at=now, updated_at=now)

    def verdict(self, session: Session) -> Verdict:
        return self.flow.rules.verdict(session.findings)

    def handle(self, session: Session, event: Event) -> list[Reply]:
        """Apply ``event`` to ``session`` (in place) and return what to say."""
        self._adopt_platform_hints(session, event)
        session.updated_at = self.clock()
        notice = self._fit_to_flow(session)
        handler = self._handlers[event.kind]
        replies = handler(self, session, event)
        return [notice, *replies] if notice else replies

    def _fit_to_flow(self, session: Session) -> Reply | None:
        """A session saved under an older flow (a deploy changed the questions) keeps every
        answer that still exists; if its question is gone it starts over, and says so. What
        the person already told us keeps counting: findings of dropped answers are kept."""
        states = self.flow.states

        def known(a: Answer) -> bool:
            return a.question in states and states[a.question].choice(a.choice) is not None

        state_known = session.state is None or session.state in states
        if state_known and all(known(a) for a in session.answers):
            return None
        dropped = [a for a in session.answers if not known(a) or not state_known]
        session.answers[:] = [a for a in session.answers if a not in dropped]
        for finding in (f for a in dropped for f in a.findings):
            if finding in self.flow.rules.findings and finding not in session.noted:
                session.noted.append(finding)
        if not state_known:
            session.state, session.level, session.pending = self.flow.start, None, None
        return self.render.info("ui.flow_updated", session)

    # -- events -------------------------------------------------------------------------

    def _start(self, session: Session, event: Event) -> list[Reply]:
        linked = region_from_country(event.value)  # a deep link's country (t.me/bot?start=de)
        if linked is not None:
            session.region = linked
        if session.state is not None and not self._is_done(session):
            return [
                self.render.info("ui.resume", session),
                self.render.question(session),
            ]
        return self._begin(session)

    def _restart(self, session: Session, event: Event) -> list[Reply]:
        return self._begin(session)

    def _begin(self, session: Session) -> list[Reply]:
        session.state = self.flow.start
        session.answers.clear()
        session.noted.clear()
        session.pending = None
        session.level = None
        return [self.render.info("ui.welcome", session), self.render.question(session)]

    def _choice(self, session: Session, event: Event) -> list[Reply]:
        if session.pending is not None and event.question == session.pending:
            return self._answer_pending(session, event.value or "")
        if session.state is None:
            return self._begin(session)
        if session.pending is not None and session.pending.startswith(CONFIRM):
            return [self._refusal("ui.answer_this_first", session), self._pending(session)]
        session.pending = None
        state = self.flow.states[session.state]
        if event.question is not None and event.question != state.name:
            return self._stale(session)
        if state.outcome is not None:
            return self._followup(session, state, event.value or "")
        choice = state.choice(event.value or "")
        if choice is None or choice not in self.render.available(session, state):
            return self._stale(session)
        session.answers.append(Answer(state.name, choice.id, choice.findings))
        cursor = _Cursor(state.name, self.verdict(session))
        self.machine.events[trigger_name(state.name, choice.id)].trigger(cursor)
        return self._arrive(session, cursor.state, cursor.verdict)

    def _text(self, session: Session, event: Event) -> list[Reply]:
        hits = list(self.listener.detect(event.value or ""))
        known = set(session.findings)
        new = [h for h in hits if h.certain and h.finding not in known]
        doubtful = [h for h in hits if not h.certain and h.finding not in known]
        if session.state is None:
            session.state = self.flow.start
            if not new and not doubtful:
                return [self.render.info("ui.welcome", session), self.render.question(session)]
        if new:
            return self._noted(session, [h.finding for h in new])
        if doubtful:
            session.pending = CONFIRM + doubtful[0].finding
            return [self._pending(session)]
        if session.pending is not None:
            return [self.render.info("ui.use_buttons", session), self._pending(session)]
        return [self.render.info("ui.use_buttons", session), self.render.question(session)]

    def _back(self, session: Session, event: Event) -> list[Reply]:
        if session.pending is not None:
            session.pending = None
            return [self.render.question(session)] if session.state else self._begin(session)
        if not session.answers:
            if session.state is None:
                return self._begin(session)
            return [self.render.info("ui.back_at_start", session), self.render.question(session)]
        last = session.answers.pop()
        session.state = last.question
        session.level = None
        return [self.render.question(session)]

    def _help(self, session: Session, event: Event) -> list[Reply]:
        return self._with_current(session, self.render.info("ui.help", session))

    def _about(self, session: Session, event: Event) -> list[Reply]:
        return self._with_current(session, self.render.info("ui.about", session))

    def _language(self, session: Session, event: Event) -> list[Reply]:
        chosen = normalize_locale(event.value, self.catalog.locales)
        if chosen is None:
            session.pending = LANGUAGE
            return [self._pending(session)]
        session.locale = chosen
        session.pending = None
        return self._with_current(session, self.render.info("ui.language_set", session))

    def _region(self, session: Session, event: Event) -> list[Reply]:
        value = (event.value or "").strip().lower()
        if value not in REGIONS:
            session.pending = REGION
            return [self._pending(session)]
        session.region = value
        session.pending = None
        done = self.render.info("ui.region_set", session)
        if self._is_done(session):  # show the result again, now with the exact number
            return [done, *self.render.outcome(session, self.verdict(session))]
        return self._with_current(session, done)

    def _location(self, session: Session, event: Event) -> list[Reply]:
        """A shared point sets the region of its country, as /region would. The point is read
        here and dropped: only the region is kept, and nothing logs it."""
        lat, _, lon = (event.value or "").partition(",")
        try:
            country, _zone = from_location(float(lat), float(lon))
        except ValueError:
            country = None
        region = region_from_country(country)
        if region is None:
            return self._with_current(session, self.render.info("country.no_location", session))
        return self._region(session, Event(EventKind.REGION, region))

    def _forget(self, session: Session, event: Event) -> list[Reply]:
        locale = session.locale
        reply = self.render.info("ui.forgotten", session)
        fresh = self.new_session(session.user)
        for name in Session.__slots__:
            setattr(session, name, getattr(fresh, name))
        session.locale = locale if locale != self.default_locale else None
        return [reply]

    _handlers: ClassVar[dict[EventKind, Callable[[Engine, Session, Event], list[Reply]]]] = {
        EventKind.START: _start,
        EventKind.RESTART: _restart,
        EventKind.CHOICE: _choice,
        EventKind.TEXT: _text,
        EventKind.BACK: _back,
        EventKind.HELP: _help,
        EventKind.ABOUT: _about,
        EventKind.LANGUAGE: _language,
        EventKind.REGION: _region,
        EventKind.FORGET: _forget,
        EventKind.LOCATION: _location,
        EventKind.STOP: lambda self, session, event: self.aftercare.stop(session),
        EventKind.SUMMARY: lambda self, session, event: self.aftercare.summary(session),
        EventKind.REMIND: lambda self, session, event: self.aftercare.remind(
            session, event.value or ""
        ),
    }

    # -- helpers ------------------------------------------------------------------------

    def _adopt_platform_hints(self, session: Session, event: Event) -> None:
        hints = Hints(event.locale)
        if session.locale is None:
            session.locale = hints.locale(self.catalog.locales, self.default_locale)
        if session.region is None:
            session.region = hints.region(self.default_region)

    def _is_done(self, session: Session) -> bool:
        return self.flow.states[session.state or self.flow.start].outcome is not None

    def _with_current(self, session: Session, reply: Reply) -> list[Reply]:
        if session.pending is not None:
            return [reply, self._pending(session)]
        if session.state is None:
            return [reply]
        return [reply, self.render.question(session)]

    def _stale(self, session: Session) -> list[Reply]:
        return [self._refusal("ui.already_answered", session), self.render.question(session)]

    def _refusal(self, key: str, session: Session) -> Reply:
        text = self.render.t(key, session)
        return Reply(ReplyKind.WARNING, key, text, refused=True)

    def _arrive(self, session: Session, state: str, verdict: Verdict) -> list[Reply]:
        session.state = state
        target = self.flow.states[state]
        if target.outcome is None:
            return [self.render.question(session)]
        session.level = target.outcome
        session.triaged_at = self.clock()
        return self.render.outcome(session, verdict)

    def _followup(self, session: Session, state: FlowState, choice: str) -> list[Reply]:
        if choice == RESTART:
            return self._begin(session)
        if choice == SET_REGION:
            return self._region(session, Event(EventKind.REGION))
        if choice not in state.followups or choice in self.render.hide:
            return self._stale(session)
        if choice == SUMMARY:
            replies = self.aftercare.summary(session)
        elif choice in SPECIAL_FOLLOWUPS:
            replies = self.aftercare.followup(session, choice)
        else:
            replies = [self.render.info(f"followups.{choice}.text", session)]
        return [*replies, self.render.followups(session, state)]

    def _noted(self, session: Session, findings: list[str]) -> list[Reply]:
        """A red flag typed in free text: warn at once, record it, escalate if it must."""
        session.noted.extend(f for f in findings if f not in session.noted)
        verdict = self.verdict(session)
        labels = ", ".join(self.render.finding(session, f) for f in findings)
        warning = Reply(
            ReplyKind.WARNING,
            "ui.red_flag_typed",
            self.render.t("ui.red_flag_typed", session, finding=labels),
            findings=tuple(findings),
        )
        target = self._escalation(session, verdict)
        if target is not None:
            return [warning, *self._arrive(session, target, verdict)]
        if session.pending in (REGION, LANGUAGE):
            session.pending = None
        follow = self.render.t("ui.red_flag_noted", session)
        noted = Reply(ReplyKind.INFO, "ui.red_flag_noted", follow)
        current = self._pending(session) if session.pending else self.render.question(session)
        return [warning, noted, current]

    def _escalation(self, session: Session, verdict: Verdict) -> str | None:
        """The outcome state to jump to now, or None to carry on with the questions."""
        current = self.flow.states[session.state or self.flow.start]
        if current.outcome is not None:
            if self.flow.rules.rank(verdict.level) < self.flow.rules.rank(current.outcome):
                return self.flow.outcome_state(verdict.level)
            return None
        target = self.flow.interrupt_target(verdict)
        return None if target == current.name else target

    def _pending(self, session: Session) -> Reply:
        pending = session.pending or ""
        if pending.startswith(CONFIRM):
            finding = pending.removeprefix(CONFIRM)
            text = self.render.t(
                "ui.confirm", session, finding=self.render.finding(session, finding)
            )
            choices: tuple[Choice, ...] = (
                Choice(CONFIRM_YES, self.render.t("choices.confirm_yes", session), (finding,)),
                Choice(CONFIRM_UNSURE, self.render.t("choices.not_sure", session), (finding,)),
                Choice(CONFIRM_NO, self.render.t("choices.confirm_no", session)),
            )
        elif pending == LANGUAGE:
            text = self.render.t("ui.choose_language", session)
            choices = tuple(
                Choice(loc, self.catalog.text("ui.language_name", loc))
                for loc in self.catalog.locales
            )
        else:
            text = self.render.t("ui.choose_region", session)
            choices = tuple(Choice(r, self.render.t(f"regions.{r}", session)) for r in REGIONS)
        return Reply(ReplyKind.QUESTION, f"ui.pending.{pending}", text, choices, question=pending)

    def _answer_pending(self, session: Session, value: str) -> list[Reply]:
        pending = session.pending or ""
        if pending == LANGUAGE:
            return self._language(session, Event(EventKind.LANGUAGE, value))
        if pending == REGION:
            return self._region(session, Event(EventKind.REGION, value))
        if pending in (PROMPT_COMPRESS, PROMPT_CHECKIN):
            return self.aftercare.answer(session, pending, value) or self._stale(session)
        finding = pending.removeprefix(CONFIRM)
        if value not in (CONFIRM_YES, CONFIRM_NO, CONFIRM_UNSURE):
            return [self._refusal("ui.answer_this_first", session), self._pending(session)]
        session.pending = None
        if value == CONFIRM_NO:
            return [self.render.info("ui.confirm_thanks", session), self.render.question(session)]
        return self._noted(session, [finding])
