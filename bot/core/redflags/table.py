"""A read-only map from words to word ids, in flat arrays instead of a dict of strings.

Why: the lexicon's two largest tables (every inflected form of a listed word, about 77,000,
and the Latin skeletons of the Cyrillic ones, about 65,000) took 14.5 MB as dicts: a string
object and a dict entry per key, for a few hundred distinct values. Here the keys are one
UTF-8 byte string with an array of offsets, the values an array of indices into the shared
tuples, and the look-up an open-addressing hash table of array slots: about a fifth of the
memory. A look-up costs about a microsecond instead of 50 ns; the detector caches what it
learnt about each typed word, so that is paid once per distinct word.

The hash is CRC-32 of the UTF-8 bytes, not ``hash()``: Python's string hash changes with every
process, and the table is built in one process and read from the cache file in another.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pickle import PickleBuffer
from typing import Any, Literal, TypeAlias
from zlib import crc32

from bot.core.redflags.cache import ByteBoundedCache

_EMPTY = -1
Flat: TypeAlias = "array[int] | memoryview"
"""A flat table of integers: an array when built, a view of the cache file when read from
it (:mod:`bot.core.redflags.compiled`), where it is mapped rather than copied."""


def flat(data: Any, code: Literal["I", "i"]) -> Flat:
    """A pickled table back as integers of ``code``: the mapped view itself, not a copy."""
    return memoryview(data).cast("B").cast(code)


def out_of_band(table: Any, protocol: int) -> object:
    """How a flat table is pickled: out of band from protocol 5 (the cache file maps it),
    in band as bytes before that."""
    return PickleBuffer(table) if protocol >= 5 else bytes(table)


def _raw(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")  # any text a person sends, even lone halves


class WordTable:
    """``str -> tuple[int, ...]``, read-only: ``get``, ``in``, ``len`` and iteration."""

    __slots__ = ("_blob", "_ends", "_mask", "_slots", "_tuples", "_values")

    def __init__(self, table: Mapping[str, tuple[int, ...]]) -> None:
        shared: dict[tuple[int, ...], int] = {}
        blob = bytearray()
        ends = array("I")
        values = array("I")
        raws = []
        for key, ids in table.items():
            raw = _raw(key)
            raws.append(raw)
            blob += raw
            ends.append(len(blob))
            values.append(shared.setdefault(ids, len(shared)))
        size = 8
        while size < 2 * len(raws):  # at most half full: probes stay short
            size *= 2
        slots = array("i", [_EMPTY]) * size
        mask = size - 1
        for index, raw in enumerate(raws):
            slot = crc32(raw) & mask
            while slots[slot] != _EMPTY:
                slot = (slot + 1) & mask
            slots[slot] = index
        self._blob: bytes | memoryview = bytes(blob)
        self._ends: Flat = ends
        self._values: Flat = values
        self._tuples = tuple(shared)
        self._slots: Flat = slots
        self._mask = mask

    def __reduce_ex__(self, protocol: Any) -> tuple[object, ...]:
        tables = (self._blob, self._ends, self._values, self._slots)
        state = (*(out_of_band(t, protocol) for t in tables), self._tuples, self._mask)
        return (_unpickle, state)

    def _find(self, raw: bytes) -> int:
        slots, ends, blob, mask = self._slots, self._ends, self._blob, self._mask
        slot = crc32(raw) & mask
        size = len(raw)
        while (index := slots[slot]) != _EMPTY:
            end = ends[index]
            start = ends[index - 1] if index else 0
            if end - start == size and blob[start:end] == raw:
                return index
            slot = (slot + 1) & mask
        return _EMPTY

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:
        index = self._find(key.encode("utf-8", "surrogatepass"))
        return default if index == _EMPTY else self._tuples[self._values[index]]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(_raw(key)) != _EMPTY

    def __len__(self) -> int:
        return len(self._ends)

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends:
            yield str(self._blob[start:end], "utf-8", "surrogatepass")
            start = end


def _unpickle(
    blob: Any, ends: Any, values: Any, slots: Any, tuples: tuple[tuple[int, ...], ...], mask: int
) -> WordTable:
    table = WordTable.__new__(WordTable)
    table._blob = memoryview(blob).cast("B")
    table._ends, table._values, table._slots = flat(ends, "I"), flat(values, "I"), flat(slots, "i")
    table._tuples, table._mask = tuples, mask
    return table


class TypoTargets:
    """Typo targets in buckets of (first two letters, length): each bucket's texts, in
    order, and the word ids each text stands for. Read-only; flat like ``WordTable``.

    Why: as a dict of tuples of strings (about 50,000 targets in 2,500 buckets) they took
    almost 5 MB of a running bot, and most buckets are never read: a bucket is only
    scanned for a word nothing else matched. Here a bucket is a run of one UTF-8 byte string,
    decoded when it is scanned. Decoding costs about what rapidfuzz's scan of the bucket
    does (a few microseconds for most, 27 for the largest, of 640 texts), so the buckets last
    scanned stay decoded, within ``DECODED_BYTES``.
    """

    __slots__ = ("_blob", "_buckets", "_decoded", "_id_ends", "_ids", "_index", "_text_ends")

    def __init__(self, buckets: Mapping[tuple[str, int], Mapping[str, tuple[int, ...]]]) -> None:
        self._index: dict[str, int] = {}
        blob = bytearray()
        text_ends = array("I")  # per bucket: where its texts end in the blob
        first = array("I", [0])  # per bucket: its first target, and one past the last
        id_ends = array("I")  # per target: where its ids end
        ids = array("I")
        for (letters, length), targets in buckets.items():
            if not targets:
                continue
            if any("\n" in text for text in targets):
                raise ValueError("a typo target is one word: no line breaks")
            self._index[_bucket(letters, length)] = len(text_ends)
            blob += _raw("\n".join(targets))
            text_ends.append(len(blob))
            for target_ids in targets.values():
                ids.extend(target_ids)
                id_ends.append(len(ids))
            first.append(len(id_ends))
        self._blob: bytes | memoryview = bytes(blob)
        self._text_ends: Flat = text_ends
        self._buckets: Flat = first
        self._id_ends: Flat = id_ends
        self._ids: Flat = ids
        self._decoded = _decoded()

    def __reduce_ex__(self, protocol: Any) -> tuple[object, ...]:
        tables = (self._blob, self._text_ends, self._buckets, self._id_ends, self._ids)
        return (_unpickle_targets, (*(out_of_band(t, protocol) for t in tables), self._index))

    def bucket(self, letters: str, length: int) -> int:
        """The bucket of texts starting with ``letters`` and ``length`` long, or -1."""
        return self._index.get(_bucket(letters, length), _EMPTY)

    def texts(self, bucket: int) -> list[str]:
        """A bucket's texts, in the order they were given (the caller must not change them)."""
        name = chr(bucket)  # the cache's keys are strings: a bucket number fits in one
        texts = self._decoded.get(name)
        if texts is None:
            start = self._text_ends[bucket - 1] if bucket else 0
            raw = self._blob[start : self._text_ends[bucket]]
            texts = str(raw, "utf-8", "surrogatepass").split("\n")
            self._decoded.put(
                name, texts, sys.getsizeof(texts) + _TEXT_BYTES * len(texts) + len(raw)
            )
        return texts

    def clear(self) -> None:
        """Forget the decoded buckets (the benchmark's cold passes)."""
        self._decoded.clear()

    def ids(self, bucket: int, index: int) -> Flat:
        """The word ids of the ``index``-th text of ``bucket``."""
        target = self._buckets[bucket] + index
        start = self._id_ends[target - 1] if target else 0
        return self._ids[start : self._id_ends[target]]

    def __len__(self) -> int:
        return len(self._index)


