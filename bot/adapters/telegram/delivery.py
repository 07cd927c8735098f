"""Telegram updates in, at least once, and every button's spinner stopped within a second.

Telegram forgets an update when the bot confirms it: polling confirms by asking for the next
offset, a webhook by answering 200. python-telegram-bot's own Updater confirms as soon as an
update sits in its in-memory queue, so a crash loses everything queued (600 presses, 20
SIGKILLs: 178 lost). Confirming only after each step is saved is safe but slow: under a burst
the offset (and the webhook's answer) waits behind every step before it, and so does every
spinner (5,000 presses at once: p99 15 s). So an update is confirmed once it is *stored*:

- :class:`Dispatcher` stores each batch in the storage's :class:`~bot.storage.base.Inbox`
  (one write), then runs the updates concurrently across chats and one at a time per chat
  (so replies keep their order), at most ``STEPS`` steps at once. A step's slot is free
  once it is *settled* (the adapter calls :func:`settle` when the step is saved); the update
  leaves the inbox once the adapter's handling returns, its replies sent. At start-up, and
  every ``SWEEP_EVERY`` seconds, it replays what a crashed process left in the inbox; the
  service's handled-event log and the session's "already answered" check make a replay of
  an applied update a no-op, except that the replies of the last saved step are sent again
  (a crash between a step's messages would otherwise leave the person without the question).
  A press beyond ``MAX_IN_FLIGHT`` updates in flight gets a short "busy, try again in a
  minute".
- A press is answered by its own step when the step can run at once (the toast may say why
  a press was refused); when steps are queued, or after ``ACK_AFTER``, its spinner is
  stopped right away instead, on a path that never waits behind messages (:func:`acknowledge`):
  not through the rate limiter, or in webhook mode inside the webhook's HTTP response.
- :class:`Poller` asks ``getUpdates`` for everything after the newest stored update.

A redelivered update is processed again, so "at least once" can mean twice for what the
update caused outside the session: a replayed press is not applied again, but the messages
of its step are sent again when the crash came after they were sent and before the update
left the inbox (within ``DONE_EVERY``): a repeated question rather than a missing one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import resource
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

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

from bot.adapters.telegram.request import environment_proxy
from bot.core.errors import StorageUnavailable
from bot.storage.base import Inbox, Parcel

log = logging.getLogger("backcheck.telegram")

JSONDict = dict[str, Any]
Process = Callable[["Job"], Awaitable[None]]

#: Updates running or waiting at once before presses are shed. Replies leave at Telegram's
#: pace (about 30 messages a second, two per press), so a press beyond about a thousand in
#: flight would wait more than a minute for its next question: better to say so at once.
MAX_IN_FLIGHT: Final = 1000
#: Steps running at once: enough to overlap storage round trips, few enough that the loop
#: stays free for the intake and for stopping spinners while a burst is being applied.
STEPS: Final = 16
#: Early answers on their way beyond which steps wait for them (about two per connection).
ANSWERS_AHEAD: Final = 64
#: Seconds a press waits for its own step to stop the spinner (with the step's toast)
#: before it is stopped plainly. Telegram shows the spinner for up to about 15 s.
ACK_AFTER: Final = 0.5
#: Sockets kept free for everything else (SQLite, Redis, metrics, logs) below RLIMIT_NOFILE.
RESERVED_FILES: Final = 64
#: Connections of the callback-answer pool, and how long one answer may take.
ANSWER_CONNECTIONS: Final = 32
ANSWER_TIMEOUT: Final = 10.0
#: Seconds a long poll waits at Telegram when there is nothing to fetch.
POLL_TIMEOUT: Final = 10
#: getUpdates hands out at most 100 updates per call.
POLL_LIMIT: Final = 100
#: Seconds between deletions of applied updates from the inbox (one write for all of them).
DONE_EVERY: Final = 0.05
#: Stored updates replayed at most at start-up (Telegram itself keeps at most a day's).
REPLAY_LIMIT: Final = 100_000
#: Seconds between looks for updates that a crashed worker left in the inbox.
SWEEP_EVERY: Final = 30.0
#: Seconds to let updates in flight finish when stopping.
DRAIN_TIMEOUT: Final = 10.0
RETRY_DELAYS: Final = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(eq=False)
class Job:
    """One update on its way through the bot; ``settled`` resolves once its step is saved.

    ``raw`` is the update as Telegram sent it; the ``Update`` is built only when its turn
    comes (for a press, only to apologize after an error), so a burst is stored and its
    spinners stopped before any parsing. While
    ``replying`` (a webhook request still open), ``response`` is a Bot API method the webhook
    returns in its HTTP response body, which Telegram runs as if the bot had called it.
    """

    raw: JSONDict
    settled: asyncio.Future[None]
    webhook: bool = False
    replying: bool = False
    answered: bool = False
    replayed: bool = False
    response: JSONDict | None = None
    answers: Answers | None = None
    #: A spinner being stopped ahead of the step: the update stays stored until it is.
    answering: asyncio.Task[None] | None = field(default=None, repr=False)
    #: The chat's updates in order, this one among them, while it waits or runs.
    lane: deque[Job] | None = field(default=None, repr=False)
    _update: Update | None = field(default=None, repr=False)

    @property
    def update_id(self) -> int:
        return int(self.raw["update_id"])

    @property
    def query_id(self) -> str | None:
        """The callback query's id when the update is a press."""
        query = self.raw.get("callback_query")
        return str(query["id"]) if isinstance(query, dict) and "id" in query else None

    @property
    def sender(self) -> tuple[int | None, str | None]:
        """Who sent it (user id, language code), read without parsing the update."""
        for kind, value in self.raw.items():
            if kind != "update_id" and isinstance(value, dict):
                person = value.get("from")
                if isinstance(person, dict):
                    user_id, language = person.get("id"), person.get("language_code")
                    return (
                        user_id if isinstance(user_id, int) else None,
                        language if isinstance(language, str) else None,
                    )
        return None, None

    def update(self, bot: Bot) -> Update:
        if self._update is None:
            self._update = Update.de_json(self.raw, bot)
        return self._update

    def settle(self) -> None:
        if not self.settled.done():
            self.settled.set_result(None)


