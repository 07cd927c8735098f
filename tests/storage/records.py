"""Write a raw record the way each backend stores one (a hand edit, a bad disk, an old bug)."""

from __future__ import annotations

from bot.storage.base import Storage


async def plant(storage: Storage, user: str, raw: str, version: int = 3) -> None:
    from bot.storage.memory import MemorySessions
    from bot.storage.redis import RedisSessions
    from bot.storage.sqlite import SQLiteSessions

    sessions = storage.sessions
    now = sessions.clock()
    if isinstance(sessions, MemorySessions):
        sessions.records[user] = (version, raw)
    elif isinstance(sessions, SQLiteSessions):
        await sessions.db.run(
            "INSERT OR REPLACE INTO sessions (user, version, updated_at, data) VALUES (?, ?, ?, ?)",
            (user, version, now, raw),
        )
    elif isinstance(sessions, RedisSessions):
        key = sessions._key("s", user)
        await sessions.redis.hset(key, mapping={"v": version, "d": raw, "t": now})
    else:
        raise AssertionError(f"no way to plant a record in {type(sessions).__name__}")