DECODED_BYTES = 1024 * 1024
_TEXT_BYTES = 60  # a str object's own bytes, besides its letters (about 50 ASCII, 75 Cyrillic)


def _decoded() -> ByteBoundedCache[list[str]]:
    return ByteBoundedCache(DECODED_BYTES, sys.getsizeof)


def _bucket(letters: str, length: int) -> str:
    return letters + chr(length)


def _unpickle_targets(
    blob: Any, text_ends: Any, buckets: Any, id_ends: Any, ids: Any, index: dict[str, int]
) -> TypoTargets:
    targets = TypoTargets.__new__(TypoTargets)
    targets._blob = memoryview(blob).cast("B")
    targets._text_ends, targets._buckets = flat(text_ends, "I"), flat(buckets, "I")
    targets._id_ends, targets._ids = flat(id_ends, "I"), flat(ids, "I")
    targets._index, targets._decoded = index, _decoded()
    return targets


class IntLists:
    """``int -> ints`` for keys from 0 up (term ids, node numbers): the lists one after
    another in one array, where each starts in another. Read-only; flat like ``WordTable``.

    Why: a dict of small arrays or tuples costs an object per list and one per key; the
    detector's per-term rule slots (about 9,000 lists) took 1.4 MB that way.
    """

    __slots__ = ("_items", "_starts")

    def __init__(self, lists: Mapping[int, Sequence[int]]) -> None:
        size = max(lists, default=-1) + 1
        starts = array("I", [0]) * (size + 1)
        items = array("I")
        for key in range(size):
            items.extend(lists.get(key, ()))
            starts[key + 1] = len(items)
        self._starts: Flat = starts
        self._items: Flat = items

    def __reduce_ex__(self, protocol: Any) -> tuple[object, ...]:
        return (
            _unpickle_lists,
            tuple(out_of_band(t, protocol) for t in (self._starts, self._items)),
        )

    def get(self, key: int) -> Sequence[int]:
        """The list of ``key``; empty for a key that has none."""
        if not 0 <= key < len(self._starts) - 1:
            return ()
        return self._items[self._starts[key] : self._starts[key + 1]]

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` has a list that is not empty."""
        starts = self._starts
        return (
            isinstance(key, int) and 0 <= key < len(starts) - 1 and starts[key] != starts[key + 1]
        )


def _unpickle_lists(starts: Any, items: Any) -> IntLists:
    lists = IntLists.__new__(IntLists)
    lists._starts, lists._items = flat(starts, "I"), flat(items, "I")
    return lists
