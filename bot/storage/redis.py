"""Sessions in Redis: many bot processes (webhook workers, Discord shards) behind one token.

Each session is a hash ``<prefix>s:<user>`` with the JSON record, its version and its time,
and a TTL equal to the retention period, so Redis itself forgets idle conversations. A save
is a Lua compare-and-set on the version: the version read under the lock is the fencing
token, so even a process whose lock timed out (a long GC pause, a network split) cannot
overwrite a newer step. Handled platform events are ``SET NX EX`` keys shared by every
process; reminders are one sorted set scored by the time each may next be claimed, and
inbox parcels (updates taken in, not yet applied) are shared the same way, so a crashed
worker's are claimed by another after their lease.

Redis's append-only file keeps every write ever made until it is rewritten, so after
``/forget`` (and after each retention purge) this process asks for ``BGREWRITEAOF``, at most
once every ``AOF_REWRITE_EVERY`` seconds (a forget in between is covered by one rewrite at
the end of that interval). RDB snapshots keep a deleted key until the next snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import LockError, RedisError, ResponseError

from bot.core.errors import ConcurrentUpdate, CorruptRecord, StorageUnavailable
from bot.core.reminders import Reminder
from bot.core.session import Session
from bot.storage.base import (
    INBOX_TRIES,
    LEASE,
    EventLog,
    Inbox,
    Isolation,
    LocalLocks,
    Parcel,
    ReminderQueue,
    SessionStore,
    Storage,
    decode,
    without_shown,
)

log = logging.getLogger("backcheck.storage")

SEEN_TTL = 86400
LOCK_TIMEOUT = 30.0
AOF_REWRITE_EVERY = 60.0

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

# KEYS[1] session; ARGV: the version read, the data without its last step's replies. Only
# if no step saved it since (the version is kept: a step that loaded it still saves).
_SETTLE = """
if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'd', ARGV[2])
return 1
"""

# KEYS[1] ready zset; ARGV: now, limit, lease end. Re-scores the due ids atomically, so one
# process holds each until the lease ends.
_CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], 'XX', ARGV[3], id) end
return ids
"""

