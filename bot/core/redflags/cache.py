"""A least-recently-used cache bounded by the approximate bytes it holds, not by entries.

Why: the detector caches what it learnt about each typed word. Counting entries alone would let
a flood of 4,000-character nonsense words fill memory with long keys; counting bytes keeps the
cache's footprint fixed whatever people type.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")

_ENTRY_OVERHEAD = 100  # dict slot, OrderedDict links and the size record, roughly


class ByteBoundedCache(Generic[V]):
    """Maps str -> V; evicts the least recently used entries once ``max_bytes`` is passed."""

    def __init__(self, max_bytes: int, size_of: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._items: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: str, value: V, size: int | None = None) -> None:
        """Keep ``value``; ``size`` is its size in bytes when the caller knows it cheaper."""
        size = (
            sys.getsizeof(key) + _ENTRY_OVERHEAD + (self._size_of(value) if size is None else size)
        )
        if size > self.max_bytes:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._items[key] = (value, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self.bytes -= dropped

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0
