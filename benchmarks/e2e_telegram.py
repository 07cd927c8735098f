"""Row 4, Telegram: FakeTelegram and the simulated users here, the TelegramAdapter in a child.

The fake's own bookkeeping (a deep copy of every call, for test assertions) is replaced by a
per-chat signal, because the benchmark needs "the bot replied to this chat" and nothing else;
every Bot API rule the fake enforces (HTML, keyboards, callback answers) still applies.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from typing import Any

from benchmarks.e2e import REPLY_TIMEOUT, Outcome, bot_process, drive, row
from benchmarks.stats import Row
from benchmarks.workload import Step, Workload
from bot.adapters.telegram.format import decode_callback
from bot.core.messages import EventKind
from tests.fakes.telegram_api import ApiError, FakeTelegram, unused_tcp_port

SECRET = "benchmark-webhook-secret"


class SignallingTelegram(FakeTelegram):
    """FakeTelegram that resolves a chat's future when the bot shows it a keyboard (a new
    message, or the pressed question edited into the next), and counts Bot API calls per chat.
    """

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.chat_calls: Counter[int] = Counter()
        self.press_calls: list[int] = []

    def _record(self, method: str, params: Any, result: Any, error: ApiError | None) -> None:
        if error is not None:
            super()._record(method, params, result, error)  # keep failures for diagnosis
            return
        chat = params.get("chat_id")
        query = self.callback_queries.get(str(params.get("callback_query_id")))
        if query is not None:
            chat = query.chat_id
        if method != "getUpdates" and chat is not None:
            self.chat_calls[int(chat)] += 1
        if method in ("sendMessage", "editMessageText") and result.get("reply_markup"):
            future = self.waiting.pop(int(result["chat"]["id"]), None)
            if future is not None and not future.done():
                future.set_result(result)


async def run(key: str, label: str, mode: str, work: Workload, window: float) -> Row:
    """One Telegram row; ``mode`` is "polling", "webhook" or "limited" (polling with PTB's
    AIORateLimiter at its default 30 messages/s, as the adapter configures it)."""
    fake = SignallingTelegram()
    async with fake:
        settings: dict[str, Any] = {
            "telegram_token": fake.token,
            "telegram_base_url": fake.base_url,
            "redis_url": None,
            "discord_token": None,
            "telegram_webhook_url": None,
        }
        if mode == "webhook":
            port = unused_tcp_port()
            settings |= {
                "telegram_webhook_url": f"http://127.0.0.1:{port}/telegram",
                "telegram_webhook_listen": "127.0.0.1",
                "telegram_webhook_port": port,
                "telegram_webhook_secret": SECRET,
            }
        spec = {"platform": "telegram", "settings": settings, "rate_limit": mode == "limited"}
        async with bot_process(spec) as child:
            walks = [work.per_user[u] for u in work.users]
            result = await drive(child, walks, lambda s, out: _walk(fake, s, out), window)
    if not result.outcome.samples:
        raise RuntimeError(f"{label}: no update got a reply (timeouts: {result.outcome.timeouts})")
    built = row(key, label, result)
    if fake.press_calls:
        calls = fake.press_calls
        built.notes.append(
            f"Bot API calls per press: median {statistics.median(calls):g}, max {max(calls)} "
            f"({calls.count(2)} of {len(calls)} presses took exactly 2)"
        )
    if mode != "limited":
        built.notes.append("PTB's AIORateLimiter kept, its 30 messages/s ceiling lifted")
    return built


async def _walk(fake: SignallingTelegram, steps: tuple[Step, ...], out: Outcome) -> None:
    """One person: /start, then the scripted presses, each after the previous reply."""
    loop = asyncio.get_running_loop()
    first = steps[0]
    user = fake.make_user(first.uid, "U", None, first.event.locale)
    shown: dict[str, Any] | None = None
    for step in steps:
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        fake.waiting[step.uid] = future
        start = time.perf_counter_ns()
        before = fake.chat_calls[step.uid]
        pressed = shown is not None and step.event.kind is not EventKind.START
        if shown is None or not pressed:
            fake.inject_message("/start", user=user)
        else:
            data, on_script = _button(shown, step)
            out.diverged += not on_script
            fake.press_button(shown, callback_data=data, user=user)
        try:
            shown = await asyncio.wait_for(future, REPLY_TIMEOUT)
        except TimeoutError:
            out.timeouts += 1
            return
        out.samples.append(time.perf_counter_ns() - start)
        if pressed:
            fake.press_calls.append(fake.chat_calls[step.uid] - before)


def _button(message: dict[str, Any], step: Step) -> tuple[str, bool]:
    """The callback data of the scripted choice (or the first button if the bot offers other
    buttons than the engine did when the walk was generated)."""
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    for button in buttons:
        press = decode_callback(button.get("callback_data"))
        if press.question == step.event.question and press.choice == step.event.value:
            return str(button["callback_data"]), True
    return str(buttons[0]["callback_data"]), False