# Inbox keys: KEYS[1] bodies (hash), KEYS[2] leases (zset), KEYS[3] stored times (zset),
# KEYS[4] arrival order (zset), KEYS[5] the arrival counter, KEYS[6] steps started (hash).
# _PUT ARGV: now, lease end, then id, body pairs. A parcel already stored is left alone.
_PUT = """
for i = 3, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('HSETNX', KEYS[1], id, ARGV[i + 1]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    redis.call('ZADD', KEYS[3], ARGV[1], id)
    redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), id)
  end
end
"""
# _TAKE ARGV: now, limit, lease end, tries. Returns order, id, body triples.
_TAKE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  local tries = tonumber(redis.call('HGET', KEYS[6], id) or '0')
  local body = redis.call('HGET', KEYS[1], id)
  if (not body) or tries >= tonumber(ARGV[4]) then
    redis.call('HDEL', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    redis.call('HDEL', KEYS[6], id)
  else
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    table.insert(out, redis.call('ZSCORE', KEYS[4], id))
    table.insert(out, id)
    table.insert(out, body)
  end
end
return out
"""


def _unavailable(what: str, exc: RedisError) -> StorageUnavailable:
    return StorageUnavailable(f"Redis {what} failed: {type(exc).__name__}")


class _Keys:
    """Key names under one prefix, shared by the roles of one storage."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    def _key(self, kind: str, name: str) -> str:
        return f"{self.prefix}{kind}:{name}"


class RedisSessions(_Keys, SessionStore):
    """One hash per session, expired by Redis itself after the retention period."""

    def __init__(self, client: aioredis.Redis, prefix: str, **kwargs: Any) -> None:
        _Keys.__init__(self, client, prefix)
        SessionStore.__init__(self, **kwargs)
        self._save = client.register_script(_SAVE)
        self._settle = client.register_script(_SETTLE)

    async def load(self, user: str) -> Session | None:
        try:
            record = await self.redis.hgetall(self._key("s", user))
        except RedisError as exc:
            raise _unavailable("read", exc) from exc
        if not record:
            return None
        version = record.get("v", "")
        if not version.isdigit():
            raise CorruptRecord("session record without a readable version")
        session = decode(user, record.get("d", ""), int(version))
        return None if session.updated_at < self.cutoff() else session

    async def save(self, session: Session) -> None:
        args: list[str | int | float] = [
            session.version,
            session.to_json(),
            session.updated_at,
            int(self.retention * 1000),
            self.cutoff(),
        ]
        try:
            new = await self._save(keys=[self._key("s", session.user)], args=args)
        except RedisError as exc:
            raise _unavailable("write", exc) from exc
        if int(new) < 0:
            raise ConcurrentUpdate(f"session changed underneath (expected v{session.version})")
        session.version = int(new)

    async def delete(self, user: str) -> None:
        try:
            await self.redis.delete(self._key("s", user))
        except RedisError as exc:
            raise _unavailable("delete", exc) from exc

    async def settle(self, before: float) -> int:
        settled = 0
        try:
            async for key in self.redis.scan_iter(match=self._key("s", "*"), count=500):
                record = await self.redis.hmget(key, ["v", "t", "d"])
                version, stamp, raw = record[0], _number(record[1]), record[2]
                if stamp is None or stamp >= before or raw is None or '"sh"' not in raw:
                    continue
                args = [version or "", without_shown(raw)]
                settled += int(await self._settle(keys=[key], args=args))
        except RedisError as exc:
            raise _unavailable("settle", exc) from exc
        return settled

    async def purge(self) -> int:
        """Redis expires sessions by TTL; this sweeps records whose own clock says expired."""
        removed = 0
        try:
            async for key in self.redis.scan_iter(match=self._key("s", "*"), count=500):
                stamp = _number(await self.redis.hget(key, "t"))
                if stamp is not None and stamp < self.cutoff():
                    removed += int(await self.redis.delete(key))
        except RedisError as exc:
            raise _unavailable("purge", exc) from exc
        return removed


class RedisEvents(_Keys, EventLog):
    """``SET NX EX`` keys: every process sees every other process's handled events."""

    async def seen(self, event_id: str) -> bool:
        try:
            return bool(await self.redis.exists(self._key("e", event_id)))
        except RedisError as exc:
            raise _unavailable("read", exc) from exc

    async def remember(self, event_id: str) -> None:
        try:
            await self.redis.set(self._key("e", event_id), 1, ex=SEEN_TTL, nx=True)
        except RedisError as exc:
            raise _unavailable("write", exc) from exc


class RedisReminders(_Keys, ReminderQueue):
    """Ids (user|kind|due) in one sorted set scored by readiness, and a set per user."""

    def __init__(self, client: aioredis.Redis, prefix: str, retention: float) -> None:
        super().__init__(client, prefix)
        self.retention = retention
        self._claim = client.register_script(_CLAIM)

    async def schedule(self, reminder: Reminder) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zadd(self._key("due", "all"), {reminder.id: reminder.due})
                pipe.sadd(self._key("d", reminder.user), reminder.id)
                pipe.pexpire(self._key("d", reminder.user), int(self.retention * 1000))
                await pipe.execute()
        except RedisError as exc:
            raise _unavailable("write", exc) from exc

    async def cancel(self, user: str, kind: str | None = None) -> None:
        try:
            ids = await self.redis.smembers(self._key("d", user))
            drop = [str(i) for i in ids if kind is None or str(i).split("|")[-2] == kind]
            if drop:
                await self.redis.zrem(self._key("due", "all"), *drop)
                await self.redis.srem(self._key("d", user), *drop)
        except RedisError as exc:
            raise _unavailable("write", exc) from exc

    async def claim_due(self, now: float, limit: int = 100, lease: float = LEASE) -> list[Reminder]:
        try:
            ids = await self._claim(keys=[self._key("due", "all")], args=[now, limit, now + lease])
        except RedisError as exc:
            raise _unavailable("claim", exc) from exc
        return sorted((_parse_reminder(i) for i in ids), key=lambda r: r.due)

    async def ack(self, reminder: Reminder) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._key("due", "all"), reminder.id)
                pipe.srem(self._key("d", reminder.user), reminder.id)
                await pipe.execute()
        except RedisError as exc:
            raise _unavailable("ack", exc) from exc

    async def purge(self) -> int:
        """Reminders whose user's session has expired (Redis dropped it) or was purged."""
        removed = 0
        try:
            async for rid, _ in self.redis.zscan_iter(self._key("due", "all"), count=500):
                user = _parse_reminder(str(rid)).user
                if not await self.redis.exists(self._key("s", user)):
                    removed += int(await self.redis.zrem(self._key("due", "all"), rid))
                    await self.redis.delete(self._key("d", user))
        except RedisError as exc:
            raise _unavailable("purge", exc) from exc
        return removed


