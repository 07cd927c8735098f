"""What a step asks the service to do after the session is saved: typed, never tuples.

The engine stays pure (session in, replies and effects out); the service stores or cancels the
reminders once the save has succeeded, so a step that lost a race schedules nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.reminders import Reminder


@dataclass(frozen=True, slots=True)
class Schedule:
    """Store ``reminder``; the scheduler delivers it when due."""

    reminder: Reminder


@dataclass(frozen=True, slots=True)
class Cancel:
    """Drop ``user``'s pending reminders of ``kind`` (every kind when None)."""

    user: str
    kind: str | None = None


Effect = Schedule | Cancel
