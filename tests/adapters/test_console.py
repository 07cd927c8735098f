"""The console adapter: the JSON-lines protocol through a real subprocess, and the chat."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.adapters.console import parse_line, read_input, run_interactive
from bot.core.engine import Engine
from bot.core.messages import Choice, EventKind
from bot.service import Conversations
from bot.storage.memory import MemoryStorage
from tests.conftest import ROOT
from tests.core.walk import CALM
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

    state = out["state"]
    while not out["done"]:
        out = bot.send({"user": "u1", "choice": CALM[state]})
        state = out["state"]
    assert out["outcome"] == {"level": "self_care", "findings": out["outcome"]["findings"]}
    assert "onset_next_day" in out["outcome"]["findings"]
    back = bot.send({"user": "u1", "command": "language", "arg": "ru"})
    assert back["replies"][0]["text"].startswith("Язык")
    err = bot.close()
    assert "Traceback" not in err


def test_json_sessions_survive_a_process_restart(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    first = JsonBot(BACKCHECK_DB=str(db))
    first.send({"user": "u1", "command": "start"})
    first.send({"user": "u1", "choice": "none_of_these"})
    first.close()
    second = JsonBot(BACKCHECK_DB=str(db))
    out = second.send({"user": "u1", "command": "help"})
    assert out["state"] == "rf_urine"
    assert out["choices"][0]["id"] == "none_of_these"
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
    conv = Conversations(engine, MemoryStorage(retention=86400))
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
        input="1\n/quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no .env here
        env={**env, "PYTHONPATH": str(ROOT)},
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "TELEGRAM_TOKEN" in done.stderr  # it says which settings to add
    assert "Any of these right now?" in done.stdout
    assert "Since training" in done.stdout  # the answer "1" (none of these) moved on


def test_validate_command_reports_ok() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "validate"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.startswith("ok: triage.yaml")
