"""One small storage interface, so the engine never knows where sessions live.

Every backend passes the same contract test suite (``tests/storage/test_contract.py``).
Saves are compare-and-set on ``Session.version``: a save that lost a race raises
``ConcurrentUpdate`` instead of overwriting someone else's step. Per-user locking and
duplicate-event detection sit beside storage because they must be shared exactly as widely
as the sessions are (one process for SQLite, every process for Redis).
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from bot.core.errors import CorruptRecord
from bot.core.reminders import Reminder
from bot.core.session import Session


class Storage(ABC):
    """Sessions by user key, with optimistic versioning and a retention period."""

    def __init__(self, *, retention: float, clock: Callable[[], float] = time.time) -> None:
        self.retention = retention
        self.clock = clock

    @abstractmethod
    async def load(self, user: str) -> Session | None:
        """The stored session, or None (never stored, forgotten, or past retention)."""

    @abstractmethod
    async def save(self, session: Session) -> None:
        """Store atomically if the stored version is still ``session.version``.

        On success ``session.version`` is incremented to the stored version. Raises
        ``ConcurrentUpdate`` if another step saved first, ``StorageUnavailable`` if the
        backend cannot be reached.
        """

    @abstractmethod
    async def delete(self, user: str) -> None:
        """Remove everything stored about ``user`` (``/forget``): session and reminders."""

    @abstractmethod
    async def purge(self) -> int:
        """Delete sessions idle for longer than the retention period; return how many."""

    @abstractmethod
    async def seen(self, event_id: str) -> bool:
        """Whether a platform event (update id, interaction id) was already handled."""

    @abstractmethod
    async def remember(self, event_id: str) -> None:
        """Mark a platform event handled, for at least a day."""

    @abstractmethod
    async def schedule(self, reminder: Reminder) -> None:
        """Store a reminder next to the user's session (idempotent by ``reminder.id``)."""

    @abstractmethod
    async def cancel(self, user: str, kind: str | None = None) -> None:
        """Drop the user's reminders (of one kind, or all)."""

    @abstractmethod
    async def claim_due(self, now: float, limit: int = 100) -> list[Reminder]:
        """Take reminders due by ``now``; each is handed to exactly one caller, once."""

    @abstractmethod
    def lock(self, user: str) -> AbstractAsyncContextManager[None]:
        """An async context manager: one event per user at a time."""

    async def close(self) -> None:  # noqa: B027 - an optional hook
        """Release connections; further calls are not expected."""

    def expired(self, session: Session) -> bool:
        return session.updated_at < self.clock() - self.retention


def decode(user: str, raw: str | bytes, version: int) -> Session:
    """A stored record as a Session with its stored version, or ``CorruptRecord``."""
    try:
        session = Session.from_json(raw)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CorruptRecord(f"unreadable session record ({type(exc).__name__})") from exc
    session.version = version
    return session


class LocalLocks:
    """Per-user asyncio locks for one process; entries vanish when nobody holds them."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

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


class SeenEvents:
    """A bounded in-memory record of handled event ids (the single-process case)."""

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, event_id: str) -> bool:
        return event_id in self._ids

    def add(self, event_id: str) -> None:
        self._ids[event_id] = None
        self._ids.move_to_end(event_id)
        while len(self._ids) > self.size:
            self._ids.popitem(last=False)
