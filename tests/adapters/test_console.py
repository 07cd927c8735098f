"""The console adapter: the JSON-lines protocol through a real subprocess, and the chat."""

from __future__ import annotations

import asyncio
import io
import json
import os
import queue
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.adapters.console import answer as json_answer
from bot.adapters.console import parse_line, read_input, run_interactive, turn_json
from bot.core.content import Catalog
from bot.core.engine import Engine
from bot.core.flow.model import Flow
from bot.core.messages import Choice, Event, EventKind
from bot.core.redflags.detector import RedFlagDetector
from bot.service import Conversations
from bot.storage.memory import open_memory
from tests.conftest import ROOT
from tests.core.walk import CALM, CALM_PATH, COUNTRY
from tests.json_chat import JsonBot


def test_json_lines_protocol_end_to_end(tmp_path: Path) -> None:
    bot = JsonBot(BACKCHECK_DB=str(tmp_path / "b.db"))
    out = bot.send({"user": "u1", "command": "start"})
    assert set(out) >= {"user", "replies", "choices", "state", "red_flags", "outcome", "done"}
    assert out["user"] == "u1" and out["state"] == "rf_emergency" and out["outcome"] is None
    assert {"id", "label", "findings"} <= set(out["choices"][0])
    assert out["replies"][0]["kind"] == "info"

    other = bot.send({"user": "u2", "command": "start", "locale": "ru"})
    assert "врач" in other["replies"][0]["text"]  # users interleave, each in their language

    assert "error" in bot.send("{not json")
    assert "error" in bot.send({"user": "u1", "choice": "x", "text": "y"})
    assert "error" in bot.send({"user": "u1", "command": "dance"})
    assert "error" in bot.send({"choice": "x"})

    red = bot.send({"user": "u2", "text": "не чувствую ног"})
    assert red["red_flags"] and red["done"] and red["outcome"]["level"].startswith("emergency")

    while not out["done"]:  # "Where are you now?" comes after the first screen: skipped
        question = out["question"]
        out = bot.send({"user": "u1", "choice": CALM[question], "question": question})
    assert out["outcome"] == {"level": "self_care", "findings": out["outcome"]["findings"]}
    assert "onset_next_day" in out["outcome"]["findings"]
    back = bot.send({"user": "u1", "command": "language", "arg": "ru"})
    assert back["replies"][0]["text"].startswith("Язык")
    err = bot.close()
    assert "Traceback" not in err


def test_json_marks_an_early_result_and_the_end(tmp_path: Path) -> None:
    """An urgent answer: the result's line carries ``outcome``, ``done`` waits for the end."""
    bot = JsonBot(BACKCHECK_DB=str(tmp_path / "b.db"))
    bot.send({"user": "u1", "command": "start"})
    bot.send({"user": "u1", "choice": "none_of_these"})
    shown = bot.send({"user": "u1", "choice": "fever"})
    assert shown["replies"][0]["kind"] == "outcome"
    assert shown["outcome"]["level"] == "urgent_doctor" and not shown["done"]
    asked = bot.send({"user": "u1", "choice": "none_of_these"})
    assert asked["outcome"] is None and not asked["done"] and asked["state"] == "rf_hospital"
    out = asked
    while not out["done"]:
        out = bot.send({"user": "u1", "choice": "none_of_these"})
    assert out["outcome"]["level"] == "urgent_doctor"
    assert "outcome" not in [r["kind"] for r in out["replies"]], "the result is not repeated"
    bot.close()


def test_json_sessions_survive_a_process_restart(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    first = JsonBot(BACKCHECK_DB=str(db))
    first.send({"user": "u1", "command": "start"})
    asked = first.send({"user": "u1", "choice": "none_of_these"})
    assert asked["question"] == COUNTRY, "a first-time person is asked where they are"
    first.send({"user": "u1", "choice": "DE", "question": COUNTRY})
    first.close()
    second = JsonBot(BACKCHECK_DB=str(db))
    out = second.send({"user": "u1", "command": "help"})
    assert out["state"] == "rf_urine"
    assert out["choices"][0]["id"] == "none_of_these"
    about = second.send({"user": "u1", "command": "about"})["replies"][0]["text"]
    assert "112" in about and "local emergency number" not in about, "Germany: 112"
    second.close()


def test_parse_line_builds_events() -> None:
    user, event = parse_line('{"user": "a", "command": "language", "arg": "ru"}')
    assert user == "a" and event.kind is EventKind.LANGUAGE and event.value == "ru"
    _, event = parse_line('{"user": "a", "choice": "x", "question": "q", "locale": "ru"}')
    assert (event.value, event.question, event.locale) == ("x", "q", "ru")


def test_read_input_numbers_commands_and_text() -> None:
    choices = (Choice("a", "A"), Choice("b", "B"))
    choice = read_input("2", choices, "q")
    assert choice is not None and (choice.kind, choice.value, choice.question) == (
        EventKind.CHOICE,
        "b",
        "q",
    )
    lang = read_input("/language ru", choices, "q")
    assert lang is not None and (lang.kind, lang.value) == (EventKind.LANGUAGE, "ru")
    text = read_input("7", choices, "q")
    assert text is not None and text.kind is EventKind.TEXT
    assert read_input("", choices, "q") is None


async def test_interactive_chat_transcript(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=86400))
    stdin = io.StringIO("1\nno\n2\nyes I can get there\n/back\n/quit\n")
    stdout = io.StringIO()
    await run_interactive(conv, stdin, stdout, reminders=False)
    screen = stdout.getvalue()
    assert "1. None of these" in screen and "2. Fall, crash or blow" in screen
    assert "type the number" in screen
    assert "Go to the emergency department" in screen and "Why: you said" in screen
    assert all(len(line) <= 100 for line in screen.splitlines()), "wrapped at the width"


