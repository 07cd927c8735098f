"""Burst: 5,000 people press a button at the same moment; how long do their spinners turn?

``python -m benchmarks.telegram_burst [--people N] [--mode polling|webhook|both]``

A real ``backcheck run`` process (SQLite, PTB's AIORateLimiter at Telegram's 30 messages/s)
serves the fake Bot API in this process. Every person already has a check open at the first
question (seeded straight into the database); all presses are queued at Telegram at once,
and each press's wait is the time from then to its answerCallbackQuery (run by the fake,
whether the bot called it or returned it in the webhook response). Presses shed with the
"busy" toast are counted apart: they are answered, not applied.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.adapters.telegram.format import encode_callback
from bot.app import App
from bot.core.messages import Event, EventKind
from bot.settings import Settings
from tests.fakes.telegram_api import (
    ApiError,
    CallbackQueryState,
    ConcurrentWebhookTelegram,
    FakeTelegram,
    unused_tcp_port,
)

JSONDict = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent
FIRST_PRESS = encode_callback("rf_emergency", "none_of_these")
WAIT = 90.0


class Timing:
    """What the fake saw, cheaply: answer times by query, counts by method."""

    def __init__(self) -> None:
        self.answered: dict[str, tuple[float, str | None]] = {}
        self.counts: dict[str, int] = {}


def timed(base: type[FakeTelegram]) -> type[FakeTelegram]:
    class Timed(base):  # type: ignore[misc, valid-type]
        timing = Timing()

        def _record(self, method: str, params: Any, result: Any, error: ApiError | None) -> None:
            counts = self.timing.counts
            counts[method] = counts.get(method, 0) + 1
            if method == "answerCallbackQuery" and error is None:
                query = str(params.get("callback_query_id"))
                self.timing.answered[query] = (time.monotonic(), params.get("text"))
            elif method in ("sendMessage", "editMessageText"):
                return  # thousands of them: no deep copies
            super()._record(method, params, result, error)

    return Timed


async def seed(db: Path, people: int) -> None:
    """Every person at the first question, as if they had sent /start."""
    settings = Settings(_env_file=None, BACKCHECK_DB=db)  # type: ignore[call-arg]
    app = await App.open(settings)
    try:
        for uid in range(people):
            await app.conversations.handle(f"tg:{10_000 + uid}", Event(EventKind.START))
    finally:
        await app.close()


def press(fake: FakeTelegram, uid: int) -> JSONDict:
    """One press on the person's first question (query id ``q<uid>``), not yet queued."""
    user = fake.make_user(uid, f"P{uid}", None, "en")
    chat = fake.private_chat(user)
    fake.register_chat(chat, user)
    query = f"q{uid}"
    fake.callback_queries[query] = CallbackQueryState(query, uid, 1, FIRST_PRESS, uid)
    message = {
        "message_id": 1,
        "from": fake.bot_user.to_api(),
        "chat": chat.to_api(),
        "date": int(time.time()),
        "text": "Do you have any of these?",
    }
    return {
        "callback_query": {
            "id": query,
            "from": user.to_api(),
            "message": message,
            "chat_instance": str(uid),
            "data": FIRST_PRESS,
        }
    }


async def burst(mode: str, people: int) -> dict[str, Any]:
    base = ConcurrentWebhookTelegram if mode == "webhook" else FakeTelegram
    fake_class = timed(base)
    with tempfile.TemporaryDirectory(prefix="backcheck-burst-") as tmp:
        db = Path(tmp) / "burst.db"
        await seed(db, people)
        async with fake_class() as fake:
            env = _env(fake, db)
            ready = "deleteWebhook"
            if mode == "webhook":
                port = unused_tcp_port()
                env |= {
                    "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
                    "TELEGRAM_WEBHOOK_PORT": str(port),
                }
                ready = "setWebhook"
            log = (Path(tmp) / "bot.log").open("wb")
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp, env=env, stderr=log
            )
            try:
                while not any(c.method == ready for c in fake.calls):
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.5)  # the first long poll is waiting at Telegram
                presses = [press(fake, 10_000 + i) for i in range(people)]
                queries = [p["callback_query"]["id"] for p in presses]
                started = time.monotonic()
                cpu = _cpu()
                fake.inject_updates(presses)
                timing: Timing = fake.timing  # type: ignore[attr-defined]
                while len(timing.answered) < people and time.monotonic() - started < WAIT:
                    await asyncio.sleep(0.05)
                elapsed = time.monotonic() - started
                fake_cpu = _cpu()[0] - cpu[0]
            finally:
                proc.kill()
                await proc.wait()
                log.close()
            bot_cpu = _cpu()[1] - cpu[1]
    waits = sorted(timing.answered[q][0] - started for q in queries if q in timing.answered)
    busy = sum(1 for q in queries if q in timing.answered and timing.answered[q][1])
    return {
        "mode": mode,
        "people": people,
        "answered": len(waits),
        "busy": busy,
        "p50": _quantile(waits, 0.5),
        "p99": _quantile(waits, 0.99),
        "max": waits[-1] if waits else None,
        "mean": statistics.fmean(waits) if waits else None,
        "window": elapsed,
        "sent": timing.counts.get("sendMessage", 0),
        "fake_cpu": fake_cpu,
        "bot_cpu": bot_cpu,
    }


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (the fake) and of its finished children (the bot)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(q * len(values)))]


def _env(fake: FakeTelegram, db: Path) -> dict[str, str]:
    bot_path = os.environ.get("BURST_BOT_PATH", str(ROOT))
    return fake.bot_environment(str(db), bot_path, BACKCHECK_FOLLOWUPS="false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--mode", choices=["polling", "webhook", "both"], default="both")
    args = parser.parse_args()
    modes = ["polling", "webhook"] if args.mode == "both" else [args.mode]
    for mode in modes:
        result = asyncio.run(burst(mode, args.people))
        shown = {k: f"{v:.3f}" if isinstance(v, float) else v for k, v in result.items()}
        print(" ".join(f"{k}={v}" for k, v in shown.items()), flush=True)
    with contextlib.suppress(Exception):
        print(f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
