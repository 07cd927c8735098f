"""Deliver due reminders: lease them from the storage, run them through the service, send, ack.

The reminders live in the storage, not in this process, so a restart delivers what came due
while the bot was down, and with Redis several processes can run this loop and each reminder
is held by one of them at a time (``claim_due`` leases it). A reminder is acknowledged only
after the adapter delivered it: a crash between the claim and the send leaves it unacked,
its lease runs out, and it is sent again (at least once, never lost). A reminder that is too
stale to help (a compress timer hours late) is dropped and counted instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping

from bot.core.messages import Event, EventKind, Reply
from bot.core.reminders import Reminder, is_stale, late_substitute
from bot.logs import user_ref
from bot.service import Conversations
from bot.storage.base import LEASE

log = logging.getLogger("backcheck.scheduler")

#: A reminder that still fails to go out this long after it was due is given up on.
GIVE_UP_AFTER = 2 * 24 * 3600.0

Deliver = Callable[[str, list[Reply]], Awaitable[bool]]
#: How the platform of a user key names the commands texts mention (None: the defaults).
CommandNames = Callable[[str], Mapping[str, str] | None]


class Scheduler:
    """One loop per process; safe to run in every process that shares the storage."""

    def __init__(
        self,
        conversations: Conversations,
        deliver: Deliver,
        *,
        clock: Callable[[], float] = time.time,
        interval: float = 5.0,
        lease: float = LEASE,
        commands: CommandNames = lambda user: None,
    ) -> None:
        self.conversations = conversations
        self.deliver = deliver
        self.commands = commands
        self.clock = clock
        self.interval = interval
        self.lease = lease
        self.sent = 0
        self.dropped = 0

    async def tick(self) -> int:
        """Deliver everything due now; returns how many messages went out."""
        now = self.clock()
        sent = 0
        queue = self.conversations.storage.reminders
        for claimed in await queue.claim_due(now, lease=self.lease):
            reminder: Reminder | None = claimed
            if is_stale(claimed, now):
                self.dropped += 1
                log.info("dropped a stale %s reminder for %s", claimed.kind, user_ref(claimed.user))
                substitute = late_substitute(claimed)
                reminder = (
                    None if substitute is None else Reminder(claimed.user, substitute, claimed.due)
                )
            done, delivered = (True, False) if reminder is None else await self._send(reminder)
            if done or now - claimed.due > GIVE_UP_AFTER:
                await queue.ack(claimed)
            sent += delivered
            await asyncio.sleep(0)  # SQLite steps never yield: let other events in between
        self.sent += sent
        return sent

    async def _send(self, reminder: Reminder) -> tuple[bool, bool]:
        """(finished with it, a message went out); unfinished ones come back after the lease.

        No event id: a reminder is applied again when its lease ran out, because the first
        attempt may have saved its step and then died before the message left. Applying a
        reminder only re-asks its question, so a second application is harmless.
        """
        names = self.commands(reminder.user)
        turn = await self.conversations.handle(
            reminder.user, Event(EventKind.REMIND, reminder.kind, commands=names)
        )
        if turn.unavailable:
            return False, False
        if not turn.replies:
            return True, False  # forgotten or expired: nobody to remind
        try:
            delivered = await self.deliver(reminder.user, turn.replies)
        except Exception:
            log.warning(
                "could not deliver a %s reminder to %s; retrying after the lease",
                reminder.kind,
                user_ref(reminder.user),
            )
            return False, False
        return True, delivered

    async def run(self, stop: asyncio.Event) -> None:
        """Tick every ``interval`` seconds until ``stop`` is set; storage errors are retried."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as exc:  # keep the loop alive through outages
                log.warning("reminder tick failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)
