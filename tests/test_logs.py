"""Logs carry no tokens; the JSON option gives one object per line."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import JsonFormatter, RedactTokens, setup_logging, user_ref
from bot.settings import Settings, mask

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
