"""Sessions in a dict: for tests and the benchmarks' baseline, gone when the process ends.

Records are kept as JSON text, exactly as the real backends keep them, so a test on memory
catches a field that does not survive serialisation.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.errors import ConcurrentUpdate
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import (
    INBOX_TRIES,
    LEASE,
    Inbox,
    LocalLocks,
    Parcel,
    ReminderQueue,
    SeenEvents,
    SessionStore,
    Storage,
    decode,
    without_shown,
)


class MemorySessions(SessionStore):
    """The reference session store: simplest possible behaviour of the contract."""

    def __init__(self, *, retention: float, clock: Callable[[], float] = time.time) -> None:
        super().__init__(retention=retention, clock=clock)
        self.records: dict[str, tuple[int, str]] = {}

    def alive(self, user: str) -> bool:
        """Whether ``user`` has a session within retention (without decoding it)."""
        record = self.records.get(user)
        return record is not None and _stamp(record[1]) >= self.cutoff()

    async def load(self, user: str) -> Session | None:
        record = self.records.get(user)
        if record is None:
            return None
        session = decode(user, record[1], record[0])
        if session.updated_at < self.cutoff():
            del self.records[user]
            return None
        return session

    async def save(self, session: Session) -> None:
        stored = self.records.get(session.user, (0, ""))[0]
        if stored != session.version and not (
            session.version == 0 and not self.alive(session.user)
        ):
            raise ConcurrentUpdate(f"session changed underneath (v{stored} != v{session.version})")
        self.records[session.user] = (session.version + 1, session.to_json())
        session.version += 1

    async def delete(self, user: str) -> None:
        self.records.pop(user, None)

    async def purge(self) -> int:
        stale = [user for user in self.records if not self.alive(user)]
        for user in stale:
            del self.records[user]
        return len(stale)

    async def settle(self, before: float) -> int:
        settled = 0
        for user, (version, raw) in list(self.records.items()):
            if '"sh"' in raw and _stamp(raw) < before:
                self.records[user] = (version, without_shown(raw))
                settled += 1
        return settled


def _stamp(raw: str) -> float:
    """The record's last update, read without trusting the rest of it."""
    try:
        return float(Session.from_json(raw).updated_at)
    except (ValueError, KeyError, TypeError, IndexError):
        return float("inf")  # unreadable: kept until load reports it as corrupt


class MemoryReminders(ReminderQueue):
    """Reminders with the time each becomes claimable (its due time, or its lease's end)."""

    def __init__(self, sessions: MemorySessions) -> None:
        self.sessions = sessions
        self.items: dict[str, tuple[Reminder, float]] = {}

    async def schedule(self, reminder: Reminder) -> None:
        self.items[reminder.id] = (reminder, reminder.due)

    async def cancel(self, user: str, kind: str | None = None) -> None:
        for rid, (r, _) in list(self.items.items()):
            if r.user == user and kind in (None, r.kind):
                del self.items[rid]

    async def claim_due(self, now: float, limit: int = 100, lease: float = LEASE) -> list[Reminder]:
        ready = sorted((item for item in self.items.values() if item[1] <= now), key=_ready)
        claimed = [r for r, _ in ready[:limit]]
        for reminder in claimed:
            self.items[reminder.id] = (reminder, now + lease)
        return claimed

    async def ack(self, reminder: Reminder) -> None:
        self.items.pop(reminder.id, None)

    async def purge(self) -> int:
        orphans = [rid for rid, (r, _) in self.items.items() if not self.sessions.alive(r.user)]
        for rid in orphans:
            del self.items[rid]
        return len(orphans)


def _ready(item: tuple[Reminder, float]) -> float:
    return item[1]


@dataclass(slots=True)
class _Stored:
    parcel: Parcel
    stored: float
    lease: float
    tries: int = 0


class MemoryInbox(Inbox):
    """Parcels in arrival order (a dict keeps insertion order), each with its lease."""

    def __init__(self) -> None:
        self.items: dict[str, _Stored] = {}

    async def put(self, parcels: Sequence[Parcel], now: float, lease: float = LEASE) -> None:
        for parcel in parcels:
            self.items.setdefault(parcel.id, _Stored(parcel, now, now + lease))

    async def done(self, ids: Sequence[str]) -> None:
        for parcel_id in ids:
            self.items.pop(parcel_id, None)

    async def claim(
        self, now: float, limit: int = 100, lease: float = LEASE, tries: int = INBOX_TRIES
    ) -> list[Parcel]:
        claimed: list[Parcel] = []
        for parcel_id, item in list(self.items.items()):
            if len(claimed) >= limit:
                break
            if item.lease > now:
                continue
            if item.tries >= tries:
                del self.items[parcel_id]
                continue
            item.lease = now + lease
            claimed.append(item.parcel)
        return claimed

    async def started(self, parcel_id: str) -> None:
        item = self.items.get(parcel_id)
        if item is not None:
            item.tries += 1

    async def purge(self, before: float) -> int:
        old = [parcel_id for parcel_id, item in self.items.items() if item.stored < before]
        for parcel_id in old:
            del self.items[parcel_id]
        return len(old)


def open_memory(*, retention: float, clock: Callable[[], float] = time.time) -> Storage:
    """A complete in-memory storage (no I/O, so no ``await``)."""
    sessions = MemorySessions(retention=retention, clock=clock)
    return Storage(sessions, SeenEvents(), MemoryReminders(sessions), MemoryInbox(), LocalLocks())
