"""The terminal: an interactive chat for people and a JSON-lines protocol for scripts.

Both speak to the same ``Conversations`` service as Telegram and Discord, so a console
transcript is a faithful preview of the real bot.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from bot.adapters.common import COMMANDS
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.scheduler import Scheduler
from bot.service import Conversations, Turn

PICTURES_DIR = Path(__file__).resolve().parents[2] / "content" / "pictures"

_MARK = {ReplyKind.WARNING: "! ", ReplyKind.OUTCOME: "» "}


class ProtocolError(ValueError):
    """A JSON line that does not follow the protocol; the message says what is wrong."""


def parse_line(line: str) -> tuple[str, Event]:
    """One JSON-lines input object -> (user, Event)."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ProtocolError(f"not JSON: {exc.msg} at column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise ProtocolError("each line must be a JSON object")
    user = data.get("user")
    if not isinstance(user, str) or not user:
        raise ProtocolError('"user" must be a non-empty string')
    given = [k for k in ("command", "choice", "text") if k in data]
    if len(given) != 1:
        raise ProtocolError('give exactly one of "command", "choice" or "text"')
    for key in ("locale", "arg", "question", *given):
        if key in data and not isinstance(data[key], str):
            raise ProtocolError(f'"{key}" must be a string')
    locale, question = data.get("locale"), data.get("question")
    if given[0] == "command":
        kind = COMMANDS.get(data["command"])
        if kind is None:
            raise ProtocolError(f"unknown command; use one of {'|'.join(COMMANDS)}")
        return user, Event(kind, data.get("arg"), locale=locale)
    if given[0] == "choice":
        return user, Event(EventKind.CHOICE, data["choice"], question, locale)
    return user, Event(EventKind.TEXT, data["text"], locale=locale)


def turn_json(user: str, turn: Turn) -> dict[str, Any]:
    """The protocol's output object for one input line."""
    choices: tuple[Choice, ...] = ()
    for reply in turn.replies:
        if reply.choices:
            choices = reply.choices
    return {
        "user": user,
        "replies": [_reply_json(r) for r in turn.replies],
        "choices": [{"id": c.id, "label": c.label, "findings": list(c.findings)} for c in choices],
        "question": turn.question,
        "state": turn.state,
        "red_flags": list(turn.red_flags),
        "outcome": {"level": turn.level, "findings": list(turn.findings)} if turn.done else None,
        "done": turn.done,
    }


def _reply_json(reply: Reply) -> dict[str, Any]:
    if reply.kind is ReplyKind.IMAGE:
        return {"kind": "image", "path": _picture_path(reply.image), "caption": reply.text}
    return {"kind": reply.kind.value, "text": reply.text}


async def _lines(stream: IO[str]) -> Any:
    while True:
        line = await asyncio.to_thread(stream.readline)
        if not line:
            return
        yield line


async def run_json(conversations: Conversations, stdin: IO[str], stdout: IO[str]) -> None:
    """One output line per input line, flushed; a bad line gets ``{"error"}`` and we go on."""
    async for line in _lines(stdin):
        if not line.strip():
            continue
        try:
            user, event = parse_line(line)
        except ProtocolError as exc:
            out: dict[str, Any] = {"error": str(exc)}
        else:
            out = turn_json(user, await conversations.handle(f"cli:{user}", event))
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()


async def run_interactive(
    conversations: Conversations,
    stdin: IO[str] = sys.stdin,
    stdout: IO[str] = sys.stdout,
    *,
    user: str = "console:local",
    locale: str | None = None,
    reminders: bool = True,
    clock: Callable[[], float] = time.time,
    tick: float = 1.0,
) -> None:
    """A chat in the terminal: numbers (or the words) answer, ``/command`` as in the messengers.

    Text is wrapped at the terminal's width; Ctrl-C leaves at once; while the chat is open the
    reminder scheduler runs too, so the cold-pack timer and the check-ins arrive here.
    """
    screen = _Screen(stdout)
    current: list[Reply] = []
    screen.say(screen.wrap(conversations.say("console.hello", Hints(locale))))
    stop = asyncio.Event()
    lines = _LineReader(stdin)

    async def deliver(to: str, replies: list[Reply]) -> bool:
        if to != user:
            return False
        screen.say("")
        screen.show(replies)
        current[:] = [r for r in replies if r.choices] or current
        screen.prompt()
        return True

    ticker = None
    if reminders:
        scheduler = Scheduler(conversations, deliver, clock=clock, interval=tick)
        ticker = asyncio.create_task(scheduler.run(stop))
    event: Event | None = Event(EventKind.START, locale=locale)
    try:
        while True:
            if event is not None:
                turn = await conversations.handle(user, event)
                screen.show(turn.replies)
                current[:] = [r for r in turn.replies if r.choices] or current
            screen.prompt()
            line = await lines.next()
            if line is None or line.strip() in ("/quit", "/exit"):
                screen.say("")
                return
            last = current[-1] if current else None
            event = read_input(
                line.strip(), last.choices if last else (), last.question if last else None
            )
    except asyncio.CancelledError:  # Ctrl-C: leave now, without waiting for Enter
        screen.say("")
    finally:
        stop.set()
        if ticker is not None:
            ticker.cancel()


class _Screen:
    """Prints replies wrapped at the terminal's width, buttons numbered from 1."""

    def __init__(self, stdout: IO[str]) -> None:
        self.stdout = stdout
        self.width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100) - 1)

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def prompt(self) -> None:
        self.stdout.write("> ")
        self.stdout.flush()

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            if reply.kind is ReplyKind.IMAGE:
                self.say(self.wrap(f"[{reply.text}] ({_picture_path(reply.image)})"))
                continue
            self.say(self.wrap(_MARK.get(reply.kind, "") + reply.text))
            for i, choice in enumerate(reply.choices, 1):
                self.say(self.wrap(f"  {i}. {choice.label}", indent="     "))
            self.say("")

    def wrap(self, text: str, indent: str = "") -> str:
        out = []
        for line in text.splitlines() or [""]:
            lead = re.match(r"\s*(?:[•\-]|\d+\.)?\s*", line)
            hang = indent or " " * (lead.end() if lead else 0)
            out.append(
                textwrap.fill(line, self.width, subsequent_indent=hang, break_long_words=False)
                if line
                else ""
            )
        return "\n".join(out)


def _picture_path(key: str | None) -> str:
    return str(PICTURES_DIR / f"{key}.png")


class _LineReader:
    """stdin read on a daemon thread: Ctrl-C never waits for a line that may never come."""

    def __init__(self, stdin: IO[str]) -> None:
        self.stdin = stdin
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, daemon=True, name="console-stdin").start()

    def _read(self) -> None:
        while True:
            try:
                line = self.stdin.readline()
            except (OSError, ValueError):
                line = ""
            self.loop.call_soon_threadsafe(self.queue.put_nowait, line or None)
            if not line:
                return

    async def next(self) -> str | None:
        return await self.queue.get()


def read_input(line: str, choices: tuple[Choice, ...], question: str | None) -> Event | None:
    """A typed line -> an Event: a number picks a choice, ``/cmd arg`` is a command; other
    text goes to the bot, which reads labels and yes / no words itself."""
    if not line:
        return None
    if line.isdigit() and 1 <= int(line) <= len(choices):
        return Event(EventKind.CHOICE, choices[int(line) - 1].id, question)
    if line.startswith("/"):
        name, _, arg = line[1:].partition(" ")
        kind = COMMANDS.get(name.lower())
        if kind is not None:
            return Event(kind, arg.strip() or None)
    return Event(EventKind.TEXT, line)
