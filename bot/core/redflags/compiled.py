"""The compiled red-flag detector, kept in a cache file between runs.

Why: compiling the phrase lists reads a 7 MB JSON table of word forms and builds about 150,000
look-up entries from it; the table and the intermediate sets are freed afterwards, but the
process keeps the pages they fragmented, so a bot paid about 45 MB of RSS and 1.5 s for a
lexicon whose live objects take about 25 MB. Read back from a pickle, only the live objects
are ever made. The file sits beside the morphology cache (the user cache directory).

The lexicon's large flat tables (``WordTable`` and ``TypoTargets`` in
:mod:`bot.core.redflags.table`) are not unpickled at all: they are written after the pickle
(pickle protocol 5's out-of-band buffers) and the reader maps the file and hands the pickle
views of it. Pages a running bot never reads (most of them: a look-up reads a few) never
count toward its memory, and every bot process on the machine shares the ones it does read.
Where the file cannot be mapped it is read, and the same tables are on the heap.

The file is used only when its key matches: a hash of this format's version, the Python
version, the morphology fingerprint (dictionary versions), the jellyfish version (sound
codes), every ``redflags.yaml`` it was
compiled from and the source of this package (a code change that alters the lexicon's shape
or rules recompiles). A file that does not match, is shorter than its tables, fails its
CRC-32, cannot be read or does not unpickle to a detector is ignored and replaced; a
read-only disk only costs the compile time. A file in use is not written over (Windows
cannot replace a mapped file): each key has its own name, a file another worker wrote
during the compile is left alone, and only one that failed the checks, which nobody maps,
is replaced. Should two first starts still race, the loser's replace is harmless where
a mapping keeps the old file (POSIX) and refused where it cannot (Windows: the loser keeps
its own tables). A file is never changed in place, which would fault its readers.

The cache directory is the user's own (``XDG_CACHE_HOME``), as trusted as their home: a
pickle there is no more dangerous than the code the bot already imports from site-packages.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import logging
import mmap
import pickle
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, TypeVar

from bot.core.redflags.morphology import write_atomically

log = logging.getLogger(__name__)

FORMAT = 2  # bump when what is pickled changes in a way the source hash would not show
_HEAD = struct.Struct("<QQI")  # after the key line: pickle size, table count, CRC-32 of the rest
_SPAN = struct.Struct("<QQ")  # per table: offset in the file, size in bytes
_ALIGN = 8  # every table starts at a multiple of this: any item format reads aligned
_PACKAGE = Path(__file__).resolve().parent
T = TypeVar("T")


def key_of(sources: Sequence[Path], fingerprint: str) -> str | None:
    """The cache key of a detector compiled from ``sources``; None when one cannot be read
    (then the compile names the file and its problem)."""
    sounds = metadata.version("jellyfish")  # the words' sound codes (words.py) come from it
    digest = hashlib.sha256(f"{FORMAT};{sys.version};{fingerprint};{sounds}".encode())
    try:
        for path in (*sources, *sorted(_PACKAGE.glob("*.py"))):
            data = Path(path).read_bytes()
            digest.update(f"\0{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    except OSError:
        return None
    return digest.hexdigest()


def load_or_build(
    cache_dir: Path, key: str | None, kind: type[T], build: Callable[[], T]
) -> tuple[T, bool]:
    """The cached ``kind`` for ``key``, or ``build()`` saved under it; True when cached."""
    if key is None:
        return build(), False
    path = cache_dir / f"redflags-{key[:32]}.pickle"
    cached = _read(path, key, kind)
    if cached is not None:
        return cached, True
    damaged = path.exists()
    built = build()
    if damaged or not path.exists():  # one another worker wrote meanwhile may be mapped
        _write(path, key, built)
    # The built tables are heap copies of what the file now maps: serve from the map, so a
    # process that had to compile (the first after a deploy) idles as small as the rest.
    mapped = _read(path, key, kind)
    if mapped is None:
        return built, False
    del built
    gc.collect()
    _give_back_freed_memory()
    return mapped, False


def _give_back_freed_memory() -> None:
    """Hand the heap the compile freed back to the system (glibc keeps it otherwise: about
    40 MB of RSS for the life of the process). Elsewhere there is nothing to do."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _read(path: Path, key: str, kind: type[T]) -> T | None:
    try:
        with path.open("rb") as file:
            stored_key = file.readline().rstrip(b"\n").decode("ascii")
            if stored_key != key:
                return None
            value = _unpickle(file)
    except FileNotFoundError:
        return None
    except Exception as error:  # damaged, truncated, or from other code: compile afresh
        log.info("red-flag cache %s ignored (%s); recompiling", path.name, type(error).__name__)
        return None
    return value if isinstance(value, kind) else None


