"""The conversation engine: ``Engine.step(session, event) -> Step`` (replies and effects).

One engine per flow serves every person. A step binds the session's state to a throwaway
cursor, fires only a trigger the current question offers, and writes the new state back into
the plain record. Typed text goes to the red-flag detector first, then is read as an answer
(a number, a label, yes / no / not sure, an age); anything else gets a one-line nudge and the
buttons stay. A button from an old message or a forged id changes nothing. Side questions are
typed prompts (:mod:`bot.core.prompts`); reminders are typed effects (:mod:`bot.core.effects`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from bot.core import answers
from bot.core.aftercare import Aftercare
from bot.core.content import Catalog, normalize_locale
from bot.core.countries import CountryCatalog
from bot.core.countries.location import country_of_zone, from_location
from bot.core.countries.model import Country
from bot.core.countries.zones import city_of, match_zone
from bot.core.effects import Effect
from bot.core.flow.ahead import Ahead
from bot.core.flow.model import Flow, FlowState, trigger_name
from bot.core.flow.rules import Verdict
from bot.core.flow.vocabulary import (
    CHECKINS,
    CONFIRM_NO,
    CONFIRM_UNSURE,
    CONFIRM_YES,
    REMIND_NEXT,
    REMINDER_FOLLOWUPS,
    RESTART,
    SET_REGION,
    SPECIAL_FOLLOWUPS,
    SUMMARY,
)
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.prompts import (
    CheckIn,
    ChooseLanguage,
    ChooseRegion,
    ChooseZone,
    Compress,
    Confirm,
    ProfileCheck,
    Prompt,
    encode,
)
from bot.core.reminders import QuietHours
from bot.core.render import Renderer
from bot.core.session import LEGACY_REGIONS, Answer, Session

STILL_TRUE, CHANGE = "still_true", "change"
SKIP = "skip"  # "Where are you now?" -> Skip: asked, no country; every screen says "112 or ..."
# Results that send someone to emergency services: with no country known, the country
# question follows at once, so the next screen names the exact number.
STOP_LEVELS = frozenset({"emergency_ambulance", "emergency_department"})
# Buttons that schedule reminders kept out of quiet hours: in a country with several clocks
# and no zone known yet, "Which time zone are you in?" comes first, once.
QUIET_SCHEDULES = frozenset({CHECKINS, REMIND_NEXT})


class Hit(Protocol):
    """A red flag found in typed text (see :mod:`bot.core.redflags.detector`)."""

    @property
    def finding(self) -> str: ...

    @property
    def certain(self) -> bool: ...


class TextListener(Protocol):
    """The hook free text goes through before anything else: the red-flag detector."""

    def detect(self, text: str) -> Sequence[Hit]: ...


@dataclass(frozen=True, slots=True)
class Step:
    """What one event produced: the replies to show and the effects to apply after saving."""

    replies: list[Reply]
    effects: tuple[Effect, ...] = field(default=())


@dataclass(slots=True)
class _Cursor:
    """What the shared Machine sees during one step: a state and the current verdict."""

    state: str
    verdict: Verdict


Handler = Callable[["Engine", Session, Event, list[Effect]], list[Reply]]


class Engine:
    """Runs one flow for everybody; holds no per-person state."""

    def __init__(
        self,
        flow: Flow,
        catalog: Catalog,
        listener: TextListener | None = None,
        *,
        default_locale: str = "en",
        default_country: str | None = None,
        clock: Callable[[], float] = time.time,
        quiet_hours: QuietHours | None = None,
        followups: bool = True,
        countries: CountryCatalog | None = None,
        ask_country: bool = False,
    ) -> None:
        self.flow = flow
        self.catalog = catalog
        self.countries = countries
        # "Where are you now?" once, after the first screen: on in the real bot (bot/app.py);
        # off by default so that a test walks the questions alone. It costs a first-timer
        # one tap (benchmarks/conversation.py), never a danger sign's first screen.
        self.ask_country = ask_country and countries is not None
        hide = () if followups else REMINDER_FOLLOWUPS
        self.render = Renderer(flow, catalog, hide, countries)
        self.listener = listener
        self.default_locale = default_locale
        # The operator's country (BACKCHECK_COUNTRY): new conversations start in it.
        self.default_country = default_country
        self.clock = clock
        self.machine = flow.machine
        self.aftercare = Aftercare(self.render, flow, clock, quiet_hours or QuietHours())
        self.ahead = Ahead(flow)
        self._profile_order = tuple(
            name
            for group in flow.profile
            for name, state in flow.states.items()
            if name == group or state.group == group
        )
        self._profile_states = frozenset(self._profile_order)

    def new_session(self, user: str) -> Session:
        """A blank session; cheap (a small dataclass), no Machine involved."""
        now = self.clock()
        return Session(user=user, created_at=now, updated_at=now)

    def verdict(self, session: Session) -> Verdict:
        return self.flow.rules.verdict(session.findings)

    def step(self, session: Session, event: Event) -> Step:
        """Apply ``event`` to ``session`` (in place): what to say, and what to schedule."""
        self._adopt_platform_hints(session, event)
        session.updated_at = self.clock()
        effects: list[Effect] = []
        with self.render.commands(event.commands):  # texts name commands as this platform does
            notice = self._fit_to_flow(session)
            replies = self._handlers[event.kind](self, session, event, effects)
        return Step([notice, *replies] if notice else replies, tuple(effects))

    def handle(self, session: Session, event: Event) -> list[Reply]:
        """:meth:`step` for callers that only show replies (tests, the walker)."""
        return self.step(session, event).replies

    def _fit_to_flow(self, session: Session) -> Reply | None:
        """A session saved under an older flow (a deploy changed the questions) keeps every
        answer that still exists; if its question is gone it starts over, and says so. What
        the person already told us keeps counting: findings of dropped answers are kept."""
        states = self.flow.states

        def known(a: Answer) -> bool:
            return a.question in states and states[a.question].choice(a.choice) is not None

        if not all(known(a) for a in session.profile):
            session.profile.clear()
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

    def _start(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        linked = self.countries.get(event.value) if self.countries and event.value else None
        if linked is not None:  # a deep link's country (t.me/bot?start=de)
            self._set_country(session, linked.code, None)
        if session.state is not None and not self._is_done(session):
            return [self.render.info("ui.resume", session), self._current(session)]
        return self._begin(session)

    def _restart(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self._begin(session)

    def _begin(self, session: Session) -> list[Reply]:
        """A new check; the remembered profile stays and is offered when its turn comes."""
        session.state = self.flow.start
        session.answers.clear()
        session.noted.clear()
        session.pending = None
        session.level = None
        return [self.render.info("ui.welcome", session), self.render.question(session)]

    def _choice(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        prompt = session.pending
        if prompt is not None and event.question == encode(prompt):
            return self._answer_prompt(session, prompt, event.value or "", fx)
        if session.state is None:
            return self._begin(session)
        if isinstance(prompt, Confirm):
            return [self._refusal("ui.answer_this_first", session), self._prompt(session)]
        state = self.flow.states[session.state]
        if event.question is not None and event.question != state.name:
            if not isinstance(prompt, ChooseRegion | ChooseZone):
                session.pending = None
            return self._stale(session)  # an old button: "Where are you?" still waits
        session.pending = None
        if state.outcome is not None:
            return self._followup(session, state, event.value or "", fx)
        return self._answer(session, state, event.value or "")

    def _answer(self, session: Session, state: FlowState, value: str) -> list[Reply]:
        choice = state.choice(value)
        if choice is None:
            return self._stale(session)
        if choice not in self.render.available(session, state):
            return [self.render.question(session)]  # a ticked item pressed again
        session.answers.append(Answer(state.name, choice.id, choice.findings))
        cursor = _Cursor(state.name, self.verdict(session))
        self.machine.events[trigger_name(state.name, choice.id)].trigger(cursor)
        return self._arrive(session, cursor.state, cursor.verdict)

    def _text(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        text = event.value or ""
        hits = list(self.listener.detect(text)) if self.listener is not None else []
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
            session.pending = Confirm(doubtful[0].finding)
            return [self._prompt(session)]
        current = self._current(session)
        if isinstance(session.pending, ChooseZone):
            return self._typed_zone(session, session.pending, text, current, fx)
        if isinstance(session.pending, ChooseRegion) and not text.strip().isdigit():
            skip = [c for c in current.choices if c.id == SKIP]
            said = SKIP if answers.match(text, skip) == SKIP else text  # "skip", "пропустить"
            return self._choose_country(session, said, from_command=False)  # "germany", "🇩🇪"
        age = session.pending is None and answers.is_age_question(c.id for c in current.choices)
        picked = answers.match(text, current.choices, age=age)
        if picked is None:
            return [self._nudge(session, current)]
        return self._choice(session, Event(EventKind.CHOICE, picked, current.question), fx)

    def _nudge(self, session: Session, current: Reply) -> Reply:
        """One line, the same buttons: the question is not repeated in full."""
        text = self.render.t("ui.use_buttons", session)
        return Reply(
            ReplyKind.INFO, "ui.use_buttons", text, current.choices, question=current.question
        )

    def _back(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        if session.pending is not None:
            session.pending = None
            return [self.render.question(session)] if session.state else self._begin(session)
        if not session.answers:
            if session.state is None:
                return self._begin(session)
            return [self.render.info("ui.back_at_start", session), self.render.question(session)]
        shown = self._result_shown(session)
        last = session.answers.pop()
        session.state = last.question
        # Back among the questions after an early result: that result still holds, so it is
        # not shown again; back past the answer that set it (or from a result): no level.
        level = self.verdict(session).level
        still = shown and level in self.flow.rules.early_levels
        session.level = level if still else None
        return [self.render.question(session)]

    def _help(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self._with_current(session, self.render.info("ui.help", session))

    def _about(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self._with_current(session, self.render.info("ui.about", session))

    def _language(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        chosen = normalize_locale(event.value, self.catalog.locales)
        if chosen is None:
            session.pending = ChooseLanguage()
            return [self._prompt(session)]
        session.locale = chosen
        session.pending = None
        return self._with_current(session, self.render.info("ui.language_set", session))

    def _region(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        """``/region``, ``/country`` or the country buttons: a code, a name in either language
        or a flag. Nothing stored changes for a country we don't know (or have no numbers
        for): the person is told so in one line and the buttons are offered again."""
        return self._choose_country(session, event.value or "", from_command=True)

    def _choose_country(self, session: Session, value: str, *, from_command: bool) -> list[Reply]:
        """``from_command``: a bare code counts ("no" is Norway after /country, not in chat)."""
        value = value.strip()
        legacy = value.lower()
        if value == SKIP or legacy == "eu":  # "eu" is the old Discord option: no country
            session.asked_country = True
            session.pending = None
            return self._carry_on(session, None)
        if legacy in LEGACY_REGIONS:
            value = LEGACY_REGIONS[legacy]
        resolve = self.countries.resolve if self.countries else None
        country = resolve(value, from_command=from_command) if resolve else None
        if country is None:
            session.pending = ChooseRegion()
            if not value:
                return [self._prompt(session)]
            code = from_command and _looks_like_code(value)
            key = "country.no_data" if code else "country.unknown"
            return [self.render.info(key, session), self._prompt(session)]
        self._set_country(session, country.code, session.zone)
        session.pending = None
        done = self.render.info("ui.region_set", session)
        if self._is_done(session):  # show the result again, now with the exact number
            return [done, *self.render.outcome(session, self.verdict(session))]
        return self._carry_on(session, done)

    def _set_country(self, session: Session, code: str, zone: str | None) -> None:
        """Remember the country and a time zone that fits it (its only one, the shared
        location's, or the one picked before); a several-zone country without one waits
        for the zone question when a check-in is scheduled."""
        country = self.countries.get(code) if self.countries else None
        if country is None:
            return
        zones = [z.zone for z in country.zones]
        own = zone is not None and (zone in zones or country_of_zone(zone) == country.code)
        session.country = country.code
        session.zone = zone if own else zones[0] if len(zones) == 1 else None
        session.asked_country = True

    def _carry_on(self, session: Session, reply: Reply | None) -> list[Reply]:
        """After the country question: the question that was waiting (the remembered
        profile is offered for one tap when its turn comes)."""
        head = [reply] if reply is not None else []
        if session.state is None:
            return head or self._begin(session)  # /country before any check: begin
        if self._is_done(session):
            return [*head, self.render.followups(session, self.flow.states[session.state])]
        if session.pending is None and self._offers_profile(session):
            session.pending = ProfileCheck()
        return [*head, self._current(session)]

    def _location(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        """A shared point sets its country and time zone, as /region would. The point is
        read here and dropped: only the country and the zone are kept, and nothing logs it."""
        lat, _, lon = (event.value or "").partition(",")
        try:
            code, zone = from_location(float(lat), float(lon))
        except ValueError:
            code, zone = None, None
        country = self.countries.get(code) if self.countries and code else None
        if country is None:  # the sea, a pole, a country we have no numbers for
            return self._with_current(session, self.render.info("country.no_location", session))
        prompt = session.pending
        if isinstance(prompt, ChooseZone) and zone and country.code == session.country:
            return self._zone_answer(session, prompt, zone, fx)  # answers the zone question
        replies = self._region(session, Event(EventKind.REGION, country.code), fx)
        self._set_country(session, country.code, zone)
        return replies

    def _forget(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        locale = session.locale
        reply = self.render.info("ui.forgotten", session)
        fresh = self.new_session(session.user)
        for name in Session.__slots__:
            setattr(session, name, getattr(fresh, name))
        session.locale = locale if locale != self.default_locale else None
        return [reply]

    def _stop(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self.aftercare.stop(session, fx)

    def _summary(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self.aftercare.summary(session)

    def _remind(self, session: Session, event: Event, fx: list[Effect]) -> list[Reply]:
        return self.aftercare.remind(session, event.value or "")

    _handlers: ClassVar[dict[EventKind, Handler]] = {
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
        EventKind.STOP: _stop,
        EventKind.SUMMARY: _summary,
        EventKind.REMIND: _remind,
    }

    # -- helpers ------------------------------------------------------------------------

    def _adopt_platform_hints(self, session: Session, event: Event) -> None:
        """The platform's language hint sets the language. The country is never guessed from
        it: until the person names one, every screen says "112 or your local number"."""
        hints = Hints(event.locale)
        session.hint = event.locale  # orders the country buttons, never picks one
        if session.locale is None:
            session.locale = hints.locale(self.catalog.locales, self.default_locale)
        default = self.default_country
        if default and session.country is None and not session.asked_country:
            self._set_country(session, default, None)  # the operator's configured country

    def _is_done(self, session: Session) -> bool:
        return self.flow.states[session.state or self.flow.start].outcome is not None

    def _current(self, session: Session) -> Reply:
        """What is waiting for an answer: a prompt, or the current question."""
        return self._prompt(session) if session.pending else self.render.question(session)

    def _with_current(self, session: Session, reply: Reply) -> list[Reply]:
        if session.state is None and session.pending is None:
            return [reply]
        return [reply, self._current(session)]

    def _stale(self, session: Session) -> list[Reply]:
        return [self._refusal("ui.already_answered", session), self._current(session)]

    def _refusal(self, key: str, session: Session) -> Reply:
        text = self.render.t(key, session)
        return Reply(ReplyKind.WARNING, key, text, refused=True)

    def _arrive(self, session: Session, state: str, verdict: Verdict) -> list[Reply]:
        """Go to ``state`` and say what it means.

        An answer that reaches an early level (``early_levels`` in rules.yaml) shows that
        result at once, as emergencies do; from then on only the questions whose answers
        could still raise the level are asked (:mod:`bot.core.flow.ahead`), and their end
        either shows the new result or says in one line that the advice stays.
        """
        shown = self._result_shown(session)
        early = self._early(session, state, verdict)
        if (early or shown) and verdict.level in self.flow.rules.early_levels:
            state = self._next_that_matters(session, state, verdict)  # emergencies as ever
        target = self.flow.states[state]
        session.state = state
        if target.outcome is None:
            head: list[Reply] = []
            if early:
                self._triaged(session, verdict.level)
                result = self.flow.states[self.flow.outcome_state(verdict.level)]
                head = [
                    self.render.result(session, verdict, result),
                    self.render.info("ui.quick_check", session),
                ]
            if self._should_ask_country(session):  # once, right after the first screen
                session.asked_country = True
                session.pending = ChooseRegion()
                return [*head, self._prompt(session)]
            if self._offers_profile(session):
                session.pending = ProfileCheck()
                return [*head, self._prompt(session)]
            return [*head, self.render.question(session)]
        if shown and session.level == target.outcome:
            self._triaged(session, target.outcome, again=True)
            return self.render.stays(session, verdict, target)
        self._triaged(session, target.outcome)
        replies = self.render.outcome(session, verdict)
        if target.outcome in STOP_LEVELS and self._should_ask_country(session):
            session.asked_country = True  # the number to call, one tap away
            session.pending = ChooseRegion()
            replies = [*replies, self._prompt(session)]
        return replies

    def _result_shown(self, session: Session) -> bool:
        """A result was shown early in this check and the questions go on."""
        return session.level is not None and not self._is_done(session)

    def _early(self, session: Session, state: str, verdict: Verdict) -> bool:
        """Whether arriving at ``state`` with ``verdict`` shows a result before the end."""
        rules = self.flow.rules
        if self.flow.states[state].outcome is not None or verdict.level not in rules.early_levels:
            return False
        return session.level is None or rules.rank(verdict.level) < rules.rank(session.level)

    def _next_that_matters(self, session: Session, state: str, verdict: Verdict) -> str:
        """``state``, or the first question after it whose answer could raise the level
        (an outcome when none is left); the others are passed as "None of these" would."""
        seen: set[str] = set()
        while state not in seen:
            seen.add(state)
            current = self.flow.states[state]
            if current.outcome is not None:
                break
            offered = self.render.available(session, current)
            if self.ahead.matters(current, session.findings, offered):
                break
            following = self.ahead.skip(current, verdict)
            if following is None:
                break
            state = following
        return state

    def _triaged(self, session: Session, level: str, *, again: bool = False) -> None:
        """Store the level just said; remember the answers about the person (the remembered
        ones of questions not asked this time stay)."""
        session.level = level
        if not again:
            session.triaged_at = self.clock()
        asked = {a.question for a in session.answers if a.question in self._profile_states}
        if asked:
            kept = [a for a in session.profile if a.question not in asked]
            new = [a for a in session.answers if a.question in self._profile_states]
            order = {name: i for i, name in enumerate(self._profile_order)}
            session.profile[:] = sorted(
                [*new, *kept], key=lambda a: order.get(a.question, len(order))
            )

    def _should_ask_country(self, session: Session) -> bool:
        return (
            self.ask_country
            and session.country is None
            and not session.asked_country
            and session.pending is None
        )

    def _offers_profile(self, session: Session) -> bool:
        profile = self.flow.profile
        if not profile or session.state != profile[0] or not session.profile:
            return False
        return not self.render.visit(session, profile[0])  # not while answering it

    def _followup(
        self, session: Session, state: FlowState, choice: str, fx: list[Effect]
    ) -> list[Reply]:
        if choice == RESTART:
            return self._begin(session)
        if choice == SET_REGION:
            return self._region(session, Event(EventKind.REGION), fx)
        if choice not in state.followups or choice in self.render.hide:
            return self._stale(session)
        if choice in QUIET_SCHEDULES and self._zone_unknown(session):
            session.pending = ChooseZone(choice)
            return [self._prompt(session)]
        if choice == SUMMARY:
            replies = self.aftercare.summary(session)
        elif choice in SPECIAL_FOLLOWUPS:
            replies = self.aftercare.followup(session, choice, fx)
        else:
            replies = self.render.detail(session, choice)
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
            session.pending = None
            return [warning, *self._arrive(session, target, verdict)]
        if isinstance(session.pending, ChooseRegion | ChooseLanguage | ChooseZone):
            session.pending = None
        if (
            session.pending is None
            and session.state
            and self._early(session, session.state, verdict)
        ):
            return [warning, *self._arrive(session, session.state, verdict)]  # urgent: say it now
        follow = self.render.t("ui.red_flag_noted", session)
        noted = Reply(ReplyKind.INFO, "ui.red_flag_noted", follow)
        return [warning, noted, self._current(session)]

    def _escalation(self, session: Session, verdict: Verdict) -> str | None:
        """The outcome state to jump to now, or None to carry on with the questions."""
        current = self.flow.states[session.state or self.flow.start]
        if current.outcome is not None:
            if self.flow.rules.rank(verdict.level) < self.flow.rules.rank(current.outcome):
                return self.flow.outcome_state(verdict.level)
            return None
        target = self.flow.interrupt_target(verdict)
        return None if target == current.name else target

    # -- prompts ------------------------------------------------------------------------

    def _prompt(self, session: Session) -> Reply:
        """The reply that asks the pending prompt (again)."""
        prompt = session.pending
        t = self.render.t
        if isinstance(prompt, Confirm):
            name = self.render.finding(session, prompt.finding)
            text = t("ui.confirm", session, finding=name)
            choices: tuple[Choice, ...] = (
                Choice(CONFIRM_YES, t("choices.confirm_yes", session), (prompt.finding,)),
                Choice(CONFIRM_UNSURE, t("choices.not_sure", session), (prompt.finding,)),
                Choice(CONFIRM_NO, t("choices.confirm_no", session)),
            )
        elif isinstance(prompt, ChooseLanguage):
            text = t("ui.choose_language", session)
            choices = tuple(
                Choice(loc, self.catalog.text("ui.language_name", loc))
                for loc in self.catalog.locales
            )
        elif isinstance(prompt, ProfileCheck):
            text = t("ui.profile_confirm", session, facts=self._facts(session))
            choices = (
                Choice(STILL_TRUE, t("choices.still_true", session)),
                Choice(CHANGE, t("choices.change", session)),
            )
        elif isinstance(prompt, Compress | CheckIn):
            kind = "compress_next" if isinstance(prompt, Compress) else "checkin"
            return self.aftercare.remind(session, kind)[0]
        elif isinstance(prompt, ChooseZone):
            locale = self.render.locale(session)
            country = self.render.country(session)
            zones = country.zones if country is not None else ()
            choices = tuple(Choice(z.zone, z.label(locale)) for z in zones)
            text = t("country.choose_zone", session)
            return Reply(
                ReplyKind.QUESTION, "country.choose_zone", text, choices, question=encode(prompt)
            )
        else:
            text = t("country.ask", session)
            choices = (*self._region_choices(session), Choice(SKIP, t("country.skip", session)))
            asked = encode(ChooseRegion())
            return Reply(ReplyKind.QUESTION, "country.ask", text, choices, question=asked)
        key = f"ui.pending.{encode(prompt)}" if prompt else "ui.pending"
        question = encode(prompt) if prompt else None
        return Reply(ReplyKind.QUESTION, key, text, choices, question=question)

    def _region_choices(self, session: Session) -> tuple[Choice, ...]:
        """The likeliest countries first: the region of the platform's tag (Discord's
        ``en-GB``, Telegram's ``pt-br``), then the countries of its language and of the one we
        speak. Hints order the buttons; they never decide."""
        if self.countries is None:
            return ()
        locale = self.render.locale(session)
        choices = []
        for code in self.countries.likely([session.hint, locale]):
            country = self.countries.get(code)
            if country is not None:
                choices.append(Choice(code, f"{country.flag} {country.name(locale)}"))
        return tuple(choices)

    def _facts(self, session: Session) -> str:
        """The remembered answers in a few words: the age band and any fact ticked."""
        labels, ticked = [], False
        for answer in session.profile:
            state = self.flow.states[answer.question]
            choice = state.choice(answer.choice)
            if state.group is not None:  # an unfolded item: its label on the checklist
                item = answer.question.removeprefix(f"{state.group}__")
                choice = self.flow.states[state.group].choice(item) if answer.findings else None
            checklist = state.multi or state.group is not None
            if choice is not None and (not checklist or choice.findings):
                labels.append(self.render.t(choice.label, session))
            ticked = ticked or (checklist and bool(answer.findings))
        if not ticked:
            labels.append(self.render.t("ui.profile_nothing", session))
        return "; ".join(labels)

    def _answer_prompt(
        self, session: Session, prompt: Prompt, value: str, fx: list[Effect]
    ) -> list[Reply]:
        if isinstance(prompt, ChooseLanguage):
            return self._language(session, Event(EventKind.LANGUAGE, value), fx)
        if isinstance(prompt, ChooseRegion):
            return self._region(session, Event(EventKind.REGION, value), fx)
        if isinstance(prompt, ChooseZone):
            return self._zone_answer(session, prompt, value, fx)
        if isinstance(prompt, Compress) and value == REMIND_NEXT and self._zone_unknown(session):
            session.pending = ChooseZone(REMIND_NEXT)
            return [self._prompt(session)]
        if isinstance(prompt, Compress | CheckIn):
            return self.aftercare.answer(session, prompt, value, fx) or self._stale(session)
        if isinstance(prompt, ProfileCheck):
            return self._profile_answer(session, value)
        if value not in (CONFIRM_YES, CONFIRM_NO, CONFIRM_UNSURE):
            return [self._refusal("ui.answer_this_first", session), self._prompt(session)]
        session.pending = None
        if value == CONFIRM_NO:
            return [self.render.info("ui.confirm_thanks", session), self._current(session)]
        return self._noted(session, [prompt.finding])

    # -- the time-zone question -----------------------------------------------------------

    def _zone_unknown(self, session: Session) -> bool:
        """The person's country keeps several clocks (its data lists several zones) and
        they have not said which is theirs (nor shared a location)."""
        if session.zone is not None or self.countries is None:
            return False
        return bool(self.countries.needs_zone_choice(self.render.country(session)))

    def _typed_zone(
        self, session: Session, prompt: ChooseZone, text: str, current: Reply, fx: list[Effect]
    ) -> list[Reply]:
        """ "2", a button's words, a city ("detroit", "в Омске") or an offset ("UTC-5")."""
        country = self.render.country(session)
        picked = answers.match(text, current.choices)
        zone = picked or (match_zone(country, text, self.clock()) if country else None)
        if zone is None:
            return [self.render.info("country.zone_unknown", session), self._prompt(session)]
        return self._zone_answer(session, prompt, zone, fx)

    def _zone_answer(
        self, session: Session, prompt: ChooseZone, zone: str, fx: list[Effect]
    ) -> list[Reply]:
        """Keep the zone (one of the buttons, or any tzdata gives the country), say so, then
        schedule what the person had asked for."""
        country = self.render.country(session)
        if country is None:  # the country was changed meanwhile: schedule as it stands
            session.pending = None
            return self._scheduled(session, prompt.then, fx)
        if not _zone_in(country, zone):  # a forged or outdated button
            return [self._refusal("ui.answer_this_first", session), self._prompt(session)]
        session.zone = zone
        session.pending = None
        choice = next((z for z in country.zones if z.zone == zone), None)
        label = choice.label(self.render.locale(session)) if choice else city_of(zone)
        text = self.render.t("country.zone_set", session, zone=label)
        done = Reply(ReplyKind.INFO, "country.zone_set", text)
        return [done, *self._scheduled(session, prompt.then, fx)]

    def _scheduled(self, session: Session, then: str, fx: list[Effect]) -> list[Reply]:
        """What the button under the zone question had asked for, now in the right zone."""
        if then == REMIND_NEXT:
            return self.aftercare.answer(session, Compress(), REMIND_NEXT, fx) or []
        state = self.flow.states[session.state or self.flow.start]
        if state.outcome is None or then not in state.followups:
            return [self._current(session)]  # a new check began meanwhile: nothing to do
        return [*self.aftercare.followup(session, then, fx), self.render.followups(session, state)]

    def _profile_answer(self, session: Session, value: str) -> list[Reply]:
        """ "Still true": the remembered answers count again, as if tapped; "change": ask."""
        if value not in (STILL_TRUE, CHANGE):
            return [self._refusal("ui.answer_this_first", session), self._prompt(session)]
        session.pending = None
        if value == CHANGE:
            return [self.render.question(session)]
        cursor = _Cursor(session.state or self.flow.start, self.verdict(session))
        for answer in list(session.profile):
            if cursor.state != answer.question or self.flow.states[cursor.state].outcome:
                break
            session.answers.append(answer)
            cursor.verdict = self.verdict(session)
            self.machine.events[trigger_name(answer.question, answer.choice)].trigger(cursor)
        return self._arrive(session, cursor.state, cursor.verdict)


def _zone_in(country: Country, zone: str) -> bool:
    """One of the country's buttons, or a zone tzdata places in it (America/Detroit)."""
    return any(z.zone == zone for z in country.zones) or country_of_zone(zone) == country.code


def _looks_like_code(value: str) -> bool:
    """Two letters ("zz", "KE"): a country code we have no emergency numbers for."""
    return len(value) == 2 and value.isascii() and value.isalpha()
