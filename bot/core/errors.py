"""One exception family, so callers can catch ``BackcheckError`` and print a precise message.

Flow and content errors carry the file, line and key so an operator can fix a broken YAML
file without reading a traceback.
"""

from __future__ import annotations

from pathlib import Path


class BackcheckError(Exception):
    """Base class for every error raised by backcheck itself."""


class _LocatedError(BackcheckError):
    """An error that points at a place in a data file."""

    def __init__(
        self,
        message: str,
        *,
        file: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<flow>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class FlowError(_LocatedError):
    """The flow YAML is malformed or unsafe (unreachable state, unknown condition, ...)."""


class ContentError(_LocatedError):
    """A content YAML file is malformed or misses a key that the flow needs."""


class StorageError(BackcheckError):
    """A storage backend failed; the user is told to try again and nothing is overwritten."""


class StorageUnavailable(StorageError):
    """The backend cannot be reached right now (Redis down, database locked)."""


class CorruptRecord(StorageError):
    """A stored session cannot be read (hand-edited, truncated, from a future schema)."""


class ConcurrentUpdate(StorageError):
    """A save lost an optimistic-version race: reload the session and apply the event again."""