def test_run_without_tokens_opens_the_terminal_chat(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")}
    env["BACKCHECK_DB"] = str(tmp_path / "r.db")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="1\nskip\n/quit\n",  # "Where are you now?" after the first screen: typed
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "TELEGRAM_TOKEN" in done.stderr  # it says which settings to add
    assert "Any of these right now?" in done.stdout
    assert "Where are you now?" in done.stdout  # the answer "1" (none of these) moved on
    assert "now or since training" in done.stdout  # and "skip" skipped the country


def test_validate_command_reports_ok() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.startswith("ok: triage.yaml")


class _Keyboard:
    """stdin that blocks until the test types a line, like a person at a terminal."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()

    def type(self, line: str) -> None:
        self.lines.put(line + "\n")

    def readline(self) -> str:
        return self.lines.get()


async def _until(stdout: io.StringIO, text: str, count: int = 1) -> None:
    for _ in range(500):
        if stdout.getvalue().count(text) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{text!r} never appeared:\n{stdout.getvalue()[-800:]}")


async def test_the_cold_pack_timer_rings_in_the_open_terminal(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector
) -> None:
    now = [1_800_000_000.0]
    engine = Engine(flow, catalog, detector, clock=lambda: now[0])
    conv = Conversations(engine, open_memory(retention=86400))
    keys, stdout = _Keyboard(), io.StringIO()
    chat = asyncio.create_task(
        run_interactive(conv, keys, stdout, clock=lambda: now[0], tick=0.01)  # type: ignore[arg-type]
    )
    for answer in ("1", "1", "1", "1", "2", "3", "2"):  # calm answers to a result
        keys.type(answer)
    await _until(stdout, "Cold-pack timer")
    number = next(
        line.split(".")[0].strip()
        for line in stdout.getvalue().splitlines()
        if line.endswith("Cold-pack timer")
    )
    keys.type(number)
    await _until(stdout, "Timer on")
    now[0] += 5 * 60
    keys.type(number)  # a second tap replaces the first timer
    await _until(stdout, "Timer on", 2)
    now[0] += 11 * 60  # 16 minutes after the first tap: the first timer would be due
    await asyncio.sleep(0.05)
    assert "Time to take the cold pack off" not in stdout.getvalue()
    now[0] += 5 * 60
    await _until(stdout, "Time to take the cold pack off")
    keys.type("/quit")
    await asyncio.wait_for(chat, 5)
    assert stdout.getvalue().count("Time to take the cold pack off") == 1


async def test_json_carries_pictures_as_path_and_caption(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=86400), content=ROOT / "content")
    await conv.handle("u", Event(EventKind.START))
    for question, choice in CALM_PATH:
        await conv.handle("u", Event(EventKind.CHOICE, choice, question))
    turn = await conv.handle("u", Event(EventKind.CHOICE, "positions", "out_self_care"))
    out = turn_json("u", turn, conv.picture)
    picture = out["replies"][0]
    assert picture["kind"] == "image" and picture["path"].endswith("back_calves_on_chair.png")
    assert Path(picture["path"]).is_file() and picture["caption"]
    assert out["replies"][2]["kind"] == "info" and "choices" in out


async def _json(conv: Conversations, obj: dict[str, object]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(await json_answer(conv, json.dumps(obj).encode()))
    return out


async def test_json_asks_the_country_once_and_region_de_sets_germany(app_engine: Engine) -> None:
    """The real bot's engine in ``chat --json``: a first-time user is asked after the first
    screen; a danger press before that still stops at once; ``region de`` sets Germany."""
    conv = Conversations(app_engine, open_memory(retention=86400))
    await _json(conv, {"user": "a", "command": "start"})
    danger = await _json(
        conv, {"user": "a", "choice": "legs_paralysed", "question": "rf_emergency"}
    )
    assert danger["done"] and danger["outcome"]["level"] == "emergency_ambulance"
    first = next(r for r in danger["replies"] if r["kind"] == "outcome")["text"].split("\n")[0]
    assert "112 or your local emergency number" in first
    assert danger["question"] == COUNTRY, "the country: one answer away, under the result"
    typed = await _json(conv, {"user": "a", "text": "germany"})
    first = next(r for r in typed["replies"] if r["kind"] == "outcome")["text"].split("\n")[0]
    assert "112" in first and "local" not in first

    await _json(conv, {"user": "b", "command": "start", "locale": "ru"})
    asked = await _json(conv, {"user": "b", "choice": "none_of_these", "question": "rf_emergency"})
    assert asked["question"] == COUNTRY and asked["choices"][0]["id"] == "RU"
    skipped = await _json(conv, {"user": "b", "choice": "skip", "question": COUNTRY})
    assert skipped["question"] == "rf_urine"
    set_de = await _json(conv, {"user": "b", "command": "region", "arg": "de"})
    assert "112" in set_de["replies"][0]["text"]
    danger = await _json(conv, {"user": "b", "text": "не чувствую ног"})
    first = next(r for r in danger["replies"] if r["kind"] == "outcome")["text"].split("\n")[0]
    assert "112" in first and "местн" not in first
    assert danger["question"] != COUNTRY, "asked once: never again"