class RedisInbox(_Keys, Inbox):
    """Parcels shared by every process: a crashed worker's parcels go to whoever claims
    them after the lease. Bodies in one hash, leases, stored times and arrival order in
    sorted sets, claims counted in a hash; every change is one Lua script or transaction."""

    local = False

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        super().__init__(client, prefix)
        self._keys = [
            self._key("inbox", name) for name in ("body", "lease", "stored", "order", "seq")
        ]
        self._tries = self._key("inbox", "tries")
        self._put = client.register_script(_PUT)
        self._take = client.register_script(_TAKE)

    async def put(self, parcels: Sequence[Parcel], now: float, lease: float = LEASE) -> None:
        if not parcels:
            return
        pairs = [text for p in parcels for text in (p.id, p.body)]
        try:
            await self._put(keys=self._keys, args=[now, now + lease, *pairs])
        except RedisError as exc:
            raise _unavailable("write", exc) from exc

    async def done(self, ids: Sequence[str]) -> None:
        if not ids:
            return
        body, lease, stored, order, _ = self._keys
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hdel(body, *ids)
                for zset in (lease, stored, order):
                    pipe.zrem(zset, *ids)
                pipe.hdel(self._tries, *ids)
                await pipe.execute()
        except RedisError as exc:
            raise _unavailable("write", exc) from exc

    async def claim(
        self, now: float, limit: int = 100, lease: float = LEASE, tries: int = INBOX_TRIES
    ) -> list[Parcel]:
        try:
            out = await self._take(
                keys=[*self._keys, self._tries], args=[now, limit, now + lease, tries]
            )
        except RedisError as exc:
            raise _unavailable("claim", exc) from exc
        triples = sorted(
            (float(out[i]), str(out[i + 1]), str(out[i + 2])) for i in range(0, len(out), 3)
        )
        return [Parcel(parcel_id, body) for _, parcel_id, body in triples]

    async def started(self, parcel_id: str) -> None:
        try:
            await self.redis.hincrby(self._tries, parcel_id, 1)
        except RedisError as exc:
            raise _unavailable("write", exc) from exc

    async def purge(self, before: float) -> int:
        try:
            old = await self.redis.zrangebyscore(self._keys[2], "-inf", f"({before}")
        except RedisError as exc:
            raise _unavailable("purge", exc) from exc
        await self.done([str(parcel_id) for parcel_id in old])
        return len(old)


