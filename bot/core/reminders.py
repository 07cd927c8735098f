"""Follow-ups as data: when a reminder is due, whether it is still worth sending, quiet hours.

Reminders are stored next to the session (in the same storage), never in a process-local
timer, so they survive restarts and, with Redis, are claimed by exactly one process. This
module only computes times; the service stores them and the scheduler delivers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

MINUTE, HOUR = 60.0, 3600.0

COMPRESS_OFF = "compress_off"  # take the cold pack off: 15 minutes after it went on
COMPRESS_NEXT = "compress_next"  # the next cold pack: every 2-3 hours while awake
MISSED_COMPRESS = "missed_compress"  # a take-it-off reminder too late to send as it was
CHECKIN = "checkin"  # how is your back: at about 24 h and 72 h, only with consent

COMPRESS_MINUTES = 15.0  # 15-20 minutes, never longer: remind at the start of the window
COMPRESS_EVERY = 2 * HOUR  # repeat every 2-3 hours while awake
COMPRESS_DAYS = 3 * 24 * HOUR  # cold only for the first 72 hours
CHECKIN_AFTER = (24 * HOUR, 72 * HOUR)

# How late a reminder may be delivered before it is dropped (after downtime).
STALE_AFTER = {COMPRESS_OFF: 2 * HOUR, COMPRESS_NEXT: 3 * HOUR, CHECKIN: 36 * HOUR}


@dataclass(frozen=True, slots=True)
class Reminder:
    """A message to send ``user`` at ``due`` (epoch seconds)."""

    user: str
    kind: str
    due: float

    @property
    def id(self) -> str:
        """Stable: scheduling the same reminder twice stores it once."""
        return f"{self.user}|{self.kind}|{int(self.due)}"


@dataclass(frozen=True, slots=True)
class QuietHours:
    """No check-in between ``start`` and ``end`` o'clock in ``zone``."""

    zone: str = "UTC"
    start: int = 22
    end: int = 8

    def shift(self, when: float, zone: str | None = None) -> float:
        """``when``, or the end of the quiet period it falls into (in ``zone`` if given)."""
        tz = ZoneInfo(zone or self.zone)
        local = datetime.fromtimestamp(when, tz)
        if self.start > self.end:
            quiet = local.hour >= self.start or local.hour < self.end
        else:
            quiet = self.start <= local.hour < self.end
        if not quiet:
            return when
        wake = local.replace(hour=self.end, minute=0, second=0, microsecond=0)
        if wake <= local:
            wake += timedelta(days=1)
        return wake.timestamp()


def is_stale(reminder: Reminder, now: float) -> bool:
    """Whether a reminder came due so long ago that sending it would confuse more than help."""
    return now - reminder.due > STALE_AFTER.get(reminder.kind, 24 * HOUR)


def late_substitute(reminder: Reminder) -> str | None:
    """What to send instead of a stale reminder, or None to drop it.

    A cold pack may still be on the skin (the person fell asleep): whatever the delay, they
    still hear "take it off now", with an apology. Other stale reminders are just dropped.
    """
    return MISSED_COMPRESS if reminder.kind == COMPRESS_OFF else None


def compress_allowed(first_start: float | None, now: float) -> bool:
    """Cold packs are for the first 72 hours after the first one."""
    return first_start is None or now - first_start < COMPRESS_DAYS
