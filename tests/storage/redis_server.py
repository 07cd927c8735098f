"""The real Redis on 127.0.0.1:6379 for tests, under a private key prefix that is cleaned up.

``.ci/run`` starts redis-server when none is listening. A machine with no Redis at all skips
these tests with a reason instead of failing them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from typing import Any

import pytest

from bot.storage.base import Storage

REDIS_URL = os.environ.get("BACKCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def open_test_redis(prefix: str | None = None, **kwargs: Any) -> Storage:
    """A Redis storage with a unique prefix; its close() also deletes the test's keys."""
    from bot.core.errors import StorageUnavailable
    from bot.storage.redis import RedisSessions, open_redis

    prefix = prefix or f"backcheck-test:{uuid.uuid4().hex[:8]}:"
    try:
        storage = await open_redis(REDIS_URL, prefix=prefix, **kwargs)
    except StorageUnavailable:
        if shutil.which("redis-server") is None:
            pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server installed")
        raise
    sessions = storage.sessions
    assert isinstance(sessions, RedisSessions)
    original_close = storage.closing

    async def close_and_clean() -> None:
        keys = [k async for k in sessions.redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await sessions.redis.delete(*keys)
        await original_close()

    storage.closing = close_and_clean
    return storage


def redis_prefix(storage: Storage) -> str:
    """The private key prefix of a test storage (to open a second process's view of it)."""
    from bot.storage.redis import RedisSessions

    assert isinstance(storage.sessions, RedisSessions)
    return storage.sessions.prefix
