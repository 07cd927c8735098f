"""What every adapter shares: the command table, a decoded press, per-chat locks, and
cutting texts to a platform's limits.

Telegram (4096 UTF-16 units of HTML) and Discord (2000 characters) measure differently, so the
measure is a parameter; the cutting rule is the same: at line ends, else at spaces, else
anywhere, and never an empty part.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from bot.core.messages import EventKind, ReplyKind

Measure = Callable[[str], int]

#: Every command a person can send, in the order menus list them. ``start`` opens the check
#: (Discord calls it ``/backpain``); ``language`` and ``region`` take an optional argument.
COMMANDS: Final[Mapping[str, EventKind]] = MappingProxyType(
    {
        "start": EventKind.START,
        "help": EventKind.HELP,
        "back": EventKind.BACK,
        "restart": EventKind.RESTART,
        "language": EventKind.LANGUAGE,
        "region": EventKind.REGION,
        "country": EventKind.REGION,
        "about": EventKind.ABOUT,
        "summary": EventKind.SUMMARY,
        "stop": EventKind.STOP,
        "forget": EventKind.FORGET,
    }
)
#: Commands whose argument picks a value (``/language ru``); the others ignore arguments.
WITH_ARGUMENT: Final = frozenset({EventKind.LANGUAGE, EventKind.REGION})
#: Replies whose first line is a headline (bold on every platform).
BOLD_FIRST_LINE: Final = frozenset({ReplyKind.WARNING, ReplyKind.OUTCOME})


@dataclass(frozen=True, slots=True)
class Press:
    """A decoded button payload: the question the button belonged to and the choice id."""

    question: str
    choice: str


#: What an unreadable (forged, truncated, foreign) payload decodes to. No flow state is named
#: "?", so the core treats the press as stale and answers with the current question.
UNREADABLE: Final = Press("?", "")


class ChatLocks:
    """One lock per chat or person, so replies leave in the order the events came in.

    Locks live only while someone holds or waits for one: a million people who wrote once
    cost nothing afterwards.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def __call__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    def __len__(self) -> int:
        return len(self._locks)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_text(text: str, budget: int, size: Measure = len) -> list[str]:
    """``text`` in parts whose ``size`` fits ``budget``; blank edge lines are dropped."""
    parts: list[str] = []
    current: list[str] = []
    for line in _lines(text, budget, size):
        candidate = "\n".join([*current, line])
        if current and size(candidate) > budget:
            parts.append("\n".join(current))
            current = [line]
        else:
            current.append(line)
    parts.append("\n".join(current))
    return [part.strip("\n") for part in parts if part.strip()]


def _lines(text: str, budget: int, size: Measure) -> Iterator[str]:
    for line in text.split("\n"):
        if size(line) <= budget:
            yield line
        else:
            yield from _cut_line(line, budget, size)


def _cut_line(line: str, budget: int, size: Measure) -> Iterator[str]:
    piece = ""
    for word in line.split(" "):
        candidate = f"{piece} {word}" if piece else word
        if size(candidate) <= budget:
            piece = candidate
            continue
        if piece:
            yield piece
        while size(word) > budget:
            cut = _longest_prefix(word, budget, size)
            yield word[:cut]
            word = word[cut:]
        piece = word
    if piece:
        yield piece


def _longest_prefix(word: str, budget: int, size: Measure) -> int:
    cut = min(len(word), budget)
    while cut > 1 and size(word[:cut]) > budget:
        cut -= 1
    return cut
