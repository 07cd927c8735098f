"""Logging that never carries health answers, user ids or secrets.

Our own log lines name events by kind and users by a short hash, never by what they typed.
The JSON option gives one object per line for log collectors. Every line that leaves the
process, tracebacks included, goes through one redactor: the configured secrets are blanked
wherever they appear, and so is anything shaped like a Telegram or Discord token. Third-party
loggers that can print statements, payloads or request URLs (aiosqlite's SQL parameters hold
session JSON; transitions names each state; HTTP clients log URLs with the bot token and chat
ids) are held at WARNING whatever ``BACKCHECK_LOG_LEVEL`` says.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
import threading
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Final

from bot.settings import Settings

#: A Telegram token (``<digits>:<35 characters>``, in URLs after ``bot``) or a Discord token
#: (three dot-separated base64 parts). Linear on any input: a digit run can only start where
#: the previous character is not a digit, and every open-ended repeat is possessive, so the
#: engine never re-scans a run from inside it or tries a shorter length (the greedy version
#: took seconds on a 40,000-digit line; it runs on every record).
_TOKEN: Final = re.compile(
    r"(?<!\d)(?:bot)?+\d{6,}+:[A-Za-z0-9_-]{20,}+"
    r"|[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{6}\.[\w-]{27,}+"
)
#: Libraries whose DEBUG/INFO lines can hold user data or secrets. Never below WARNING.
QUIET_LOGGERS: Final = (
    "aiosqlite",
    "transitions",
    "httpx",
    "httpcore",
    "hpack",
    "telegram",
    "discord",
    "aiohttp",
    "websockets",
    "redis",
    "asyncio",
    "apscheduler",
    "pymorphy3",  # INFO lines about its dictionary files: noise on every start-up
)

_QUIET: Final = frozenset(QUIET_LOGGERS)
_PACKAGE = Path(__file__).resolve().parent


class Redactor:
    """Blanks secrets in text: the configured values exactly, and anything token-shaped."""

    def __init__(self) -> None:
        self._secrets: tuple[str, ...] = ()

    def add(self, secrets: Iterable[str]) -> None:
        """Remember more values to blank (longest first, so a URL goes before its password)."""
        known = {*self._secrets, *(s for s in secrets if s)}
        self._secrets = tuple(sorted(known, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "<secret>")
        return _TOKEN.sub("<token>", text)


#: The process-wide redactor, used by every handler and by the uncaught-exception hooks.
REDACT: Final = Redactor()


def error_site(error: BaseException | None) -> str:
    """``adapters/telegram/adapter.py:123``: our innermost frame (else the library's), never data.

    Enough to find a bug from one log line without a traceback full of user input.
    """
    frames = traceback.extract_tb(error.__traceback__) if error is not None else []
    ours = [f for f in frames if Path(f.filename).is_relative_to(_PACKAGE)]
    if not (ours or frames):
        return "?"
    frame = (ours or frames)[-1]
    path = Path(frame.filename)
    shown = path.relative_to(_PACKAGE) if path.is_relative_to(_PACKAGE) else path.name
    return f"{shown}:{frame.lineno}"


def user_ref(user: str) -> str:
    """A stable, non-reversible reference to a user for log lines."""
    return hashlib.blake2s(user.encode(), digest_size=4).hexdigest()


class RedactTokens(logging.Filter):
    """Redact the message of every record, for handlers that format it themselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = REDACT(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class QuietLibraries(logging.Filter):
    """Drop the libraries' records below WARNING even if something lowered their level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING or record.name.split(".", 1)[0] not in _QUIET


class TextFormatter(logging.Formatter):
    """The usual text line, redacted as a whole (message, traceback and stack)."""

    def format(self, record: logging.LogRecord) -> str:
        return REDACT(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the message and the traceback are redacted."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": REDACT(record.getMessage()),
        }
        if record.exc_info:
            data["exc"] = REDACT(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    sys.stderr.write(REDACT("".join(traceback.format_exception(kind, value, tb))))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_redaction(level: int | str = logging.WARNING, *, json_lines: bool = False) -> None:
    """Route every log record, warning and uncaught traceback through the redactor.

    Called first thing by the CLI (before the settings are read, so a traceback from reading
    them is covered too) and again by :func:`setup_logging` with the configured level.
    """
    handler = logging.StreamHandler()
    handler.addFilter(QuietLibraries())
    handler.addFilter(RedactTokens())
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    logging.captureWarnings(True)
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def setup_logging(settings: Settings) -> None:
    """Root logging from settings; the configured secrets join the redactor."""
    REDACT.add(settings.secrets())
    install_redaction(settings.log_level, json_lines=settings.log_json)