_current: ContextVar[Job | None] = ContextVar("backcheck_telegram_job", default=None)


def settle() -> None:
    """The update being handled is safe: its step is saved and, for a press, answered.

    Called by the adapter right after the step, before the replies go out (they wait for
    Telegram's rate limits): the next step may start. The update leaves the inbox only once
    its replies are out too (when the adapter's handling returns), so a crash between them
    leaves it there, and its replay sends them (:func:`replaying`).
    Outside a delivered update (a reminder, a test) it does nothing.
    """
    job = _current.get()
    if job is not None:
        job.settle()


def replaying() -> bool:
    """Whether the update being handled is one a previous run left in the inbox, its chat's
    last: its step may be saved with its replies cut off by the crash, so the service is
    asked for them. With a later update of the chat waiting, that one's step shows where the
    person is, and sending the earlier step's messages again would only repeat a question."""
    job = _current.get()
    return job is not None and job.replayed and (job.lane is None or job.lane[-1] is job)


async def acknowledge(bot: Bot, query_id: str, text: str | None = None) -> None:
    """Answer a callback query (stop the button's spinner) without waiting behind sends.

    In webhook mode, while the request is open, the answer rides in the webhook's HTTP
    response. Otherwise it is one direct call, past PTB's rate limiter: Telegram does not
    count callback answers against the message limits, and the limiter's queue (and its
    pause after a 429) would make the spinner wait for other people's messages. A press
    whose spinner the dispatcher already stopped (a burst) is not answered twice: its toast
    is lost, the question that counts is on screen. A query that is already answered or too
    old is fine.
    """
    job = _current.get()
    if job is None:
        await _send_answer(None, _answer_data(query_id, text), bot)
        return
    data = _claim_answer(job, text)
    if data is not None:
        await _send_answer(job.answers, data, bot)


