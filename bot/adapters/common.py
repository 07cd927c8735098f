"""Cutting long replies into messages a platform accepts, without losing a word.

Telegram (4096 UTF-16 units of HTML) and Discord (2000 characters) measure differently, so the
measure is a parameter; the cutting rule is the same: at line ends, else at spaces, else
anywhere, and never an empty part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Measure = Callable[[str], int]


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
