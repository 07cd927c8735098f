"""The fixed workload: seeded simulated users walking random paths through the real flow.

The walks are generated once, before anything is timed, by driving the real engine and picking
among the buttons it offers with a seeded ``random.Random``. Every row then replays the same
events in the same order, so ours and the baselines do exactly the same work and the random
generator is never inside a timed region.

A purely uniform pick would end most walks at the first question (six of its seven buttons are
emergencies), so a user picks a "calm" button (one that asserts no finding) with probability
``CALM_SHARE`` and any offered button otherwise. At an outcome, a user opens one follow-up
screen (for example the summary card) with probability ``FOLLOWUP_SHARE``.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from bot.app import build_engine
from bot.core.engine import Engine
from bot.core.flow.vocabulary import RESTART
from bot.core.messages import Choice, Event, EventKind, Reply
from bot.core.session import Session, replies_record
from bot.settings import Settings

SEED = 20_260_508
CALM_SHARE = 0.8
FOLLOWUP_SHARE = 0.5
FIRST_USER_ID = 10_000_001
MAX_STEPS = 80
FIXED_NOW = 1_800_000_000.0


@dataclass(frozen=True, slots=True)
class Step:
    """One event of one user; ``uid`` is the numeric platform id the fakes use."""

    user: str
    uid: int
    event: Event


@dataclass(frozen=True)
class Workload:
    """The users, their interleaved events and the sessions they end with."""

    seed: int
    users: tuple[str, ...]
    steps: tuple[Step, ...]
    final: dict[str, Session] = field(repr=False)
    per_user: dict[str, tuple[Step, ...]] = field(repr=False)

    @property
    def mean_path(self) -> float:
        """Events per user, to show how deep the random walks go."""
        return len(self.steps) / max(1, len(self.users))

    def head(self, users: int) -> Workload:
        """The first ``users`` users only, their events still in the same global order."""
        if users >= len(self.users):
            return self
        keep = self.users[:users]
        chosen = set(keep)
        return Workload(
            self.seed,
            keep,
            tuple(s for s in self.steps if s.user in chosen),
            {u: self.final[u] for u in keep},
            {u: self.per_user[u] for u in keep},
        )

    def outcomes(self) -> Counter[str]:
        """How many walks ended at each triage level."""
        return Counter(s.level or "none" for s in self.final.values())


@cache
def engine() -> Engine:
    """The production engine (``build_engine(Settings())``), built once per process."""
    return build_engine(Settings())  # type: ignore[call-arg]


def make_workload(users: int, seed: int = SEED) -> Workload:
    """Walk ``users`` simulated people through the flow and interleave their events."""
    rng = random.Random(seed)
    gen = generator_engine()
    locales = gen.catalog.locales
    per_user: dict[str, tuple[Step, ...]] = {}
    final: dict[str, Session] = {}
    for i in range(users):
        uid = FIRST_USER_ID + i
        user = str(uid)
        steps, session = _walk(gen, rng, user, uid, rng.choice(locales))
        per_user[user] = steps
        final[user] = session
    return Workload(seed, tuple(per_user), _interleave(rng, per_user), final, per_user)


def generator_engine() -> Engine:
    """A twin of the production engine with a fixed clock, so the walks are reproducible.

    It asks "Where are you now?" as the real bot does (a first check ever asks it after the
    first screen): without it every walk ran off the bot's script from its second press on,
    and the peers, replaying the walks' screens, were spared a question and its calls."""
    real = engine()
    return Engine(
        real.flow,
        real.catalog,
        real.listener,
        default_locale=real.default_locale,
        default_country=real.default_country,
        clock=lambda: FIXED_NOW,
        countries=real.countries,
        ask_country=real.ask_country,
    )


def _walk(
    gen: Engine, rng: random.Random, user: str, uid: int, locale: str
) -> tuple[tuple[Step, ...], Session]:
    session = gen.new_session(user)
    event = Event(EventKind.START, locale=locale)
    steps: list[Step] = []
    for _ in range(MAX_STEPS):
        steps.append(Step(user, uid, event))
        replies = gen.handle(session, event)
        question = _last_question(replies)
        if question is None:
            break
        if session.level is not None:
            followups = [c for c in question.choices if c.id != RESTART]
            if followups and rng.random() < FOLLOWUP_SHARE:
                steps.append(Step(user, uid, _press(question, rng.choice(followups), locale)))
                replies = gen.handle(session, steps[-1].event)
            break
        event = _press(question, _pick(rng, question.choices), locale)
    # Stored as the service saves it: with the last step's replies (bot.core.session.shown).
    session.shown = replies_record(replies)
    return tuple(steps), session


def _pick(rng: random.Random, offered: tuple[Choice, ...]) -> Choice:
    calm = [c for c in offered if not c.findings]
    if calm and rng.random() < CALM_SHARE:
        return rng.choice(calm)
    return rng.choice(offered)


def _press(question: Reply, choice: Choice, locale: str) -> Event:
    return Event(EventKind.CHOICE, choice.id, question.question, locale)


def _last_question(replies: list[Reply]) -> Reply | None:
    return next((r for r in reversed(replies) if r.question and r.choices), None)


def _interleave(rng: random.Random, per_user: dict[str, tuple[Step, ...]]) -> tuple[Step, ...]:
    """One global order that keeps each user's own order (users progress at random rates)."""
    queues = list(per_user.values())
    position = [0] * len(queues)
    active = list(range(len(queues)))
    out: list[Step] = []
    while active:
        k = rng.randrange(len(active))
        q = active[k]
        out.append(queues[q][position[q]])
        position[q] += 1
        if position[q] == len(queues[q]):
            active[k] = active[-1]
            active.pop()
    return tuple(out)
