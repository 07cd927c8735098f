"""Logging that never carries health answers or tokens.

Our own log lines name events by kind and users by a short hash, never by what they typed.
The JSON option gives one object per line for log collectors. Library loggers that might
print request URLs (which contain the Telegram token) are kept at WARNING and filtered.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import traceback
from pathlib import Path

from bot.settings import Settings

_TOKEN = re.compile(
    r"(bot)?\d{6,}:[A-Za-z0-9_-]{20,}|[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{6}\.[\w-]{27,}"
)


_PACKAGE = Path(__file__).resolve().parent


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
    """Replace anything shaped like a Telegram or Discord token with ``<token>``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg = _TOKEN.sub("<token>", message)
            record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(settings: Settings) -> None:
    """Root logging from settings; chatty HTTP libraries stay at WARNING."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactTokens())
    handler.setFormatter(
        JsonFormatter()
        if settings.log_json
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    for noisy in ("httpx", "httpcore", "telegram", "discord", "aiohttp.access", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
