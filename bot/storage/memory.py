"""Sessions in a dict: for tests and the benchmarks' baseline, gone when the process ends.

Records are kept as JSON text, exactly as the real backends keep them, so a test on memory
catches a field that does not survive serialisation.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.core.errors import ConcurrentUpdate
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import LocalLocks, SeenEvents, Storage, decode


class MemoryStorage(Storage):
    """The reference backend: simplest possible behaviour of the contract."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.records: dict[str, tuple[int, str]] = {}
        self._locks = LocalLocks()
        self._seen = SeenEvents()
        self.reminders: dict[str, Reminder] = {}

    async def load(self, user: str) -> Session | None:
        record = self.records.get(user)
        if record is None:
            return None
        session = decode(user, record[1], record[0])
        if self.expired(session):
            del self.records[user]
            return None
        return session

    async def save(self, session: Session) -> None:
        stored = self.records.get(session.user, (0, ""))[0]
        if stored != session.version:
            raise ConcurrentUpdate(f"session changed underneath (v{stored} != v{session.version})")
        self.records[session.user] = (session.version + 1, session.to_json())
        session.version += 1

    async def delete(self, user: str) -> None:
        self.records.pop(user, None)
        await self.cancel(user)

    async def purge(self) -> int:
        stale = [u for u in list(self.records) if await self.load(u) is None]
        return len(stale)

    async def seen(self, event_id: str) -> bool:
        return event_id in self._seen

    async def remember(self, event_id: str) -> None:
        self._seen.add(event_id)

    async def schedule(self, reminder: Reminder) -> None:
        self.reminders[reminder.id] = reminder

    async def cancel(self, user: str, kind: str | None = None) -> None:
        for rid, r in list(self.reminders.items()):
            if r.user == user and kind in (None, r.kind):
                del self.reminders[rid]

    async def claim_due(self, now: float, limit: int = 100) -> list[Reminder]:
        due = sorted((r for r in self.reminders.values() if r.due <= now), key=lambda r: r.due)
        for reminder in due[:limit]:
            del self.reminders[reminder.id]
        return due[:limit]

    def lock(self, user: str) -> AbstractAsyncContextManager[None]:
        return self._locks(user)
