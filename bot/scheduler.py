"""Deliver due reminders: claim them from the storage, run them through the service, send.

The reminders live in the storage, not in this process, so a restart delivers what came due
while the bot was down, and with Redis several processes can run this loop and each reminder
is still sent once (``claim_due`` hands it to one of them). A reminder that is too stale to
help (a compress timer hours late) is dropped and counted instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from bot.core.messages import Event, EventKind, Reply
from bot.core.reminders import Reminder, is_stale, late_substitute
from bot.logs import user_ref
from bot.service import Conversations

log = logging.getLogger("backcheck.scheduler")

Deliver = Callable[[str, list[Reply]], Awaitable[bool]]


class Scheduler:
    """One loop per process; safe to run in every process that shares the storage."""

    def __init__(
        self,
        conversations: Conversations,
        deliver: Deliver,
        *,
        clock: Callable[[], float] = time.time,
        interval: float = 5.0,
    ) -> None:
        self.conversations = conversations
        self.deliver = deliver
        self.clock = clock
        self.interval = interval
        self.sent = 0
        self.dropped = 0

    async def tick(self) -> int:
        """Deliver everything due now; returns how many messages went out."""
        now = self.clock()
        sent = 0
        for reminder in await self.conversations.storage.claim_due(now):
            if is_stale(reminder, now):
                self.dropped += 1
                log.info(
                    "dropped a stale %s reminder for %s", reminder.kind, user_ref(reminder.user)
                )
                substitute = late_substitute(reminder)
                if substitute is None:
                    continue
                reminder = Reminder(reminder.user, substitute, reminder.due)
            sent += await self._send(reminder)
        self.sent += sent
        return sent

    async def _send(self, reminder: Reminder) -> int:
        event = Event(EventKind.REMIND, reminder.kind)
        turn = await self.conversations.handle(
            reminder.user, event, event_id=f"remind:{reminder.id}"
        )
        if not turn.replies:
            return 0
        try:
            delivered = await self.deliver(reminder.user, turn.replies)
        except Exception:
            log.warning(
                "could not deliver a %s reminder to %s", reminder.kind, user_ref(reminder.user)
            )
            return 0
        return int(delivered)

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set; storage errors are retried."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # keep the loop alive through outages
                log.warning("reminder tick failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
