"""Sessions in a dict: for tests and the benchmarks' baseline, gone when the process ends.

Records are kept as JSON text, exactly as the real backends keep them, so a test on memory
catches a field that does not survive serialisation.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.core.errors import ConcurrentUpdate
from bot.core.session import Session
from bot.storage.base import LocalLocks, SeenEvents, Storage


class MemoryStorage(Storage):
    """The reference backend: simplest possible behaviour of the contract."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.records: dict[str, tuple[int, str]] = {}
        self._locks = LocalLocks()
        self._seen = SeenEvents()

    async def load(self, user: str) -> Session | None:
        record = self.records.get(user)
        if record is None:
            return None
        session = Session.from_json(record[1])
        session.version = record[0]
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

    async def purge(self) -> int:
        stale = [u for u in list(self.records) if await self.load(u) is None]
        return len(stale)

    async def seen(self, event_id: str) -> bool:
        return event_id in self._seen

    async def remember(self, event_id: str) -> None:
        self._seen.add(event_id)

    def lock(self, user: str) -> AbstractAsyncContextManager[None]:
        return self._locks(user)