class RedisIsolation(_Keys, Isolation):
    """A local lock first (no Redis traffic for a process's own queue), then Redis's."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        super().__init__(client, prefix)
        self._local = LocalLocks()

    def lock(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._both_locks(key)

    @asynccontextmanager
    async def _both_locks(self, user: str) -> AsyncIterator[None]:
        async with self._local(user):
            lock = self.redis.lock(
                self._key("l", user), timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT
            )
            try:
                acquired = await lock.acquire()
            except RedisError as exc:
                raise _unavailable("lock", exc) from exc
            if not acquired:
                raise StorageUnavailable(f"user lock busy for more than {LOCK_TIMEOUT:.0f} s")
            try:
                yield
            finally:
                # Expired or unreachable: the version check still fences the write.
                with contextlib.suppress(LockError, RedisError):
                    await lock.release()


class AofRewrites:
    """Ask Redis to rewrite its append-only file after deletions, at most once per interval.

    Without a rewrite the file keeps every old write of a forgotten session. The request runs
    in the background a moment later (``grace``), so the user's lock release, which names the
    user, is in the file before the rewrite drops it. A server that does not use an
    append-only file, or forbids the command (some hosted Redis), is left alone after one
    log line.
    """

    def __init__(
        self,
        client: aioredis.Redis,
        *,
        every: float = AOF_REWRITE_EVERY,
        grace: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.redis = client
        self.every = every
        self.grace = grace
        self.clock = clock
        self.sleep = sleep
        self.last = -float("inf")
        self.enabled: bool | None = None  # unknown until the first rewrite
        self.requested = 0
        self._dirty = False
        self._task: asyncio.Task[None] | None = None

    async def request(self) -> None:
        """Something was deleted: make sure a rewrite starts after this moment; never waits."""
        self._dirty = True
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._rewrites())

    async def _rewrites(self) -> None:
        while self._dirty:
            await self.sleep(max(self.last + self.every - self.clock(), self.grace))
            self._dirty = False
            await self._rewrite()

    async def _rewrite(self) -> None:
        if self.enabled is None:
            self.enabled = await self._aof_on()
        if not self.enabled:
            return
        self.last = self.clock()
        try:
            await self.redis.bgrewriteaof()
            self.requested += 1
        except ResponseError as exc:
            if "already in progress" in str(exc):
                self._dirty = True  # that rewrite may predate the delete: go again later
                return
            log.warning("Redis refused BGREWRITEAOF (%s): forgotten data stays in its AOF", exc)
            self.enabled = False
        except RedisError as exc:
            log.warning("Redis AOF rewrite not requested: %s", type(exc).__name__)

    async def _aof_on(self) -> bool:
        try:
            config = await self.redis.config_get("appendonly")
        except RedisError:
            return True  # CONFIG is often disabled on hosted Redis: just try the rewrite
        return str(config.get("appendonly", "no")).lower() == "yes"

    async def close(self) -> None:
        """A forget just before shutdown still gets its rewrite (not rate-limited)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._dirty:
            self._dirty = False
            await self._rewrite()


async def open_redis(
    url: str,
    *,
    prefix: str = "backcheck:",
    retention: float,
    clock: Callable[[], float] = time.time,
) -> Storage:
    """Connect (checking the connection once) and hand out the four roles."""
    client = aioredis.from_url(
        url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5
    )
    try:
        await client.ping()
    except RedisError as exc:
        await client.aclose()
        raise StorageUnavailable(f"cannot reach Redis: {type(exc).__name__}") from exc
    rewrites = AofRewrites(client)

    async def close() -> None:
        await rewrites.close()
        await client.aclose()

    return Storage(
        RedisSessions(client, prefix, retention=retention, clock=clock),
        RedisEvents(client, prefix),
        RedisReminders(client, prefix, retention),
        RedisInbox(client, prefix),
        RedisIsolation(client, prefix),
        scrub=rewrites.request,
        closing=close,
    )


def _parse_reminder(reminder_id: str) -> Reminder:
    user, kind, due = reminder_id.rsplit("|", 2)
    return Reminder(user=user, kind=kind, due=float(due))


def _number(text: str | bytes | None) -> float | None:
    """A stored timestamp, or None when it is missing or not a number (left to ``load``)."""
    try:
        return None if text is None else float(text)
    except ValueError:
        return None
