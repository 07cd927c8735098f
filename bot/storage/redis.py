"""Sessions in Redis: many bot processes (webhook workers, Discord shards) behind one token.

Each session is a hash ``<prefix>s:<user>`` with the JSON record, its version and its time,
and a TTL equal to the retention period, so Redis itself forgets idle conversations. A save
is a Lua compare-and-set on the version: the version read under the lock is the fencing
token, so even a process whose lock timed out (a long GC pause, a network split) cannot
overwrite a newer step. Handled platform events are ``SET NX EX`` keys shared by every
process.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import LockError, RedisError

from bot.core.errors import ConcurrentUpdate, StorageUnavailable
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import LocalLocks, Storage, decode

SEEN_TTL = 86400
LOCK_TIMEOUT = 30.0

# KEYS[1] session; ARGV: expected version, new data, updated_at, ttl ms, expiry cutoff.
_SAVE = """
local cur = redis.call('HGET', KEYS[1], 'v')
if cur and cur ~= ARGV[1] then
  local t = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
  if not (ARGV[1] == '0' and t < tonumber(ARGV[5])) then return -1 end
elseif not cur and ARGV[1] ~= '0' then
  return -1
end
local new = tonumber(ARGV[1]) + 1
redis.call('HSET', KEYS[1], 'v', new, 'd', ARGV[2], 't', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return new
"""

# KEYS[1] due zset; ARGV: now, limit. Pops due ids atomically: one process gets each.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #ids > 0 then redis.call('ZREM', KEYS[1], unpack(ids)) end
return ids
"""


class RedisStorage(Storage):
    """redis-py asyncio; open with :meth:`open` (checks the connection once)."""

    def __init__(self, client: aioredis.Redis, *, prefix: str = "backcheck:", **kw: Any) -> None:
        super().__init__(**kw)
        self.redis = client
        self.prefix = prefix
        self._save = client.register_script(_SAVE)
        self._claim = client.register_script(_CLAIM)
        self._local = LocalLocks()

    @classmethod
    async def open(cls, url: str, *, prefix: str = "backcheck:", **kw: Any) -> RedisStorage:
        client = aioredis.from_url(
            url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
        )
        storage = cls(client, prefix=prefix, **kw)
        try:
            await client.ping()
        except RedisError as exc:
            raise StorageUnavailable(f"cannot reach Redis: {type(exc).__name__}") from exc
        return storage

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}:{name}"

    async def load(self, user: str) -> Session | None:
        try:
            record = await self.redis.hgetall(self._key("s", user))
        except RedisError as exc:
            raise StorageUnavailable(f"Redis read failed: {type(exc).__name__}") from exc
        if not record:
            return None
        session = decode(user, record["d"], int(record["v"]))
        return None if self.expired(session) else session

    async def save(self, session: Session) -> None:
        args: list[str | int | float] = [
            session.version,
            session.to_json(),
            session.updated_at,
            int(self.retention * 1000),
            self.clock() - self.retention,
        ]
        try:
            new = await self._save(keys=[self._key("s", session.user)], args=args)
        except RedisError as exc:
            raise StorageUnavailable(f"Redis write failed: {type(exc).__name__}") from exc
        if int(new) < 0:
            raise ConcurrentUpdate(f"session changed underneath (expected v{session.version})")
        session.version = int(new)

    async def delete(self, user: str) -> None:
        try:
            await self.cancel(user)
            await self.redis.delete(self._key("s", user))
        except RedisError as exc:
            raise StorageUnavailable(f"Redis delete failed: {type(exc).__name__}") from exc

    async def purge(self) -> int:
        """Redis expires sessions by TTL; this sweeps records whose own clock says expired."""
        removed = 0
        async for key in self.redis.scan_iter(match=self._key("s", "*"), count=500):
            stamp = await self.redis.hget(key, "t")
            if stamp is not None and float(stamp) < self.clock() - self.retention:
                removed += int(await self.redis.delete(key))
        return removed

    async def seen(self, event_id: str) -> bool:
        try:
            return bool(await self.redis.exists(self._key("e", event_id)))
        except RedisError as exc:
            raise StorageUnavailable(f"Redis read failed: {type(exc).__name__}") from exc

    async def remember(self, event_id: str) -> None:
        try:
            await self.redis.set(self._key("e", event_id), 1, ex=SEEN_TTL, nx=True)
        except RedisError as exc:
            raise StorageUnavailable(f"Redis write failed: {type(exc).__name__}") from exc

    async def schedule(self, reminder: Reminder) -> None:
        """The id (user|kind|due) goes into one due-time sorted set and the user's set."""
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zadd(self._key("due", "all"), {reminder.id: reminder.due})
                pipe.sadd(self._key("d", reminder.user), reminder.id)
                pipe.pexpire(self._key("d", reminder.user), int(self.retention * 1000))
                await pipe.execute()
        except RedisError as exc:
            raise StorageUnavailable(f"Redis write failed: {type(exc).__name__}") from exc

    async def cancel(self, user: str, kind: str | None = None) -> None:
        try:
            ids = await self.redis.smembers(self._key("d", user))
            drop = [str(i) for i in ids if kind is None or str(i).split("|")[1] == kind]
            if drop:
                await self.redis.zrem(self._key("due", "all"), *drop)
                await self.redis.srem(self._key("d", user), *drop)
        except RedisError as exc:
            raise StorageUnavailable(f"Redis write failed: {type(exc).__name__}") from exc

    async def claim_due(self, now: float, limit: int = 100) -> list[Reminder]:
        try:
            ids = await self._claim(keys=[self._key("due", "all")], args=[now, limit])
        except RedisError as exc:
            raise StorageUnavailable(f"Redis claim failed: {type(exc).__name__}") from exc
        claimed = [_parse_reminder(i) for i in ids]
        for reminder in claimed:
            await self.redis.srem(self._key("d", reminder.user), reminder.id)
        return claimed

    def lock(self, user: str) -> AbstractAsyncContextManager[None]:
        return self._both_locks(user)

    @asynccontextmanager
    async def _both_locks(self, user: str) -> AsyncIterator[None]:
        """A local lock first (no Redis traffic for a process's own queue), then Redis's."""
        async with self._local(user):
            lock = self.redis.lock(
                self._key("l", user), timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT
            )
            try:
                acquired = await lock.acquire()
            except RedisError as exc:
                raise StorageUnavailable(f"Redis lock failed: {type(exc).__name__}") from exc
            if not acquired:
                raise StorageUnavailable(f"user lock busy for more than {LOCK_TIMEOUT:.0f} s")
            try:
                yield
            finally:
                # Expired or unreachable: the version check still fences the write.
                with contextlib.suppress(LockError, RedisError):
                    await lock.release()

    async def close(self) -> None:
        await self.redis.aclose()


def _parse_reminder(reminder_id: str) -> Reminder:
    user, kind, due = reminder_id.rsplit("|", 2)
    return Reminder(user=user, kind=kind, due=float(due))
