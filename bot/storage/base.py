"""Five small storage roles, so the engine never knows where sessions live.

As in aiogram, each role is its own interface and locking (isolation) is kept apart from
storage: ``SessionStore`` (sessions with compare-and-set saves and a retention period),
``EventLog`` (platform events already handled), ``ReminderQueue`` (follow-ups with leases),
``Inbox`` (platform updates taken in but not yet applied, with leases) and ``Isolation`` (one
event per user at a time). A backend is one module that implements the roles on one database
and hands them out together as a ``Storage`` bundle. Every role has one contract suite run
against every backend (``tests/storage/``).

The roles must be shared exactly as widely as the sessions are: one process for SQLite (so
its event log and locks are in memory), every process for Redis.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from bot.core.errors import CorruptRecord
from bot.core.reminders import Reminder
from bot.core.session import Session

#: How long a claimed reminder (or inbox entry) stays with its claimer before it is handed
#: out again.
LEASE = 120.0
#: Replayed steps of one inbox entry that never finished before it is dropped: an update
#: that crashed the process this often would crash it on every start.
INBOX_TRIES = 5
#: Inbox entries older than this are purged unapplied: Telegram itself keeps an update for a
#: day, and an inbox must never become a second, forgotten copy of people's messages.
INBOX_MAX_AGE = 86400.0


class SessionStore(ABC):
    """Sessions by user key, with optimistic versioning and a retention period."""

    def __init__(self, *, retention: float, clock: Callable[[], float] = time.time) -> None:
        self.retention = retention
        self.clock = clock

    @abstractmethod
    async def load(self, user: str) -> Session | None:
        """The stored session, or None (never stored, forgotten, or past retention).

        Raises ``CorruptRecord`` for a record that cannot be read back as a valid session.
        """

    @abstractmethod
    async def save(self, session: Session) -> None:
        """Store atomically if the stored version is still ``session.version``.

        On success ``session.version`` is incremented to the stored version. Raises
        ``ConcurrentUpdate`` if another step saved first, ``StorageUnavailable`` if the
        backend cannot be reached.
        """

    @abstractmethod
    async def delete(self, user: str) -> None:
        """Remove the user's session (``Storage.forget`` also drops reminders and scrubs)."""

    @abstractmethod
    async def purge(self) -> int:
        """Delete sessions idle for longer than the retention period; return how many."""

    @abstractmethod
    async def settle(self, before: float) -> int:
        """Drop the last step's replies (``Session.shown``) from sessions last saved before
        ``before``, keeping their version; return how many. Past the inbox's age no update
        of theirs can be replayed, so the texts are only weight, and personal."""

    def cutoff(self) -> float:
        """Sessions last updated before this moment are past retention."""
        return self.clock() - self.retention


class EventLog(ABC):
    """Platform events (update ids, interaction ids) already applied, kept for a day or more."""

    @abstractmethod
    async def seen(self, event_id: str) -> bool:
        """Whether the event was already handled."""

    @abstractmethod
    async def remember(self, event_id: str) -> None:
        """Mark the event handled."""


class ReminderQueue(ABC):
    """Follow-ups stored next to the sessions, delivered at least once.

    ``claim_due`` leases a due reminder to one caller until ``now + lease``; the caller
    ``ack``s it after the message went out. A claimer that crashed never acks, so the lease
    runs out and the reminder is handed out again: a "take the cold pack off" is never lost
    between the claim and the send (it may, rarely, arrive twice).
    """

    @abstractmethod
    async def schedule(self, reminder: Reminder) -> None:
        """Store a reminder (idempotent by ``reminder.id``)."""

    @abstractmethod
    async def cancel(self, user: str, kind: str | None = None) -> None:
        """Drop the user's reminders (of one kind, or all), leased or not."""

    @abstractmethod
    async def claim_due(self, now: float, limit: int = 100, lease: float = LEASE) -> list[Reminder]:
        """Lease reminders due by ``now``, oldest first; no two callers hold one at once."""

    @abstractmethod
    async def ack(self, reminder: Reminder) -> None:
        """The claimed reminder was delivered (or is not worth sending): delete it."""

    @abstractmethod
    async def purge(self) -> int:
        """Drop reminders of users who no longer have a live session; return how many."""


@dataclass(frozen=True, slots=True)
class Parcel:
    """One platform update as it arrived: ``id`` names it across platforms (``tg:<update
    id>``), ``body`` is its JSON text, kept as received so a replay is the same update."""

    id: str
    body: str


