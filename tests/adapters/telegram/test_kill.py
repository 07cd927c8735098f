"""SIGKILL during bursts of presses: nothing confirmed to Telegram is lost, nothing applied twice.

A real ``backcheck run`` process (a child of ``FORK_SERVER``, which imported the modules and
compiled the engine once) serves the fake Bot API (polling, then webhook with Telegram's
concurrent, retrying delivery). The people's first /starts come 15 at a time, with a kill
after each lot is answered. Each round, 15 people press twice at once (the second press
answers the question the first one leads to, so order matters too); the process is killed at
a random moment, restarted, and the round is over when Telegram has every press confirmed.
At the end each person's stored answers must be exactly the presses they made, once each,
and every press must have stopped its spinner.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram.format import encode_callback
from bot.app import open_storage
from bot.core.engine import Engine
from bot.settings import Settings
from tests.conftest import ROOT, Chat
from tests.core.walk import CALM
from tests.fakes.telegram_api import FakeTelegram, FakeUser

pytestmark = pytest.mark.slow  # about 10 s per mode: started first (tests/conftest.py)

KILLS = 20
PEOPLE_PER_BURST = 15
PRESSES_EACH = 2
ROUND_TIMEOUT = 20.0


def calm_walk(engine: Engine) -> list[tuple[str, str]]:
    """The (question, choice) presses of a calm walk from /start to the outcome."""
    chat = Chat(engine)
    chat.start()
    presses: list[tuple[str, str]] = []
    while chat.question is not None and not chat.question.startswith("out_"):
        question = chat.question
        presses.append((question, CALM[question]))
        chat.press(CALM[question])
    return presses


@dataclass
class Person:
    user: FakeUser
    anchor: dict[str, Any] | None = None  # a bot message to press on (its keyboard is stale)
    done: int = 0  # presses made so far along the walk
    queries: list[str] = field(default_factory=list)


@dataclass
class Figures:
    tried: int = 0
    lost: int = 0
    duplicated: int = 0
    unanswered: int = 0
    redelivered: int = 0


# A fork server for ``backcheck run``: it imports the bot's modules and compiles the engine
# (flow, content, red-flag detector: about 1 s of CPU, from the same settings every run reads,
# and never changed by a run) once, and nothing else: no loop, database or thread. Then for
# each line on stdin (a log file name) it forks a child that runs ``bot.cli.main(["run"])``
# as ``python -m bot run`` does, with ``build_engine`` answering that engine; it prints
# "pid N", waits for the child and prints "exit N CODE" (a negative code: killed by that
# signal). Each run is a separate process that reads its settings, opens the database and
# the Bot API connection itself and recovers from what the killed run left; only the
# interpreter start, the imports and the compiling are not paid 21 times over. What they
# built is frozen out of the garbage collector's way before the first fork (as
# ``bot.app.settle`` does in a run once it serves): otherwise each run's own settle() walked
# it all again, about 0.15 s of CPU per run.
FORK_SERVER = """
import gc, os, sys, traceback
import bot.adapters.telegram.adapter, bot.app, bot.cli, bot.runner, bot.settings
engine = bot.app.build_engine(bot.settings.Settings())
bot.app.build_engine = lambda settings: engine
gc.collect()
gc.freeze()
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        log = os.open(line.strip(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(log, 2)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        code = 1
        try:
            code = bot.cli.main(["run"])
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    print("pid", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("exit", pid, os.waitstatus_to_exitcode(status), flush=True)
"""


class BotProcess:
    """``backcheck run`` against the fake, restartable, killable (see ``FORK_SERVER``)."""

    def __init__(self, fake: FakeTelegram, tmp: Path, env: dict[str, str]) -> None:
        self.fake = fake
        self.env = env
        self.tmp = tmp
        self.server: asyncio.subprocess.Process | None = None
        self.pid: int | None = None
        self.returncode: int | None = None
        self.starts = 0
        #: Where each run began in the fake's records: (calls, webhook deliveries).
        self.marks: list[tuple[int, int]] = []

    async def _line(self, word: str, timeout: float = 20) -> int:
        assert self.server is not None and self.server.stdout is not None
        line = await asyncio.wait_for(self.server.stdout.readline(), timeout)
        parts = line.decode().split()
        assert parts[:1] == [word], line
        return int(parts[-1])

    async def start(self, ready: str) -> None:
        """A fresh ``backcheck run`` process serves from here on."""
        if self.server is None:
            self.server = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                FORK_SERVER,
                cwd=self.tmp,
                env=self.env,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
        assert self.server.stdin is not None
        mark = len(self.fake.calls)  # only calls after it can say this run is ready
        self.marks.append((mark, len(self.fake.webhook_deliveries)))
        self.server.stdin.write(f"{self.tmp / f'bot-{self.starts}.log'}\n".encode())
        await self.server.stdin.drain()
        self.pid, self.returncode = await self._line("pid"), None
        self.starts += 1
        await self.fake.wait_until(
            lambda: any(c.method == ready for c in self.fake.calls[mark:]), 20
        )

    async def kill(self) -> None:
        assert self.pid is not None
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # it ended by itself: say how, with its log
            code = await self._line("exit")
            log = (self.tmp / f"bot-{self.starts - 1}.log").read_text(errors="replace")
            message = f"the bot exited by itself (code {code}):\n{log[-3000:]}"
            raise AssertionError(message) from None
        self.returncode = await self._line("exit")

    async def stop(self) -> int:
        """SIGTERM the serving bot and return its exit code; then end the fork server."""
        assert self.pid is not None and self.server is not None
        if self.returncode is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.returncode = await self._line("exit", 20)
            except TimeoutError:
                os.kill(self.pid, signal.SIGKILL)
                self.returncode = await self._line("exit")
        assert self.server.stdin is not None
        self.server.stdin.close()
        await self.server.wait()
        return self.returncode


def environment(fake: FakeTelegram, tmp: Path, **extra: str) -> dict[str, str]:
    return fake.bot_environment(str(tmp / "kill.db"), str(ROOT), **extra)


async def kill_during_bursts(
    fake: FakeTelegram, tmp: Path, env: dict[str, str], engine: Engine
) -> Figures:
    """Run the rounds (the walk read from ``engine``, the bot's own flow); return what was
    tried, lost, applied twice, left spinning."""
    # The call that starts taking updates (a long poll is recorded only when it ends).
    ready = "setWebhook" if "TELEGRAM_WEBHOOK_URL" in env else "deleteWebhook"
    walk = calm_walk(engine)
    rounds_each = len(walk) // PRESSES_EACH
    count = -(-KILLS * PEOPLE_PER_BURST // rounds_each)
    people = [Person(fake.make_user(5000 + i, f"P{i}", None, "en")) for i in range(count)]
    bot = BotProcess(fake, tmp, env)
    rng = random.Random(20261201)
    await bot.start(ready)
    # The first /starts come 15 people at a time, each lot answered (its people have their
    # first question) before the process is killed and started again: each run begins with the
    # whole allowance of PTB's rate limiter (30 messages at once, then 30/s), which 15 people's
    # greeting and first question fit in, while 100 people's in one run would wait about 6 s.
    # (A kill between a step's messages is made good by the next run: the test below.)
    for first in range(0, len(people), PEOPLE_PER_BURST):
        lot = people[first : first + PEOPLE_PER_BURST]
        for person in lot:
            fake.inject_message("/start", user=person.user)
        await fake.wait_until(lambda lot=lot: all(_anchor(fake, p) for p in lot), ROUND_TIMEOUT)
        await bot.kill()
        await bot.start(ready)
    await fake.wait_until(lambda: not fake.pending_updates, ROUND_TIMEOUT)

    figures = Figures()
    queue = list(people)
    for _ in range(KILLS):
        burst, queue = queue[:PEOPLE_PER_BURST], queue[PEOPLE_PER_BURST:]
        for turn in range(PRESSES_EACH):
            for person in burst:
                question, choice = walk[person.done + turn]
                data = encode_callback(question, choice)
                assert person.anchor is not None
                update = fake.press_button(person.anchor, force_data=data, user=person.user)
                person.queries.append(update["callback_query"]["id"])
        for person in burst:
            person.done += PRESSES_EACH
            if person.done + PRESSES_EACH <= len(walk):
                queue.append(person)
        figures.tried += PEOPLE_PER_BURST * PRESSES_EACH
        await asyncio.sleep(rng.uniform(0.0, 0.25))
        await bot.kill()
        await bot.start(ready)
        await fake.wait_until(lambda: not fake.pending_updates, ROUND_TIMEOUT)
    assert await bot.stop() == 0

    figures.unanswered = sum(
        not fake.callback_queries[q].answered for p in people for q in p.queries
    )
    figures.redelivered = redelivered(fake, bot.marks)
    settings = Settings(_env_file=None, BACKCHECK_DB=tmp / "kill.db")  # type: ignore[call-arg]
    storage = await open_storage(settings)
    try:
        for person in people:
            session = await storage.sessions.load(f"tg:{person.user.id}")
            answers = [(a.question, a.choice) for a in session.answers] if session else []
            expected = walk[: person.done]
            figures.duplicated += len(answers) - len(set(answers))
            figures.lost += sum(press not in answers for press in expected)
    finally:
        await storage.close()
    return figures


def redelivered(fake: FakeTelegram, marks: list[tuple[int, int]]) -> int:
    """Updates handed to more than one run of the bot: fetched by getUpdates before and
    after a kill, or POSTed to the webhook by then and retried because no 200 came back."""
    runs: dict[int, set[int]] = {}
    bounds = [*marks, (len(fake.calls), len(fake.webhook_deliveries))]
    for run, ((calls, posts), (calls_end, posts_end)) in enumerate(itertools.pairwise(bounds)):
        for call in fake.calls[calls:calls_end]:
            if call.method == "getUpdates" and call.ok:
                for update in call.result:
                    runs.setdefault(int(update["update_id"]), set()).add(run)
        for post in fake.webhook_deliveries[posts:posts_end]:  # a try cut off by the kill
            runs.setdefault(post.update_id, set()).add(run)  # counts for the run it hit
    return sum(len(seen) > 1 for seen in runs.values())


def _anchor(fake: FakeTelegram, person: Person) -> bool:
    """Remember the person's first question, the message their presses come from."""
    if person.anchor is None:
        for message in fake.sent_messages(person.user.id):
            if message.reply_markup:
                person.anchor = message.to_api()
                break
    return person.anchor is not None


def report(mode: str, figures: Figures) -> None:
    print(
        f"\nkill test, {mode}: {KILLS} SIGKILLs, {figures.tried} presses tried, "
        f"{figures.lost} lost, {figures.duplicated} applied twice, "
        f"{figures.unanswered} left spinning, {figures.redelivered} redelivered after a kill"
    )


async def test_sigkill_during_bursts_loses_nothing_when_polling(
    tmp_path: Path, app_engine: Engine
) -> None:
    async with FakeTelegram() as fake:
        env = environment(fake, tmp_path)
        figures = await kill_during_bursts(fake, tmp_path, env, app_engine)
    report("polling", figures)
    assert (figures.lost, figures.duplicated, figures.unanswered) == (0, 0, 0), figures


async def test_a_kill_between_a_steps_messages_is_made_good_by_the_next_run(
    tmp_path: Path,
) -> None:
    """The greeting went out, the first question was on its way when the process died: the
    step is saved, so only the inbox still knows the /start, and the next run sends the
    step's messages again instead of leaving the person with a greeting and no question."""
    async with FakeTelegram() as fake:
        bot = BotProcess(fake, tmp_path, environment(fake, tmp_path))
        await bot.start("deleteWebhook")
        person = fake.make_user(4242, "Kim", None, "en")
        fake.stall_next("sendMessage", 0)  # the greeting
        fake.stall_next("sendMessage", 120)  # the question: still on its way at the kill
        fake.inject_message("/start", user=person)
        await fake.wait_until(lambda: len(fake.sent_messages(person.id)) == 1)
        await asyncio.sleep(0.5)  # the question's request has reached the fake by now
        await bot.kill()
        assert not any(m.reply_markup for m in fake.sent_messages(person.id))

        await bot.start("deleteWebhook")
        await fake.wait_until(
            lambda: any(m.reply_markup for m in fake.sent_messages(person.id)), ROUND_TIMEOUT
        )
        assert await bot.stop() == 0
    texts = [m.text for m in fake.sent_messages(person.id)]
    assert texts[0] == texts[1]  # the greeting again: the step's messages are sent whole
    assert len(texts) == 3
