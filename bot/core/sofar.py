"""The compact "so far" line: the answers of this check, shown above the next question.

A press turns the question message into the next one (Telegram edits it, Discord edits the
ephemeral reply), so the answers would vanish from the screen; one short line keeps them in
view. It is the same on every platform: the newest answers that fit a line, "…" for the
older ones, and a long label cut rather than the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from typing import Final

LIMIT: Final = 90
LABEL_LIMIT: Final = 28
SEPARATOR: Final = " · "
DROPPED: Final = "…"


def add(previous: str | None, label: str, limit: int = LIMIT) -> str:
    """The answers so far with ``label`` added: the newest that fit ``limit``, "…" for the rest.

    Works on the line itself, so a platform can also read it back from a message it sent.
    """
    items = [i for i in (previous or "").split(SEPARATOR) if i]
    dropped = bool(items) and items[0] == DROPPED
    items = [i for i in items if i != DROPPED]
    items.append(label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…")
    while len(items) > 1 and len(SEPARATOR.join([DROPPED, *items])) > limit:
        items.pop(0)
        dropped = True
    return SEPARATOR.join([DROPPED, *items] if dropped else items)


def compact(labels: Iterable[str], limit: int = LIMIT) -> str:
    """Every label in order, as :func:`add` would have built the line one answer at a time."""
    return reduce(lambda line, label: add(line, label, limit), labels, "")
