"""What every bot process of the end-to-end rows shares: the stdin protocol and the loop.

A bot child (ours in :mod:`benchmarks.e2e_bot`, or a peer) prints ``ready`` once it serves,
then answers lines on stdin: ``stats`` prints ``{"cpu": process seconds, "rss": bytes}`` as
JSON, ``stop`` (or end of input) stops it cleanly. Standard library only: a peer must not pay
for importing backcheck, or its memory figure would include ours.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

START = "/start"


def start_key(locale: str) -> str:
    """The move of ``/start`` in a language: the root of that language's tree of paths."""
    return f"{locale}|{START}"


def follow(moves: dict[str, list[int]], node: int | None, locale: str, press: str) -> list[int]:
    """``[node, screen, fold]`` after ``press`` (a button's payload or ``/start``) at ``node``
    (see :mod:`benchmarks.peers.screens`); a first press, or one the script lacks, starts
    over. ``fold`` is 1 where backcheck turns the pressed message into the screen."""
    move = moves.get(f"{node}|{press}") if node is not None else None
    return move or moves[start_key(locale)]


def read_screens(path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def valid_presses(table: dict[str, Any]) -> dict[str, set[str]]:
    """Per question, the callback data its keyboards offer, read from the screens' raw
    markup: every Telegram peer accepts exactly these presses, whatever its library."""
    valid: dict[str, set[str]] = {}
    for messages in table["screens"]:
        for m in messages:
            if m["markup"] and m["state"] is not None:
                rows = m["markup"]["inline_keyboard"]
                valid.setdefault(m["state"], set()).update(
                    str(button["callback_data"]) for row in rows for button in row
                )
    return valid


def rss_bytes() -> int:
    """Resident set size now (Linux ``/proc``); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


async def answer_stdin(
    stop: Callable[[], Awaitable[None]], on_stats: Callable[[], None] | None = None
) -> None:
    """Say ready, answer ``stats`` until ``stop``, then await ``stop()``."""
    print("ready", flush=True)
    try:
        while True:
            line = (await asyncio.to_thread(sys.stdin.readline)).strip()
            if line == "stats":
                if on_stats is not None:
                    on_stats()
                print(json.dumps({"cpu": time.process_time(), "rss": rss_bytes()}), flush=True)
            elif line in ("stop", ""):
                break
    finally:
        await stop()


def run(main: Coroutine[Any, Any, None], loop: str) -> None:
    """``main`` on uvloop (``loop == "uvloop"``, where installed) or asyncio's loop."""
    factory = None
    if loop == "uvloop":
        with contextlib.suppress(ImportError):
            import uvloop

            factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main)
