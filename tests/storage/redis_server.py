"""The real Redis on 127.0.0.1:6379 for tests, under a private key prefix that is cleaned up.

``.ci/run`` starts redis-server when none is listening. A machine with no Redis at all skips
these tests with a reason instead of failing them.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable
from typing import Any

import pytest

REDIS_URL = os.environ.get("BACKCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def open_test_redis(**kwargs: Any) -> Any:
    """A RedisStorage with a unique prefix; its close() also deletes the test's keys."""
    from bot.core.errors import StorageUnavailable
    from bot.storage.redis import RedisStorage

    prefix = f"backcheck-test:{uuid.uuid4().hex[:8]}:"
    try:
        storage = await RedisStorage.open(REDIS_URL, prefix=prefix, **kwargs)
    except StorageUnavailable:
        if shutil.which("redis-server") is None:
            pytest.skip("no Redis on 127.0.0.1:6379 and no redis-server installed")
        raise
    original_close: Callable[[], Any] = storage.close

    async def close_and_clean() -> None:
        keys = [k async for k in storage.redis.scan_iter(match=f"{prefix}*")]
        if keys:
            await storage.redis.delete(*keys)
        await original_close()

    storage.close = close_and_clean  # type: ignore[method-assign]
    return storage
