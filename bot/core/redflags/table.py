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

from array import array
from collections.abc import Iterator, Mapping
from zlib import crc32

_EMPTY = -1


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
        self._blob = bytes(blob)
        self._ends = ends
        self._values = values
        self._tuples = tuple(shared)
        self._slots = slots
        self._mask = mask

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
            yield self._blob[start:end].decode("utf-8", "surrogatepass")
            start = end