class Inbox(ABC):
    """Platform updates taken in but not yet applied, so the platform may forget them at once.

    Telegram hands an update out until the bot confirms it, and the bot could only confirm
    an update whose step was saved, so a burst waited behind every step before it. With an
    inbox the bot stores each fetched batch (one write), confirms it, answers the presses,
    and applies the steps from memory; ``done`` drops what was applied. ``put`` leases its
    parcels to the caller; whatever a crashed taker never finished is handed out again by
    ``claim`` once the lease runs out (for a ``local`` inbox, one that a single process owns,
    everything in it at start-up was left by a crash). A replayed parcel is ``started`` before
    its step: one whose step was started ``INBOX_TRIES`` times and never finished is dropped
    (it crashes whoever runs it), while one that only waited its turn is kept. ``purge``
    drops parcels stored before a cut-off: the inbox holds people's messages only for the
    seconds it takes to apply them.
    """

    #: Only one process uses this inbox (memory, SQLite): at start-up every parcel is stale.
    local: bool = True

    @abstractmethod
    async def put(self, parcels: Sequence[Parcel], now: float, lease: float = LEASE) -> None:
        """Store ``parcels`` atomically (all or none), leased until ``now + lease``; a parcel
        already stored keeps its lease. Raises ``StorageUnavailable``."""

    @abstractmethod
    async def done(self, ids: Sequence[str]) -> None:
        """The parcels were applied (or never will be): delete them."""

    @abstractmethod
    async def claim(
        self, now: float, limit: int = 100, lease: float = LEASE, tries: int = INBOX_TRIES
    ) -> list[Parcel]:
        """Lease parcels whose lease ran out by ``now``, in arrival order; a parcel started
        ``tries`` times already is deleted instead. No two callers hold one at once."""

    @abstractmethod
    async def started(self, parcel_id: str) -> None:
        """A replayed parcel's step begins: count it against ``INBOX_TRIES``."""

    @abstractmethod
    async def purge(self, before: float) -> int:
        """Delete parcels stored before ``before``; return how many."""


class Isolation(ABC):
    """One event per key at a time (aiogram's ``BaseEventIsolation``)."""

    @abstractmethod
    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        """An async context manager held while one event for ``key`` is applied."""


async def _nothing() -> None:
    return None


@dataclass(slots=True)
class Storage:
    """The five roles of one backend, plus what spans them: forget, purge, scrub, close."""

    sessions: SessionStore
    events: EventLog
    reminders: ReminderQueue
    inbox: Inbox
    isolation: Isolation
    #: Leave no copy of deleted data in the backend's files (WAL checkpoint, AOF rewrite).
    scrub: Callable[[], Awaitable[None]] = field(default=_nothing)
    closing: Callable[[], Awaitable[None]] = field(default=_nothing)

    async def forget(self, user: str) -> None:
        """``/forget``: reminders, then the session, then the files' old copies."""
        await self.reminders.cancel(user)
        await self.sessions.delete(user)
        await self.scrub()

    async def purge(self) -> int:
        """Retention: expired sessions, their reminders, inbox parcels older than a day (never
        applied: see ``Inbox``), the last step's replies of sessions idle for a day, then a
        scrub; returns sessions removed."""
        removed = await self.sessions.purge()
        await self.reminders.purge()
        await self.inbox.purge(self.sessions.clock() - INBOX_MAX_AGE)
        await self.sessions.settle(self.sessions.clock() - INBOX_MAX_AGE)
        await self.scrub()
        return removed

    async def close(self) -> None:
        """Release connections; further calls are not expected."""
        await self.closing()


def without_shown(raw: str | bytes) -> str:
    """A stored record without its last step's replies (``Session.settle``); an unreadable
    one is returned as it is, for ``load`` to report."""
    try:
        session = Session.from_json(raw)
    except (ValueError, KeyError, TypeError, IndexError):
        return raw.decode(errors="replace") if isinstance(raw, bytes) else raw
    session.shown = []
    return session.to_json()  # the one encoder every save uses


def decode(user: str, raw: str | bytes, version: int) -> Session:
    """A stored record as a Session with its stored version, or ``CorruptRecord``.

    A record filed under another user's key is as unusable as unreadable bytes: answering
    from it would show one person another person's answers.
    """
    try:
        session = Session.from_json(raw)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorruptRecord(f"unreadable session record ({type(exc).__name__})") from exc
    if session.user != user:
        raise CorruptRecord("session record filed under another user's key")
    wrong = _wrongly_typed(session)
    if wrong:
        raise CorruptRecord(f"session record has a wrongly typed field ({wrong})")
    session.version = version
    return session


def _wrongly_typed(session: Session) -> str | None:
    """The first field that ``Session.from_json`` passed through with the wrong type."""
    for name in ("state", "locale", "country", "zone", "level"):  # pending: prompts.decode
        if not isinstance(getattr(session, name), str | None):
            return name
    stamp = session.triaged_at
    if stamp is not None and (isinstance(stamp, bool) or not isinstance(stamp, int | float)):
        return "triaged_at"
    for answer in session.answers:
        texts = (answer.question, answer.choice, *answer.findings)
        if not all(isinstance(text, str) for text in texts):
            return "answers"
    if not all(isinstance(finding, str) for finding in session.noted):
        return "noted"
    if not all(isinstance(event, str) for event in session.handled):
        return "handled"
    return None


class LocalLocks(Isolation):
    """Per-user asyncio locks for one process; entries vanish when nobody holds them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        return self(key)

    @asynccontextmanager
    async def __call__(self, user: str) -> AsyncIterator[None]:
        entry = self._locks.get(user)
        lock, users = entry if entry is not None else (asyncio.Lock(), 0)
        self._locks[user] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[user]
            if users == 1:
                del self._locks[user]
            else:
                self._locks[user] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class SeenEvents(EventLog):
    """A bounded in-memory record of handled event ids (the single-process case)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    async def seen(self, event_id: str) -> bool:
        return event_id in self._ids

    async def remember(self, event_id: str) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)
