"""Logs carry no tokens, secrets, answers or user ids, at any level; tracebacks included."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.console import run_json
from bot.app import App
from bot.logs import (
    _TOKEN,
    QUIET_LOGGERS,
    REDACT,
    JsonFormatter,
    Redactor,
    RedactTokens,
    install_redaction,
    setup_logging,
    user_ref,
)
from bot.settings import Settings, mask
from tests.conftest import ROOT
from tests.fakes.telegram_api import FakeTelegram
from tests.linear_regex import backtracking_repeats

TG_TOKEN = "123456789:AAHfakeTOKENvalue_abcdefghijklmnop"


def record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("backcheck", logging.INFO, __file__, 1, msg, args, None)


def test_tokens_are_redacted_from_any_message() -> None:
    rec = record("POST https://api.telegram.org/bot%s/getMe failed", TG_TOKEN)
    RedactTokens().filter(rec)
    assert TG_TOKEN not in rec.getMessage() and "<token>" in rec.getMessage()


def test_json_formatter_one_object_per_line() -> None:
    line = JsonFormatter().format(record("hello %s", "world"))
    assert json.loads(line)["msg"] == "hello world"


def test_mask_and_settings_never_show_secrets() -> None:
    settings = Settings(TELEGRAM_TOKEN=TG_TOKEN)
    assert TG_TOKEN not in repr(settings) and TG_TOKEN not in str(settings.model_dump())
    assert mask(settings.telegram_token) == "1234…mnop"
    assert user_ref("tg:1") == user_ref("tg:1") != "tg:1"


def test_setup_logging_json(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging(Settings(BACKCHECK_LOG_JSON=True))
        logging.getLogger("backcheck").warning("token %s leaked?", TG_TOKEN)
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert json.loads(err)["level"] == "WARNING" and TG_TOKEN not in err
    finally:
        root.handlers[:], root.level = saved[0], saved[1]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put back the root handlers, the library levels and the exception hooks afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook, threading.excepthook
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    sys.excepthook, threading.excepthook = saved[2], saved[3]
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def test_the_token_pattern_is_linear() -> None:
    # Every open-ended repeat is possessive and a digit run only starts after a non-digit, so
    # a 40,000-digit record is scanned once (the greedy pattern retried every length at every
    # position: 6.5 s and more on such a line).
    assert backtracking_repeats(_TOKEN) == []
    assert _TOKEN.pattern.startswith(r"(?<!\d)")
    noise = "1" * 40_000
    assert REDACT(noise) == noise
    assert REDACT(f"{noise} bot{TG_TOKEN} {noise}") == f"{noise} <token> {noise}"
    assert REDACT("x" * 40_000 + "." + "y" * 6) == "x" * 40_000 + "." + "y" * 6


def test_configured_secrets_are_blanked_whatever_their_shape() -> None:
    redactor = Redactor()
    redactor.add(["short-secret", "redis://:pw-0123@h:6379/0", "pw-0123"])
    line = redactor("auth short-secret to redis://:pw-0123@h:6379/0 (pw-0123)")
    assert "short-secret" not in line and "pw-0123" not in line
    assert line == "auth <secret> to <secret> (<secret>)"


def test_tracebacks_in_logs_and_uncaught_are_redacted(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    for as_json in (False, True):
        install_redaction(json_lines=as_json)
        try:
            raise RuntimeError(f"The token `{TG_TOKEN}` was rejected by the server.")
        except RuntimeError as exc:
            logging.getLogger("backcheck").exception("start failed")
            sys.excepthook(type(exc), exc, exc.__traceback__)
        err = capsys.readouterr().err
        assert "start failed" in err and "was rejected" in err and "<token>" in err
        assert TG_TOKEN not in err


def test_libraries_stay_quiet_at_debug(
    capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    setup_logging(Settings(_env_file=None, BACKCHECK_LOG_LEVEL="DEBUG"))  # type: ignore[call-arg]
    logging.getLogger("aiosqlite").setLevel(logging.DEBUG)  # even if something lowers it
    logging.getLogger("aiosqlite").debug("executing %s", "tg:424242")
    logging.getLogger("transitions.core").info("Finished processing state out_ambulance")
    logging.getLogger("backcheck").debug("our own debug line")
    err = capsys.readouterr().err
    assert "our own debug line" in err
    assert "424242" not in err and "out_ambulance" not in err


async def test_a_debug_chat_logs_no_answers_typed_text_or_user_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restore_logging: None
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        BACKCHECK_LOG_LEVEL="DEBUG",
        BACKCHECK_DB=tmp_path / "d.db",
    )
    setup_logging(settings)
    app = await App.open(settings)
    user = "alice-4242"
    typed = "I wet myself and I cannot feel my groin"
    lines = [
        {"user": user, "command": "start"},
        {"user": user, "choice": "none_of_these", "question": "rf_emergency"},
        {"user": user, "text": "it just aches a little, quite dull"},
        {"user": user, "text": typed},
        {"user": user, "command": "summary"},
    ]
    stdin = io.BytesIO(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
    stdout = io.BytesIO()
    try:
        await run_json(app.conversations, stdin, stdout)
    finally:
        await app.close()
    replies = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert replies[-2]["red_flags"]  # the typed danger sign was heard
    log = capsys.readouterr().err
    findings = {
        f for reply in replies if reply.get("outcome") for f in reply["outcome"]["findings"]
    }
    findings |= set(replies[-2]["red_flags"])
    assert findings
    leaked = [word for word in (user, typed, "dull", "groin", *findings) if word in log]
    assert leaked == [], log[-3000:]


async def test_a_rejected_telegram_token_is_one_line_and_never_printed(tmp_path: Path) -> None:
    wrong = "999999:WRONGtokenWRONGtokenWRONGtoken_abcd"
    async with FakeTelegram() as fake:
        for extra in ({}, {"BACKCHECK_LOG_JSON": "true"}):
            env = {
                k: v for k, v in os.environ.items() if k not in ("TELEGRAM_TOKEN", "DISCORD_TOKEN")
            }
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=tmp_path,  # no .env here
                env={
                    **env,
                    "PYTHONPATH": str(ROOT),
                    "TELEGRAM_TOKEN": wrong,
                    "TELEGRAM_BASE_URL": fake.base_url,
                    "BACKCHECK_DB": str(tmp_path / "t.db"),
                    "BACKCHECK_LOG_LEVEL": "DEBUG",
                    **extra,
                },
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(proc.communicate(), 60)
            text = (out + err).decode()
            assert proc.returncode == 2, text
            assert wrong not in text and "WRONGtoken" not in text and "Traceback" not in text
            assert text.strip().splitlines()[-1] == (
                "backcheck: Telegram rejected the token: check TELEGRAM_TOKEN"
            )
