"""Telegram updates in, at least once: confirmed to Telegram only once their step is saved.

Telegram forgets an update when the bot confirms it: polling confirms by asking for the next
offset, a webhook by answering 200. python-telegram-bot's own Updater confirms as soon as an
update sits in its in-memory queue, so a crash loses everything queued (600 presses, 20
SIGKILLs: 178 lost). Here an update is confirmed only once it is *settled*: the adapter says
the step is saved (and a press answered) by calling :func:`settle`, or the handler finished.

- :class:`Dispatcher` runs updates concurrently across chats and one at a time per chat (so
  replies keep their order), bounds the work in flight, and sheds presses beyond the bound
  with a short "busy, try again in a minute" instead of letting every spinner time out.
- :class:`Poller` asks ``getUpdates`` for the low-water mark: the oldest update not yet
  settled. Updates after it that are already running are not started twice; a crash means
  Telegram hands out everything from the low-water mark again, and the service's handled-event
  log and the session's "already answered" check make the replay a no-op.
- :func:`acknowledge` answers a button press on a path that never waits behind messages:
  not through the rate limiter (whose queue and flood-control pauses are for sends), or, in
  webhook mode, inside the webhook's HTTP response (no extra round trip).

A redelivered update is processed again, so "at least once" can mean twice for what the
update caused outside the session: a press replayed after a crash is refused by the core as
already answered, which re-sends the current question.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
from telegram import Bot, Update
from telegram.error import (
    BadRequest,
    Conflict,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

log = logging.getLogger("backcheck.telegram")

JSONDict = dict[str, Any]
Process = Callable[[Update], Awaitable[None]]

#: Updates running or waiting at once before presses are shed. Replies leave at Telegram's
#: pace (about 30 messages a second, two per press), so a press beyond about a thousand in
#: flight would wait more than a minute for its next question: better to say so at once.
MAX_IN_FLIGHT: Final = 1000
#: Sockets kept free for everything else (SQLite, Redis, metrics, logs) below RLIMIT_NOFILE.
RESERVED_FILES: Final = 64
#: Connections of the callback-answer pool, and how long one answer may take (Telegram
#: shows the spinner for about 15 s at most).
ANSWER_CONNECTIONS: Final = 32
ANSWER_TIMEOUT: Final = 10.0
#: Seconds a long poll waits at Telegram when there is nothing to fetch.
POLL_TIMEOUT: Final = 10
#: Seconds between polls while some fetched update is unsettled: such a poll returns at once
#: (Telegram resends every unconfirmed update), so it cannot wait at Telegram for new ones.
BUSY_POLL_INTERVAL: Final = 0.05
#: getUpdates hands out at most 100 updates per call.
POLL_LIMIT: Final = 100
#: Seconds to let updates in flight finish when stopping.
DRAIN_TIMEOUT: Final = 10.0
RETRY_DELAYS: Final = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(eq=False)
class Job:
    """One update on its way through the bot; ``settled`` resolves once Telegram may forget it.

    ``response`` is a Bot API method the webhook returns in its HTTP response body (set by
    :func:`acknowledge`), which Telegram runs as if the bot had called it.
    """

    update: Update
    settled: asyncio.Future[None]
    webhook: bool = False
    response: JSONDict | None = None
    answers: Answers | None = None

    @property
    def update_id(self) -> int:
        return self.update.update_id

    def settle(self) -> None:
        if not self.settled.done():
            self.settled.set_result(None)


_current: ContextVar[Job | None] = ContextVar("backcheck_telegram_job", default=None)


def settle() -> None:
    """The update being handled is safe: its step is saved and, for a press, answered.

    Called by the adapter right after the step, before the replies go out (they wait for
    Telegram's rate limits, which would hold back the offset or the webhook's answer for
    everyone). Outside a delivered update (a reminder, a test) it does nothing.
    """
    job = _current.get()
    if job is not None:
        job.settle()


async def acknowledge(bot: Bot, query_id: str, text: str | None = None) -> None:
    """Answer a callback query (stop the button's spinner) without waiting behind sends.

    In webhook mode, before the update is settled, the answer rides in the webhook's HTTP
    response. Otherwise it is one direct call, past PTB's rate limiter: Telegram does not
    count callback answers against the message limits, and the limiter's queue (and its
    pause after a 429) would make the spinner wait for other people's messages. A query that
    is already answered or too old is fine.
    """
    job = _current.get()
    if job is not None and job.webhook and job.response is None and not job.settled.done():
        job.response = {"method": "answerCallbackQuery", "callback_query_id": query_id}
        if text:
            job.response["text"] = text
        return
    data: JSONDict = {"callback_query_id": query_id}
    if text:
        data["text"] = text
    if job is not None and job.answers is not None:
        await job.answers.send(data)
        return
    with contextlib.suppress(BadRequest):
        # Bot._do_post is the plain Bot's request path; ExtBot overrides it with the limiter.
        await Bot._do_post(bot, "answerCallbackQuery", data)


class Answers:
    """Callback answers on their own small HTTP pool, apart from PTB's.

    PTB's pool is shared by every send, and under a burst its connection bookkeeping (httpx
    scans every pooled connection per request) and its queue make an answer wait for other
    people's messages. Errors are not the person's problem: a query already answered or too
    old (400) is fine, anything else is one log line per kind.
    """

    def __init__(self, bot: Bot, connections: int = ANSWER_CONNECTIONS) -> None:
        self.url = f"{bot.base_url}/answerCallbackQuery"
        self.connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._logged: set[str] = set()

    async def send(self, data: JSONDict) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT),
                trust_env=True,  # HTTPS_PROXY / NO_PROXY, as PTB's own client honours them
            )
        try:
            async with self._session.post(self.url, json=data) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            self._note(type(exc).__name__)
            return
        if status not in (200, 400):
            self._note(f"HTTP {status}")

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _note(self, kind: str) -> None:
        if kind not in self._logged:
            self._logged.add(kind)
            log.warning("telegram: answerCallbackQuery failed (%s); the spinner times out", kind)


def in_flight_limit(wanted: int = MAX_IN_FLIGHT) -> int:
    """``wanted``, but below the process's open-file limit: every update in flight may hold a
    socket (a webhook connection, a request to Telegram), and "too many open files" breaks
    everything at once, SQLite included."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, (soft - RESERVED_FILES) // 2))


