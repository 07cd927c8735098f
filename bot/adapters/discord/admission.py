"""How much work the Discord adapter takes on at once, and what it turns away cheaply.

Discord gives every interaction three seconds for its first response. When two thousand people
press at once, the acknowledgements must not queue behind storage writes and follow-ups, and
the process must not open a socket per request until it runs out of file descriptors. Three
small tools keep that true, all in memory and per process:

* :class:`Admission` bounds the turns in progress (a semaphore) and the events waiting for one
  (a backlog); beyond the backlog an event is answered "busy, try again in a minute" at once,
  with no storage touched, and one person can have only a few events waiting.
* :class:`StalePresses` remembers, for a short while, the presses the core just refused for a
  person, so a volley of presses on an old button costs one refusal, not one write and one
  message per press.
* :func:`socket_limit` caps discord.py's HTTP connection pool below the open-files limit.
"""

from __future__ import annotations

import asyncio
import resource
import time
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Final

#: Turns (load, step, save, send) in progress at once; the rest wait their turn in order.
WORKERS: Final = 16
#: Events allowed to wait for a worker before new ones are answered "busy".
BACKLOG: Final = 4000
#: Events one person may have waiting or in progress; more are turned away.
PER_USER: Final = 4
#: Sockets discord.py may open to Discord at most (its default is no limit at all).
SOCKETS: Final = 100
#: File descriptors kept for everything else: the gateway, storage, logs, Redis, Telegram.
RESERVED_FILES: Final = 64


class Admission:
    """The gate every interaction and DM passes: admitted, or told "busy" straight away."""

    def __init__(
        self, *, workers: int = WORKERS, backlog: int = BACKLOG, per_user: int = PER_USER
    ) -> None:
        self.workers = workers
        self.backlog = backlog
        self.per_user = per_user
        self._slots = asyncio.Semaphore(workers)
        self._pending = 0
        self._users: Counter[Hashable] = Counter()
        self._acks = 0
        self._quiet = asyncio.Event()
        self._quiet.set()

    @property
    def pending(self) -> int:
        """Admitted events not finished yet (in progress or waiting)."""
        return self._pending

    def flooding(self, user: Hashable) -> bool:
        """``user`` already has as many events waiting as one person may."""
        return self._users[user] >= self.per_user

    def admit(self, user: Hashable) -> bool:
        """Take the event (call :meth:`release` when it is done) or refuse it."""
        if self._pending >= self.workers + self.backlog or self.flooding(user):
            return False
        self._pending += 1
        self._users[user] += 1
        return True

    def release(self, user: Hashable) -> None:
        self._pending -= 1
        self._users[user] -= 1
        if self._users[user] <= 0:
            del self._users[user]

    def free(self, user: Hashable) -> bool:
        """Whether an admitted event of ``user`` would start at once (a worker is idle and it
        is the person's only event), so answering it directly cannot miss the deadline."""
        return not self._slots.locked() and self._users[user] <= 1

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """One worker, held while the turn runs; it starts only once no acknowledgement is
        on its way, so in a burst the deferrals get the loop and the sockets first.

        A turn waiting for acknowledgements to land does not hold a worker meanwhile. When it
        did, every deferral made the workers look busy, so the next interactions were deferred
        too (:meth:`free`), which kept acknowledgements in flight: under a steady load nine
        presses in ten were deferred and then edited, two calls where one does.
        """
        while True:
            await self._quiet.wait()
            await self._slots.acquire()
            if self._quiet.is_set():
                break
            self._slots.release()  # an acknowledgement started meanwhile: it goes first
        try:
            yield
        finally:
            self._slots.release()

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around a deferral: turns wait to start until none is in flight."""
        self._acks += 1
        self._quiet.clear()
        try:
            yield
        finally:
            self._acks -= 1
            if not self._acks:
                self._quiet.set()


class StalePresses:
    """Per person, the presses (question and choice) the core refused a moment ago, for at
    most ``size`` people.

    Only presses the core itself refused are remembered, only for ``ttl`` seconds, and any
    other event of the person forgets them: a press is answered from here only when the core
    has just said no to the very same button, so a valid answer is never held up by a forged
    one on the same question.
    """

    def __init__(
        self, ttl: float = 30.0, size: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.size = size
        self._clock = clock
        self._refused: OrderedDict[Hashable, tuple[float, frozenset[str]]] = OrderedDict()

    def note(self, user: Hashable, press: str) -> None:
        now = self._clock()
        expires, questions = self._refused.pop(user, (0.0, frozenset()))
        known = questions if expires > now else frozenset()
        self._refused[user] = (now + self.ttl, known | {press})
        while len(self._refused) > self.size:
            self._refused.popitem(last=False)

    def forget(self, user: Hashable) -> None:
        self._refused.pop(user, None)

    def stale(self, user: Hashable, press: str) -> bool:
        entry = self._refused.get(user)
        if entry is None:
            return False
        expires, questions = entry
        if expires <= self._clock():
            del self._refused[user]
            return False
        return press in questions

    def __len__(self) -> int:
        return len(self._refused)


def socket_limit(soft_limit: int | None = None, wanted: int = SOCKETS) -> int:
    """Connections to Discord: ``wanted``, but at most half of what the open-files limit leaves
    after :data:`RESERVED_FILES` (and at least a few), so a burst can never exhaust it."""
    if soft_limit is None:
        soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft_limit == resource.RLIM_INFINITY or soft_limit <= 0:
        return wanted
    return max(4, min(wanted, (soft_limit - RESERVED_FILES) // 2))
