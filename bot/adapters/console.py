"""The terminal: an interactive chat for people and a JSON-lines protocol for scripts.

Both speak to the same ``Conversations`` service as Telegram and Discord, so a console
transcript is a faithful preview of the real bot.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import IO, Annotated, Any, Final

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.adapters.common import COMMANDS
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.logs import error_site
from bot.scheduler import Scheduler
from bot.service import Conversations, Turn

log = logging.getLogger("backcheck")

_MARK = {ReplyKind.WARNING: "! ", ReplyKind.OUTCOME: "» "}


class ProtocolError(ValueError):
    """A JSON line that does not follow the protocol; the message says what is wrong."""


#: Longest input line read; Telegram's own message limit is 4,096 characters.
MAX_LINE: Final = 64 * 1024
MAX_TEXT: Final = 4096
_Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
_LOCALE: Final = r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}$"


class Line(BaseModel):
    """One input line of the protocol. Strict: JSON strings only, no unknown fields.

    Parsed from the raw bytes by pydantic's JSON parser, which refuses what would crash or
    stall the standard one (invalid UTF-8, lone surrogates, nesting past 200 levels, numbers
    past its range) with an error instead of an exception.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    user: _Id
    command: _Id | None = None
    choice: _Id | None = None
    text: Annotated[str, StringConstraints(max_length=MAX_TEXT)] | None = None
    arg: _Id | None = None
    question: _Id | None = None
    locale: Annotated[str, StringConstraints(pattern=_LOCALE)] | None = None

    @field_validator("user")
    @classmethod
    def _printable(cls, user: str) -> str:
        if not user.isprintable():
            raise ValueError("must be printable text")
        return user

    @model_validator(mode="after")
    def _one_kind(self) -> Line:
        given = [k for k in ("command", "choice", "text") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError('give exactly one of "command", "choice" or "text"')
        if self.command is not None and self.command not in COMMANDS:
            raise ValueError(f"unknown command; use one of {'|'.join(COMMANDS)}")
        return self

    def event(self) -> Event:
        if self.command is not None:
            return Event(COMMANDS[self.command], self.arg, locale=self.locale)
        if self.choice is not None:
            return Event(EventKind.CHOICE, self.choice, self.question, self.locale)
        return Event(EventKind.TEXT, self.text, locale=self.locale)


def parse_line(line: str | bytes) -> tuple[str, Event]:
    """One JSON-lines input object -> (user, Event); :class:`ProtocolError` says what is wrong."""
    try:
        parsed = Line.model_validate_json(line)
    except ValidationError as exc:
        raise ProtocolError(_problem(exc)) from None
    return parsed.user, parsed.event()


def _problem(exc: ValidationError) -> str:
    """The first error, without the input (which may be long or hold anything)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    context = error.get("ctx") or {}
    kind, loc = error["type"], ".".join(str(p) for p in error["loc"])[:40]
    if kind == "json_invalid":
        return "not JSON: " + str(error["msg"]).removeprefix("Invalid JSON: ")
    if kind == "model_type":
        return "each line must be a JSON object"
    if kind == "extra_forbidden":
        return f'unknown field "{loc}"; use user, command, choice, text, arg, question, locale'
    message = str(context["error"]) if "error" in context else str(error["msg"])
    if kind == "string_pattern_mismatch":
        message = "must be a language tag such as en or ru-RU"
    return f'"{loc}" {message[0].lower()}{message[1:]}' if loc else message


PictureFile = Callable[[str | None], Path | None]


def turn_json(user: str, turn: Turn, picture: PictureFile = lambda key: None) -> dict[str, Any]:
    """The protocol's output object for one input line; ``picture`` finds an image's file."""
    choices: tuple[Choice, ...] = ()
    for reply in turn.replies:
        if reply.choices:
            choices = reply.choices
    return {
        "user": user,
        "replies": [_reply_json(r, picture) for r in turn.replies],
        "choices": [{"id": c.id, "label": c.label, "findings": list(c.findings)} for c in choices],
        "question": turn.question,
        "state": turn.state,
        "red_flags": list(turn.red_flags),
        "outcome": _outcome(turn),
        "done": turn.done,
    }


def encode(out: dict[str, Any]) -> bytes:
    """One output line: UTF-8 JSON, with U+2028/U+2029 escaped (JavaScript readers split on
    them) and, should a lone surrogate ever reach a reply, ASCII escapes for that line."""
    text = json.dumps(out, ensure_ascii=False)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps(out).encode() + b"\n"


async def answer(conversations: Conversations, line: bytes) -> bytes:
    """The protocol's one reply to one input line, whatever the line holds."""
    if not line.strip():
        return encode({"error": "empty line; send one JSON object per line"})
    if len(line) > MAX_LINE:
        return encode({"error": f"line too long (over {MAX_LINE} bytes)"})
    try:
        user, event = parse_line(line)
    except ProtocolError as exc:
        return encode({"error": str(exc)})
    try:
        turn = await conversations.handle(f"cli:{user}", event)
    except Exception as exc:  # one bad line must not end the stream for every other user
        log.error("json chat: line not applied: %s at %s", type(exc).__name__, error_site(exc))
        return encode({"error": "internal error; the line was not applied"})
    return encode(turn_json(user, turn, conversations.picture))


def _outcome(turn: Turn) -> dict[str, Any] | None:
    """Set on the line that shows a result (an urgent one comes before the last questions)
    and on every line once the check is done; ``done`` alone says it is over."""
    if turn.level is None:
        return None
    return {"level": turn.level, "findings": list(turn.findings)}


def _reply_json(reply: Reply, picture: PictureFile) -> dict[str, Any]:
    if reply.kind is ReplyKind.IMAGE:
        path = picture(reply.image)
        return {"kind": "image", "path": str(path) if path else None, "caption": reply.text}
    return {"kind": reply.kind.value, "text": reply.text}


async def _lines(stream: IO[bytes]) -> AsyncIterator[bytes]:
    """Input lines of at most ``MAX_LINE + 1`` bytes; the rest of a longer line is skipped."""
    while True:
        line = await asyncio.to_thread(stream.readline, MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            rest = line
            while rest and not rest.endswith(b"\n"):
                rest = await asyncio.to_thread(stream.readline, MAX_LINE)
        yield line


async def run_json(conversations: Conversations, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """Exactly one output line per input line (blank ones included), flushed.

    Byte streams, so that invalid UTF-8 is one line's error rather than the end of the stream.
    """
    async for line in _lines(stdin):
        stdout.write(await answer(conversations, line))
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
    screen = _Screen(stdout, conversations.picture)
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

    def __init__(self, stdout: IO[str], picture: PictureFile) -> None:
        self.stdout = stdout
        self.picture = picture
        self.width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100) - 1)

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def prompt(self) -> None:
        self.stdout.write("> ")
        self.stdout.flush()

    def show(self, replies: list[Reply]) -> None:
        for reply in replies:
            if reply.kind is ReplyKind.IMAGE:
                path = self.picture(reply.image)
                self.say(self.wrap(f"[{reply.text}]" + (f" ({path})" if path else "")))
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