def lane_of(update: Update) -> Hashable:
    """Updates of one chat run one at a time; different chats run side by side."""
    chat, user = update.effective_chat, update.effective_user
    if chat is not None:
        return chat.id
    if user is not None:
        return ("user", user.id)
    return ("update", update.update_id)


class Dispatcher:
    """Runs updates: concurrent across chats, in order within a chat, bounded in number.

    ``process`` is the application's ``process_update``: it runs the handlers to the end,
    so the job is settled at the latest when it returns. ``shed`` answers a press that
    arrives while ``limit`` updates are in flight (it is not applied: the person presses
    again); other updates are always taken, a typed danger sign above all.
    """

    def __init__(
        self,
        process: Process,
        shed: Callable[[Update], Awaitable[None]],
        *,
        answers: Answers | None = None,
        limit: int | None = None,
    ) -> None:
        self.process = process
        self.shed = shed
        self.answers = answers
        self.limit = in_flight_limit() if limit is None else limit
        self.in_flight = 0
        self.shed_count = 0
        self._lanes: dict[Hashable, deque[Job]] = {}
        self._jobs: dict[int, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, update: Update, *, webhook: bool = False) -> Job:
        """Queue ``update``; the returned job's ``settled`` says when to confirm it.

        The same update again while it still runs (Telegram retries a webhook request that
        took too long) joins the running job instead of queueing behind it.
        """
        running = self._jobs.get(update.update_id)
        if running is not None:
            return running
        job = Job(update, asyncio.get_running_loop().create_future(), webhook, None, self.answers)
        self._jobs[update.update_id] = job
        if update.callback_query is not None and self.in_flight >= self.limit:
            self.shed_count += 1
            self._spawn(self._shed(job))
            return job
        self.in_flight += 1
        self._idle.clear()
        key = lane_of(update)
        lane = self._lanes.get(key)
        if lane is not None:
            lane.append(job)
        else:
            self._lanes[key] = deque([job])
            self._spawn(self._run_lane(key))
        return job

    async def drain(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        """Wait for every update in flight; False if some were still running at ``timeout``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        return self._idle.is_set()

    async def close(self) -> None:
        """After ``drain``: release the answer pool."""
        if self.answers is not None:
            await self.answers.close()

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_lane(self, key: Hashable) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                await self._run(lane[0])
                lane.popleft()
                self.in_flight -= 1
        finally:
            del self._lanes[key]
            if not self._lanes:
                self._idle.set()

    async def _run(self, job: Job) -> None:
        token = _current.set(job)
        try:
            await self.process(job.update)
        except Exception as exc:  # process_update hands errors to the error handler first
            log.error("telegram: %s while handling an update", type(exc).__name__)
        finally:
            _current.reset(token)
            job.settle()
            self._jobs.pop(job.update_id, None)

    async def _shed(self, job: Job) -> None:
        token = _current.set(job)
        try:
            await self.shed(job.update)
        except Exception as exc:
            log.warning("telegram: could not answer a shed press (%s)", type(exc).__name__)
        finally:
            _current.reset(token)
            job.settle()
            self._jobs.pop(job.update_id, None)


class Poller:
    """Long polling that confirms an update only once it is settled.

    The offset sent to ``getUpdates`` is the low-water mark: the oldest update fetched but
    not settled, else one past the newest fetched. Telegram then hands out the unsettled
    ones again with the new ones; those already running are skipped. While some are
    unsettled the next poll waits until one settles or ``BUSY_POLL_INTERVAL`` passes (a slow
    update must not hide the new ones, nor make the loop spin), and at most ``POLL_LIMIT``
    updates past the low-water mark are visible at a time.
    """

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        *,
        allowed_updates: list[str] | None = None,
        timeout: int = POLL_TIMEOUT,
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.allowed_updates = allowed_updates
        self.timeout = timeout
        self._newest = -1
        self._unsettled: dict[int, Job] = {}
        self._progress = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def offset(self) -> int:
        """What to confirm: everything below this update id is settled (0: nothing fetched)."""
        if self._unsettled:
            return min(self._unsettled)
        return self._newest + 1 if self._newest >= 0 else 0

    async def start(self) -> None:
        """Drop a webhook left by a webhook run (else getUpdates is refused), then poll."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._loop(), name="telegram-poller")

    async def stop(self) -> None:
        """Stop fetching, let updates in flight finish, then confirm the settled ones."""
        task, self._task = self._task, None
        self._stopping = True  # in case a library swallows the cancellation
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not await self.dispatcher.drain():
            log.warning("telegram: stopping with updates still in flight; Telegram resends them")
        await self.dispatcher.close()
        if self._newest >= 0:
            with contextlib.suppress(TelegramError):
                await self._fetch(timeout=0, limit=1)

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                batch = await self._fetch(timeout=self.timeout, limit=POLL_LIMIT)
            except InvalidToken:
                log.error("telegram: the token was rejected; polling stopped")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except (Conflict, NetworkError) as exc:  # another poller, a webhook, a bad network
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                failures += 1
                log.warning("telegram: getUpdates failed (%s); retry in %s s", _kind(exc), delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            for raw in batch:
                self._take(raw)
            if self._unsettled:  # Telegram resends them at once: wait for news first
                self._progress.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._progress.wait(), BUSY_POLL_INTERVAL)

    async def _fetch(self, *, timeout: int, limit: int) -> list[JSONDict]:
        """One getUpdates, raw: only updates not seen yet are parsed into ``Update``s."""
        data: JSONDict = {"offset": self.offset, "timeout": timeout, "limit": limit}
        if self.allowed_updates is not None:
            data["allowed_updates"] = self.allowed_updates
        result = await self.bot._post("getUpdates", data, read_timeout=timeout + 10)
        return result if isinstance(result, list) else []

    def _take(self, raw: JSONDict) -> None:
        update_id = int(raw["update_id"])
        if update_id <= self._newest:
            return  # running (unsettled) already, or settled and about to be confirmed
        self._newest = update_id
        try:
            update = Update.de_json(raw, self.bot)
        except Exception as exc:  # one unreadable update must not stop the bot
            log.warning("telegram: skipped unreadable update (%s)", type(exc).__name__)
            return
        job = self.dispatcher.submit(update)
        self._unsettled[update_id] = job
        job.settled.add_done_callback(lambda _: self._settled(update_id))

    def _settled(self, update_id: int) -> None:
        self._unsettled.pop(update_id, None)
        self._progress.set()


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def _kind(exc: Exception) -> str:
    return type(exc).__name__
