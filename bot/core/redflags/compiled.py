"""The compiled red-flag detector, kept in a cache file between runs.

Why: compiling the phrase lists reads a 7 MB JSON table of word forms and builds about 150,000
look-up entries from it; the table and the intermediate sets are freed afterwards, but the
process keeps the pages they fragmented, so a bot paid about 45 MB of RSS and 1.5 s for a
lexicon whose live objects take about 25 MB. Read back from a pickle, only the live objects
are ever made. The file sits beside the morphology cache (the user cache directory).

The file is used only when its key matches: a hash of this format's version, the Python
version, the morphology fingerprint (dictionary versions), every ``redflags.yaml`` it was
compiled from and the source of this package (a code change that alters the lexicon's shape
or rules recompiles). A file that does not match, cannot be read or does not unpickle to a
detector is ignored and replaced; a read-only disk only costs the compile time.

The cache directory is the user's own (``XDG_CACHE_HOME``), as trusted as their home: a
pickle there is no more dangerous than the code the bot already imports from site-packages.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import pickle
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bot.core.redflags.morphology import write_atomically

log = logging.getLogger(__name__)

FORMAT = 1  # bump when what is pickled changes in a way the source hash would not show
_PACKAGE = Path(__file__).resolve().parent
T = TypeVar("T")


def key_of(sources: Sequence[Path], fingerprint: str) -> str | None:
    """The cache key of a detector compiled from ``sources``; None when one cannot be read
    (then the compile names the file and its problem)."""
    digest = hashlib.sha256(f"{FORMAT};{sys.version};{fingerprint}".encode())
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
    built = build()
    _write(path, key, built)
    return built, False


def _read(path: Path, key: str, kind: type[T]) -> T | None:
    try:
        with path.open("rb") as file:
            stored_key = file.readline().rstrip(b"\n").decode("ascii")
            if stored_key != key:
                return None
            gc.disable()  # about a million objects, none of them garbage: no passes meanwhile
            try:
                value = pickle.load(file)
            finally:
                gc.enable()
    except FileNotFoundError:
        return None
    except Exception as error:  # damaged, truncated, or from other code: compile afresh
        log.info("red-flag cache %s ignored (%s); recompiling", path.name, type(error).__name__)
        return None
    return value if isinstance(value, kind) else None


def _write(path: Path, key: str, value: object) -> None:
    """Atomically, like the morphology cache (several workers may start at once), then the
    older files pruned."""
    data = key.encode("ascii") + b"\n" + pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(path, data)
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