async def _send_answer(answers: Answers | None, data: JSONDict, bot: Bot) -> None:
    """On the answer pool when there is one, else one call past PTB's rate limiter."""
    if answers is not None:
        await answers.send(data)
        return
    with contextlib.suppress(BadRequest):
        # Bot._do_post is the plain Bot's request path; ExtBot overrides it with the limiter.
        await Bot._do_post(bot, "answerCallbackQuery", data)


def _claim_answer(job: Job, text: str | None) -> JSONDict | None:
    """The press's one answer: None when it was answered already or rides in the webhook
    response (set here), else what to send."""
    query_id = job.query_id
    if job.answered or query_id is None:
        return None
    job.answered = True
    data = _answer_data(query_id, text)
    if job.webhook and job.replying:
        job.response = {"method": "answerCallbackQuery", **data}
        return None
    return data


def _answer_data(query_id: str, text: str | None) -> JSONDict:
    data: JSONDict = {"callback_query_id": query_id}
    if text:
        data["text"] = text
    return data


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
        parts = urlsplit(self.url)
        # HTTPS_PROXY / NO_PROXY, as PTB's own client honours them: read once here, not on
        # every request (aiohttp's trust_env also reads ~/.netrc per request, on a thread).
        self.proxy = environment_proxy(parts.scheme, parts.hostname or "")
        self._session: aiohttp.ClientSession | None = None
        self._logged: set[str] = set()

    async def send(self, data: JSONDict) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections),
                timeout=aiohttp.ClientTimeout(total=ANSWER_TIMEOUT),
                trust_env=False,
            )
        try:
            async with self._session.post(self.url, json=data, proxy=self.proxy) as response:
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


def lane_of(raw: JSONDict) -> Hashable:
    """Updates of one chat run one at a time; different chats run side by side.

    Read from the raw update (a press's chat is its message's): the same lanes as PTB's
    ``effective_chat``, else ``effective_user``, without parsing the update first.
    """
    for kind, value in raw.items():
        if kind == "update_id" or not isinstance(value, dict):
            continue
        message = value.get("message")
        chat = value.get("chat") or (message.get("chat") if isinstance(message, dict) else None)
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        person = value.get("from") or value.get("user")
        if isinstance(person, dict) and "id" in person:
            return ("user", person["id"])
    return ("update", raw.get("update_id"))


