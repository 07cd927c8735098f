"""Load, lock, step, save: the one path every adapter sends events through.

Adapters know platforms; the engine knows the conversation; this module knows the order of
operations that keeps a conversation whole: one event per user at a time, a duplicate
platform event applied once, a save that lost a race retried on the fresh session, and a
storage outage answered with a clear "try again" instead of a lost or corrupted session.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.core.effects import Cancel, Effect, Schedule
from bot.core.engine import Engine
from bot.core.errors import ConcurrentUpdate, CorruptRecord, StorageUnavailable
from bot.core.flow.vocabulary import WELCOME
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.pictures import Picture, picture_path
from bot.core.session import Session, read_replies, replies_record
from bot.logs import user_ref
from bot.storage.base import Inbox, Storage

log = logging.getLogger("backcheck.service")

MAX_ATTEMPTS = 5
NO_HINTS = Hints()
# A burst of refused presses (an old message's buttons tapped again and again, or forged
# ones) gets the question re-sent only this many times per window; after that, the short
# refusal alone, which Telegram shows as a toast and Discord as one line.
REFUSALS_ANSWERED_IN_FULL = 10
REFUSAL_WINDOW = 60.0
REFUSAL_USERS = 10_000  # people tracked at once; the oldest are dropped beyond this
#: Event ids kept in each session: a platform redelivers the last few updates after a crash,
#: never one from dozens of steps ago.
HANDLED_KEPT = 16
#: Texts said outside a turn kept rendered (by key, language and country), for bursts.
SAID_KEPT = 1024


@dataclass(frozen=True, slots=True)
class Turn:
    """What one event produced: the replies and a read-only view of where the user is.

    ``level`` is set on the turn that shows a result (also one shown early, while a few
    questions that could still raise it follow) and on every turn once the check is
    ``done`` (an outcome state reached). ``recorded`` says the press was applied as an
    answer (False for a refused or stale press, for one that began a new check, and for
    anything that is not a press); ``receipt`` is the "Your answer: …" line to show on the
    pressed message, in the person's language, when the press was recorded and the adapter
    told us the label the person saw. ``so_far`` is the compact line of this check's
    answers (bot/core/sofar.py) for a recorded press, to show above the next question when
    the pressed message becomes it.
    """

    replies: list[Reply]
    state: str | None = None
    level: str | None = None
    findings: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    locale: str = "en"
    done: bool = False
    duplicate: bool = False
    unavailable: bool = False
    question: str | None = field(default=None)
    recorded: bool = False
    receipt: str | None = None
    so_far: str | None = None

    @property
    def refused(self) -> bool:
        """The event was a button press the core did not apply (its first reply says why)."""
        return bool(self.replies) and self.replies[0].refused


def check_done(engine: Engine, session: Session) -> bool:
    """Whether ``session``'s check is over: a level set and an outcome state reached (the
    adapters then close a pressed question instead of turning it into the next one)."""
    state = engine.flow.states[session.state or engine.flow.start]
    return session.level is not None and state.outcome is not None


class Conversations:
    """The application service shared by the console, Telegram and Discord adapters."""

    def __init__(
        self,
        engine: Engine,
        storage: Storage,
        metrics: Metrics | None = None,
        *,
        content: Path | None = None,
    ) -> None:
        self.engine = engine
        self.storage = storage
        self.content = content
        self.metrics = metrics or Metrics()
        self._outage_logged = False
        self._refusals: dict[str, tuple[float, int]] = {}  # user -> (window start, count)
        #: The country of the people seen lately, so that a text sent outside a turn (an
        #: apology after an error, "too busy", "can't reach my memory") names their own
        #: number without touching storage. A country only, never a health answer.
        self._countries: OrderedDict[str, str] = OrderedDict()
        self._said: dict[tuple[str, str | None, str | None], str] = {}

    def picture(self, key: str | None) -> Path | None:
        """The PNG file of an IMAGE reply's picture key (None when unknown or not configured)."""
        if self.content is None or key not in {p.value for p in Picture}:
            return None
        return picture_path(self.content, Picture(key))

    @property
    def inbox(self) -> Inbox:
        """Where a platform adapter keeps updates taken in until their steps are saved."""
        return self.storage.inbox

    @property
    def locales(self) -> tuple[str, ...]:
        """The languages we have content for, the default first."""
        return self.engine.catalog.locales

    def say(
        self, key: str, hints: Hints = NO_HINTS, *, user: str | None = None, **values: object
    ) -> str:
        """A text outside a conversation (a group notice, an apology, a menu), in the language
        ``hints`` point to, with the emergency numbers of ``user``'s country when they told us
        one lately (else the operator's default, else "112 or your local number")."""
        engine = self.engine
        country = self._countries.get(user) if user is not None else None
        session = Session(
            user="",
            locale=hints.locale(engine.catalog.locales, engine.default_locale),
            country=country or engine.default_country,
        )
        # A burst asks for the same "busy" thousands of times: plain texts are kept.
        cached = None if values or hints.commands else (key, session.locale, session.country)
        if cached is not None and cached in self._said:
            return self._said[cached]
        with engine.render.commands(hints.commands):
            text = engine.render.t(key, session, **values)
        if cached is not None:
            if len(self._said) >= SAID_KEPT:
                self._said.clear()
            self._said[cached] = text
        return text

    def countries(self, typed: str, hints: Hints = NO_HINTS, limit: int = 25) -> list[Choice]:
        """Countries to suggest while someone types a name (Discord's autocomplete): the
        choice id is the code, the label "🇩🇪 Germany" in the language ``hints`` point to. The
        likeliest for the hints come first; the hints never pick one."""
        engine = self.engine
        if engine.countries is None:
            return []
        locale = hints.locale(engine.catalog.locales, engine.default_locale)
        found = engine.countries.suggest(typed, [hints.tag, locale], limit)
        return [Choice(c.code, f"{c.flag} {c.name(locale)}") for c in found]

    async def handle(
        self,
        user: str,
        event: Event,
        *,
        event_id: str | None = None,
        label: str | None = None,
        resend: bool = False,
    ) -> Turn:
        """Apply ``event`` for ``user``; ``event_id`` makes a redelivered event a no-op.

        ``label`` is the text of the button the person pressed, as the platform shows it; it
        becomes the turn's ``receipt`` when the press is recorded. ``resend`` says the
        platform replays an update whose replies may have been cut off by a crash: if its
        step is the last one saved, the duplicate turn carries that step's replies again.
        """
        started = time.perf_counter()
        try:
            async with self.storage.isolation.lock(user):
                seen = event_id is not None and await self.storage.events.seen(event_id)
                if seen and not resend:
                    self.metrics.duplicates += 1
                    return Turn(replies=[], duplicate=True)
                turn = await self._step(user, event, label, event_id, resend)
                if event_id is not None and not turn.duplicate:
                    await self.storage.events.remember(event_id)
        except StorageUnavailable as exc:
            return self._unavailable(user, event, exc)
        if self._outage_logged:
            log.warning("storage is reachable again")
            self._outage_logged = False
        self.metrics.observe(event, turn, time.perf_counter() - started)
        return turn

    async def _step(
        self, user: str, event: Event, label: str | None, event_id: str | None, resend: bool
    ) -> Turn:
        """One step, saved together with ``event_id``: the event log above is per process
        (SQLite) and a crash between the save and ``remember`` would otherwise let the
        platform's redelivery apply the same text twice, to the next question."""
        for _ in range(MAX_ATTEMPTS):
            stored = await self._load(user)
            if stored is None and event.kind is EventKind.REMIND:
                return Turn(replies=[])  # forgotten or expired: nobody to remind
            if stored is not None and event_id is not None and event_id in stored.handled:
                self.metrics.duplicates += 1
                return self._again(stored, event_id) if resend else Turn([], duplicate=True)
            session = stored or self.engine.new_session(user)
            before = None
            if stored is not None:
                before = (stored.updated_at, stored.state, stored.to_json())
            step = self.engine.step(session, event)
            self._remember_country(user, session.country)
            if event.kind is EventKind.FORGET:
                self._countries.pop(user, None)
                await self.storage.forget(user)
                return self._turn(session, event, step.replies, label)
            if before is None or step.effects or not _unchanged(session, *before):
                if event_id is not None:
                    session.handled = [*session.handled, event_id][-HANDLED_KEPT:]
                    session.shown = replies_record(step.replies)
                try:
                    await self.storage.sessions.save(session)
                except ConcurrentUpdate:
                    self.metrics.retries += 1
                    continue
            await self._apply(step.effects)
            return self._turn(session, event, self._limit_refusals(user, step.replies), label)
        raise StorageUnavailable(f"could not save after {MAX_ATTEMPTS} concurrent updates")

    def _again(self, stored: Session, event_id: str) -> Turn:
        """A replayed duplicate: the replies of its step if that is the last one saved (what
        a crash may have cut off), else nothing (a later step has shown more since)."""
        replies: list[Reply] = []
        if stored.handled and stored.handled[-1] == event_id:
            try:
                replies = read_replies(stored.shown)
            except (ValueError, TypeError) as exc:  # broken: the person can type /start
                log.warning("unreadable replies kept in a session record (%s)", exc)
        locale = stored.locale or self.engine.default_locale
        return Turn(replies, state=stored.state, locale=locale, duplicate=True)

    def _remember_country(self, user: str, country: str | None) -> None:
        self._countries.pop(user, None)
        if country is not None:
            self._countries[user] = country  # re-inserted last: the newest
            if len(self._countries) > REFUSAL_USERS:
                self._countries.popitem(last=False)

    def _limit_refusals(self, user: str, replies: list[Reply]) -> list[Reply]:
        """Past a few refused presses in a window, answer with the short refusal only."""
        if not replies or not replies[0].refused:
            return replies
        now = time.monotonic()
        start, count = self._refusals.pop(user, (now, 0))
        if now - start > REFUSAL_WINDOW:
            start, count = now, 0
        self._refusals[user] = (start, count + 1)  # re-inserted last: the newest
        if len(self._refusals) > REFUSAL_USERS:
            del self._refusals[next(iter(self._refusals))]
        return replies if count < REFUSALS_ANSWERED_IN_FULL else replies[:1]

    async def _load(self, user: str) -> Session | None:
        """The stored session; an unreadable record is replaced by a fresh start, once."""
        try:
            session = await self.storage.sessions.load(user)
            if session and not self.engine.flow.rules.findings.keys() >= set(session.noted):
                raise CorruptRecord("session record holds a typed finding the rules do not know")
            return session
        except CorruptRecord as exc:
            log.warning("%s for %s: starting a new one", exc, user_ref(user))
            await self.storage.forget(user)
            return None

    async def _apply(self, effects: tuple[Effect, ...]) -> None:
        """Store or cancel the reminders the step asked for (after the session is saved)."""
        for effect in effects:
            if isinstance(effect, Schedule):
                await self.storage.reminders.schedule(effect.reminder)
            elif isinstance(effect, Cancel):
                await self.storage.reminders.cancel(effect.user, effect.kind)

    def _turn(
        self, session: Session, event: Event, replies: list[Reply], label: str | None
    ) -> Turn:
        done = check_done(self.engine, session)
        question = next((r.question for r in reversed(replies) if r.question), None)
        # The level travels with the turn that shows a result (an urgent one is shown early,
        # before the last questions) and with the end of the check.
        shows = any(r.kind is ReplyKind.OUTCOME for r in replies)
        recorded = _recorded(event, replies)
        receipt = (
            self.engine.render.t("ui.your_answer", session, answer=label)
            if recorded and label
            else None
        )
        return Turn(
            replies=replies,
            state=session.state,
            level=session.level if done or shows else None,
            findings=tuple(session.findings),
            red_flags=tuple(f for r in replies if r.kind is ReplyKind.WARNING for f in r.findings),
            locale=session.locale or self.engine.default_locale,
            done=done,
            question=question,
            recorded=recorded,
            receipt=receipt,
            so_far=self.engine.render.so_far(session) if recorded else None,
        )

    def _unavailable(self, user: str, event: Event, exc: Exception) -> Turn:
        """Tell the person to try again; log the outage once, not once per message."""
        self.metrics.errors += 1
        if not self._outage_logged:
            log.error("storage unavailable, answering 'try again': %s", exc)
            self._outage_logged = True
        hints = Hints(event.locale)
        text = self.say("ui.unavailable", hints, user=user)
        reply = Reply(ReplyKind.WARNING, "ui.unavailable", text)
        locale = hints.locale(self.locales, self.engine.default_locale)
        return Turn(replies=[reply], unavailable=True, locale=locale)