def _unpickle(file: BinaryIO) -> object:
    """The pickle after the key line, its large tables mapped from the file, not copied.

    The checksum is read through the file, not the map: checking it touches no page of the
    map, so only the pages a look-up reads ever count toward the process's memory.
    """
    head = file.read(_HEAD.size)
    pickle_size, count, checksum = _HEAD.unpack(head)
    table = file.read(_SPAN.size * count)
    spans = list(_SPAN.iter_unpack(table))
    pickled = file.read(pickle_size)
    if len(pickled) != pickle_size:
        raise EOFError("the pickle is cut short")
    crc = zlib.crc32(pickled, zlib.crc32(table))
    while chunk := file.read(1 << 20):
        crc = zlib.crc32(chunk, crc)
    size = file.tell()
    if crc != checksum or any(offset + length > size for offset, length in spans):
        raise ValueError("checksum or size does not match")
    tables = _tables(file, size)
    buffers = [tables[offset : offset + length] for offset, length in spans]
    gc.disable()  # hundreds of thousands of objects, none of them garbage: no passes meanwhile
    try:
        return pickle.loads(pickled, buffers=buffers)
    finally:
        gc.enable()


def _tables(file: BinaryIO, size: int) -> memoryview:
    """The whole file, mapped read-only where the system allows it, else read into memory
    (the same tables, on the heap)."""
    try:
        return memoryview(mmap.mmap(file.fileno(), size, access=mmap.ACCESS_READ))
    except (OSError, ValueError):
        file.seek(0)
        return memoryview(file.read())


def _write(path: Path, key: str, value: object) -> None:
    """Atomically, like the morphology cache (several workers may start at once), then the
    older files pruned.

    Large flat tables (see ``WordTable``) go out of band, after the pickle, each at an offset
    aligned for its items, so that a reader maps them instead of copying them.
    """
    buffers: list[pickle.PickleBuffer] = []
    pickled = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    start = len(key) + 1 + _HEAD.size + _SPAN.size * len(buffers) + len(pickled)
    spans: list[tuple[int, int]] = []
    tail = bytearray()
    for buffer in buffers:
        raw = buffer.raw()
        tail += bytes(-(start + len(tail)) % _ALIGN)
        spans.append((start + len(tail), raw.nbytes))
        tail += raw
    table = b"".join(_SPAN.pack(*span) for span in spans)
    checksum = zlib.crc32(tail, zlib.crc32(pickled, zlib.crc32(table)))
    head = _HEAD.pack(len(pickled), len(buffers), checksum)
    write_atomically(path, b"".join((key.encode("ascii"), b"\n", head, table, pickled, tail)))
    prune(path)


KEEP_OTHERS = 2
"""Other versions' files kept beside a new one: a rolling deploy runs two versions at once,
and each file is about 7 MB, so every upgrade or content edit no longer leaves one behind."""


def prune(path: Path) -> None:
    """Delete all but the ``KEEP_OTHERS`` most recently written other detector files beside
    ``path``. A file deleted under a process that still wants it only costs that process a
    compile; a file that cannot be deleted is left."""
    try:
        others = [p for p in path.parent.glob("redflags-*.pickle") if p != path]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in others[KEEP_OTHERS:]:
        with contextlib.suppress(OSError):
            old.unlink()