class Dispatcher:
    """Stores updates, runs them (concurrent across chats, in order within a chat, bounded),
    stops spinners early under load, and replays what a crash left behind.

    ``process`` is the adapter's handling of one update (``job.raw``, or PTB's ``Update`` from
    ``job.update``): it runs to the end, so a job is settled at the latest when it returns.
    ``shed`` answers a press that arrives while ``limit`` updates are in flight (it is not
    applied: the person presses again); other updates are always taken, a typed danger sign
    above all.
    """

    def __init__(
        self,
        bot: Bot,
        inbox: Inbox,
        process: Process,
        shed: Callable[[Job], Awaitable[None]],
        *,
        answers: Answers | None = None,
        limit: int | None = None,
        steps: int = STEPS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot = bot
        self.inbox = inbox
        self.process = process
        self.shed = shed
        self.answers = answers
        self.limit = in_flight_limit() if limit is None else limit
        self.clock = clock
        self.in_flight = 0
        self.shed_count = 0
        self._steps = asyncio.Semaphore(steps)
        self._answering = 0
        self._steps_may_run = asyncio.Event()
        self._steps_may_run.set()
        self._step_slots = steps
        self._unsettled = 0
        self._lanes: dict[Hashable, deque[Job]] = {}
        self._jobs: dict[int, Job] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._done: list[str] = []
        self._flush: asyncio.TimerHandle | None = None
        #: Webhook updates waiting for their shared write, and its outcome.
        self._storing: tuple[list[Parcel], asyncio.Future[None]] | None = None
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Replay what a previous run left in the inbox, then look again now and then for
        what a crashed worker beside this one left."""
        await self.replay(start_up=True)
        self._sweeper = asyncio.create_task(self._sweep(), name="telegram-inbox-sweep")

    async def take(
        self, batch: Sequence[tuple[JSONDict, str]], *, webhook: bool = False
    ) -> list[Job]:
        """Store ``batch`` ((update, its JSON text) pairs) in one write, then run it.

        Webhook updates (one per request) that arrive in the same turn of the event loop
        share that write (:meth:`_store_together`). Raises ``StorageUnavailable`` when the
        inbox cannot be written: the caller must then not confirm the batch to Telegram,
        which hands it out again.
        """
        fresh = [(raw, body) for raw, body in batch if int(raw["update_id"]) not in self._jobs]
        parcels = [Parcel(_parcel_id(raw), body) for raw, body in fresh]
        if webhook:
            await self._store_together(parcels)
        else:
            await self.inbox.put(parcels, self.clock())
        return [self.submit(raw, webhook=webhook) for raw, _ in batch]

    async def _store_together(self, parcels: list[Parcel]) -> None:
        """``parcels`` stored with those of every other webhook request taken before the
        loop's next turn, in one write: under load Telegram keeps up to 40 requests open,
        and one inbox statement per update was about 5 % of the CPU per update. Each
        request still answers only once its own update is stored (or fails with all)."""
        if not parcels:
            return
        if self._storing is None:
            loop = asyncio.get_running_loop()
            self._storing = ([], loop.create_future())
            loop.call_soon(self._store_pending)
        pending, stored = self._storing
        pending.extend(parcels)
        await asyncio.shield(stored)  # a request that hangs up cancels its wait, not the write

    def _store_pending(self) -> None:
        storing, self._storing = self._storing, None
        if storing is not None:
            self._spawn(self._store(*storing))

    async def _store(self, parcels: list[Parcel], stored: asyncio.Future[None]) -> None:
        unique: dict[str, Parcel] = {}
        for parcel in parcels:  # an update Telegram resent meanwhile: stored once, as before
            unique.setdefault(parcel.id, parcel)
        try:
            await self.inbox.put(list(unique.values()), self.clock())
        except Exception as exc:  # StorageUnavailable above all: every request gets a 503
            stored.set_exception(exc)
            stored.exception()  # retrieved here too: all its requests may have hung up
        else:
            stored.set_result(None)

    def submit(self, raw: JSONDict, *, webhook: bool = False) -> Job:
        """Run a stored update; the same update again while it still runs joins its job."""
        update_id = int(raw["update_id"])
        running = self._jobs.get(update_id)
        if running is not None:
            return running
        loop = asyncio.get_running_loop()
        job = Job(raw, loop.create_future(), webhook, webhook, answers=self.answers)
        self._jobs[update_id] = job
        self._unsettled += 1
        job.settled.add_done_callback(self._on_settled)
        press = job.query_id is not None
        if press and self.in_flight >= self.limit:
            self.shed_count += 1
            self._spawn(self._shed(job))
            return job
        self.in_flight += 1
        self._idle.clear()
        key = lane_of(raw)
        lane = self._lanes.get(key)
        # Steps are queued (not just this person's own previous press, which is quick):
        queued = self._unsettled > self._step_slots
        if lane is not None:
            lane.append(job)
        else:
            lane = self._lanes[key] = deque([job])
            self._spawn(self._run_lane(key))
        job.lane = lane
        if press and queued:
            self.answer_now(job)  # its step waits behind others: stop the spinner now
        elif press and not webhook:
            loop.call_later(ACK_AFTER, self.answer_now, job)
        return job

    def answer_now(self, job: Job) -> None:
        """Stop a press's spinner without waiting for its step (no toast)."""
        if job.answered or job.query_id is None:
            return
        data = _claim_answer(job, None)  # in a webhook's response: set here, no I/O
        if data is not None:
            job.answering = self._spawn(self._answer_first(job, data))

    async def _answer_first(self, job: Job, data: JSONDict) -> None:
        """An early answer; while many are on their way, steps wait (``_run``): a spinner
        stopped within a second matters more than a question arriving a little sooner."""
        with self._ahead():
            await _send_answer(job.answers, data, self.bot)

    @contextlib.contextmanager
    def _ahead(self) -> Iterator[None]:
        """An answer on its way: steps wait while more than ``ANSWERS_AHEAD`` are."""
        self._answering += 1
        self._gate()
        try:
            yield
        finally:
            self._answering -= 1
            self._gate()

    def _gate(self) -> None:
        if self._answering > ANSWERS_AHEAD:
            self._steps_may_run.clear()
        else:
            self._steps_may_run.set()

    async def replay(self, *, start_up: bool = False) -> int:
        """Run what the inbox holds past its lease (at start-up, for an inbox of this
        process alone: everything); returns how many updates were replayed."""
        # A local inbox's parcels at start-up are all a crashed run's, leased or not: one
        # claim takes them all (their new lease never ends, and this run holds them).
        local = start_up and self.inbox.local
        now, page = (float("inf"), REPLAY_LIMIT) if local else (self.clock(), POLL_LIMIT)
        replayed = 0
        while True:
            parcels = await self.inbox.claim(now, page)
            if not parcels:
                break
            raws = []
            for parcel in parcels:
                try:
                    raw = json.loads(parcel.body)
                    int(raw["update_id"])
                except (ValueError, TypeError, KeyError):
                    await self.inbox.done([parcel.id])
                    continue
                raws.append(raw)
            for raw in sorted(raws, key=lambda r: int(r["update_id"])):
                if int(raw["update_id"]) not in self._jobs:
                    replayed += 1
                    self.submit(raw).replayed = True
            if local:
                break
        if replayed:
            log.info("telegram: replaying %d stored updates", replayed)
        return replayed

    async def drain(self, timeout: float = DRAIN_TIMEOUT) -> bool:
        """Wait for every update in flight; False if some were still running at ``timeout``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        return self._idle.is_set()

    async def close(self) -> None:
        """After ``drain``: stop sweeping, drop what was applied, release the answer pool."""
        sweeper, self._sweeper = self._sweeper, None
        if sweeper is not None:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
        if self._flush is not None:
            self._flush.cancel()
        await self._flush_done()
        if self.answers is not None:
            await self.answers.close()

    def _spawn(self, coroutine: Awaitable[None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _on_settled(self, _: object) -> None:
        self._unsettled -= 1

    def _finished(self, job: Job) -> None:
        """The step is saved and its replies sent: the update leaves the inbox with others in
        one write, soon (once the press's spinner is stopped too, if that is on its way)."""
        if job.answering is not None and not job.answering.done():
            job.answering.add_done_callback(lambda _: self._drop(job))
        else:
            self._drop(job)

    def _drop(self, job: Job) -> None:
        self._done.append(_parcel_id(job.raw))
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.call_later(DONE_EVERY, lambda: self._spawn(self._flush_done()))

    async def _flush_done(self) -> None:
        self._flush = None
        done, self._done = self._done, []
        try:
            await self.inbox.done(done)
        except StorageUnavailable as exc:  # they are replayed later, and found applied
            log.warning("telegram: could not clear applied updates from the inbox: %s", exc)

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                await self.replay()
            except StorageUnavailable as exc:
                log.warning("telegram: could not read the inbox: %s", exc)

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
        """One step at a time per slot: the slot is free again once the step is saved,
        while the replies still wait for Telegram's rate limits. Early answers go first."""
        await self._steps_may_run.wait()
        await self._steps.acquire()
        slot = [True]

        def release(_: object = None) -> None:
            if slot:
                slot.clear()
                self._steps.release()

        job.settled.add_done_callback(release)
        if job.replayed:  # counted, so an update that crashes every run is dropped at last
            with contextlib.suppress(StorageUnavailable):
                await self.inbox.started(_parcel_id(job.raw))
        token = _current.set(job)
        try:
            await self.process(job)
        except Exception as exc:  # the adapter reports its errors itself first
            log.error("telegram: %s while handling an update", type(exc).__name__)
        finally:
            _current.reset(token)
            job.settle()
            release()
            self._jobs.pop(job.update_id, None)
            self._finished(job)

    async def _shed(self, job: Job) -> None:
        token = _current.set(job)
        try:
            with self._ahead():
                await self.shed(job)
        except Exception as exc:
            log.warning("telegram: could not answer a shed press (%s)", type(exc).__name__)
        finally:
            _current.reset(token)
            job.settle()
            self._jobs.pop(job.update_id, None)
            self._finished(job)


def _parcel_id(raw: JSONDict) -> str:
    return f"tg:{int(raw['update_id'])}"


class Poller:
    """Long polling that confirms an update once the inbox holds it.

    The offset sent to ``getUpdates`` is one past the newest stored update, so Telegram
    forgets a batch as soon as it is stored; a batch that could not be stored is not
    confirmed and comes back with the next poll.
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
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def offset(self) -> int:
        """What to confirm: everything below this update id is stored (0: nothing fetched)."""
        return self._newest + 1 if self._newest >= 0 else 0

    async def start(self) -> None:
        """Drop a webhook left by a webhook run (else getUpdates is refused), replay what a
        crash left in the inbox, then poll."""
        await until_through(
            lambda: self.bot.delete_webhook(drop_pending_updates=False), "deleteWebhook"
        )
        await self.dispatcher.start()
        self._task = asyncio.create_task(self._loop(), name="telegram-poller")

    async def stop(self) -> None:
        """Stop fetching, let updates in flight finish, then confirm what was stored."""
        task, self._task = self._task, None
        self._stopping = True  # in case a library swallows the cancellation
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if not await self.dispatcher.drain():
            log.warning("telegram: stopping with updates in flight; the next run replays them")
        await self.dispatcher.close()
        if self._newest >= 0:
            with contextlib.suppress(TelegramError):
                await self._fetch(timeout=0, limit=1)

    async def _loop(self) -> None:
        failures = 0
        while not self._stopping:
            try:
                batch = await self._fetch(timeout=self.timeout, limit=POLL_LIMIT)
                fresh = _fresh(batch, self._newest)
                await self.dispatcher.take([(raw, json.dumps(raw)) for raw in fresh])
            except InvalidToken:
                log.error("telegram: the token was rejected; polling stopped")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
                continue
            except (Conflict, NetworkError, StorageUnavailable) as exc:
                # another poller, a webhook, a bad network, or nowhere to store the batch
                delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
                failures += 1
                log.warning(
                    "telegram: taking updates failed (%s); retry in %s s", _kind(exc), delay
                )
                await asyncio.sleep(delay)
                continue
            failures = 0
            if fresh:
                self._newest = max(int(raw["update_id"]) for raw in fresh)

    async def _fetch(self, *, timeout: int, limit: int) -> list[JSONDict]:
        """One getUpdates, raw: updates are parsed into ``Update``s only when they run."""
        data: JSONDict = {"offset": self.offset, "timeout": timeout, "limit": limit}
        if self.allowed_updates is not None:
            data["allowed_updates"] = self.allowed_updates
        result = await self.bot._post("getUpdates", data, read_timeout=timeout + 10)
        return result if isinstance(result, list) else []


async def until_through(call: Callable[[], Awaitable[object]], what: str) -> None:
    """A start-up call to Telegram (drop or set the webhook), repeated until it goes through.

    A Bot API that is slow or out of reach at that moment is a wait with one warning line per
    try, not a crash that ends the run; a refusal (bad request, rejected token) still raises.
    """
    failures = 0
    while True:
        try:
            await call()
            return
        except BadRequest:  # a NetworkError subclass in PTB, but trying again cannot help
            raise
        except RetryAfter as exc:
            await asyncio.sleep(_seconds(exc.retry_after))
        except NetworkError as exc:  # TimedOut included
            delay = RETRY_DELAYS[min(failures, len(RETRY_DELAYS) - 1)]
            failures += 1
            log.warning("telegram: %s failed (%s); retry in %s s", what, _kind(exc), delay)
            await asyncio.sleep(delay)


def _fresh(batch: list[JSONDict], newest: int) -> list[JSONDict]:
    """The updates of ``batch`` not stored yet (and readable enough to be stored at all)."""
    fresh = []
    for raw in batch:
        try:
            update_id = int(raw["update_id"])
        except (TypeError, KeyError, ValueError):
            log.warning("telegram: skipped an update without an update_id")
            continue
        if update_id > newest:
            fresh.append(raw)
    return fresh


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def _kind(exc: Exception) -> str:
    return type(exc).__name__