def _unchanged(session: Session, updated_at: float, state: str | None, stored: str) -> bool:
    """The step changed nothing but the time: a refused press or a read-only command,
    so there is nothing to write (and no version to bump). A new state is a change without
    encoding the record again (most steps move on: that encoding was 1.5 % of the CPU)."""
    if session.state != state:
        return False
    return replace(session, updated_at=updated_at).to_json() == stored


def _recorded(event: Event, replies: list[Reply]) -> bool:
    """A press counts as an answer unless it was refused or began a new check."""
    return (
        event.kind is EventKind.CHOICE
        and bool(replies)
        and not any(r.refused for r in replies)
        and all(r.key != WELCOME for r in replies)
    )


LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """Counts only, never user data; ``bot.metrics`` exports them to Prometheus on scrape."""

    def __init__(self) -> None:
        self.started = 0
        self.outcomes: dict[str, int] = {}
        self.red_flag_interrupts = 0
        self.duplicates = 0
        self.retries = 0
        self.errors = 0
        self.latency_counts = [0] * len(LATENCY_BUCKETS)
        self.latency_sum = 0.0
        self.latency_total = 0

    def observe(self, event: Event, turn: Turn, seconds: float) -> None:
        if event.kind in (EventKind.START, EventKind.RESTART) and turn.state is not None:
            self.started += 1
        if any(r.kind is ReplyKind.OUTCOME for r in turn.replies) and turn.level:
            self.outcomes[turn.level] = self.outcomes.get(turn.level, 0) + 1
        if turn.red_flags:
            self.red_flag_interrupts += 1
        self.latency_sum += seconds
        self.latency_total += 1
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                self.latency_counts[i] += 1
