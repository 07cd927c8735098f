"""The terminal: an interactive chat for people and a JSON-lines protocol for scripts.

Both speak to the same ``Conversations`` service as Telegram and Discord, so a console
transcript is a faithful preview of the real bot.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import IO, Any

from bot.adapters.common import COMMANDS
from bot.core.messages import Choice, Event, EventKind, ReplyKind
from bot.service import Conversations, Turn

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
        "replies": [{"kind": r.kind.value, "text": r.text} for r in turn.replies],
        "choices": [{"id": c.id, "label": c.label, "findings": list(c.findings)} for c in choices],
        "question": turn.question,
        "state": turn.state,
        "red_flags": list(turn.red_flags),
        "outcome": {"level": turn.level, "findings": list(turn.findings)} if turn.done else None,
        "done": turn.done,
    }


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
) -> None:
    """A chat in the terminal: numbers pick answers, ``/command`` as in the messengers."""
    say: Callable[[str], None] = lambda text: print(text, file=stdout, flush=True)  # noqa: E731
    choices: tuple[Choice, ...] = ()
    question: str | None = None
    say("backcheck: type a number to answer, /help for commands, /quit to leave.\n")
    event: Event | None = Event(EventKind.START, locale=locale)
    while True:
        if event is not None:
            turn = await conversations.handle(user, event)
            for reply in turn.replies:
                say(_MARK.get(reply.kind, "") + reply.text)
                if reply.choices:
                    choices = reply.choices
                    question = reply.question
                    for i, choice in enumerate(reply.choices, 1):
                        say(f"  {i}. {choice.label}")
                say("")
        stdout.write("> ")
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line or line.strip() in ("/quit", "/exit"):
            say("")
            return
        event = read_input(line.strip(), choices, question)


def read_input(line: str, choices: tuple[Choice, ...], question: str | None) -> Event | None:
    """A typed line -> an Event: a number picks a choice, ``/cmd arg`` is a command."""
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
