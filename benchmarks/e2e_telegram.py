"""Row 4, Telegram: FakeTelegram and the simulated users here, each bot in a child process.

The fake's own bookkeeping (a deep copy of every call, for test assertions) is replaced by a
per-chat signal, because the benchmark needs "the bot replied to this chat" and nothing else;
every Bot API rule the fake enforces (HTML, keyboards, callback answers) still applies. Webhook
updates are delivered concurrently, up to the ``max_connections`` the bot set (40 by default),
as Telegram does.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.e2e import REPLY_TIMEOUT, Measured, Outcome, Sizes, bot_process, drive
from benchmarks.peers import screens as peer_screens
from benchmarks.workload import Step, Workload
from bot.adapters.telegram.format import encode_callback
from bot.core.messages import EventKind
from tests.fakes.telegram_api import ApiError, FakeTelegram, unused_tcp_port

SECRET = "benchmark-webhook-secret"
#: Whether our bot edits a pressed question into the next one (then the peers do too, so that
#: every bot makes the same calls per press); learnt from our own run, which comes first.
EDIT_IN_PLACE: dict[str, bool] = {}
MODULES = {
    "ours": "benchmarks.e2e_bot",
    "ptb": "benchmarks.peers.ptb_bot",
    "aiogram": "benchmarks.peers.aiogram_bot",
}


class SignallingTelegram(FakeTelegram):
    """FakeTelegram that resolves a chat's future when the bot sends it a keyboard, and
    delivers webhook updates concurrently."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.counts: Counter[str] = Counter()
        self.injected = 0
        self.edits_into_question = 0

    def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        self.injected += 1
        return super().inject_update(update)

    def _record(self, method: str, params: Any, result: Any, error: ApiError | None) -> None:
        if error is not None:
            super()._record(method, params, result, error)  # keep failures for diagnosis
            return
        self.counts[method] += 1
        shows_question = method in ("sendMessage", "editMessageText")
        if shows_question and isinstance(result, dict) and result.get("reply_markup"):
            if method == "editMessageText":
                self.edits_into_question += 1
            future = self.waiting.pop(int(result["chat"]["id"]), None)
            if future is not None and not future.done():
                future.set_result(result)

    async def _deliver_webhook(self, url: str, secret: str | None) -> None:
        """Up to ``max_connections`` updates in flight; a failed one is retried later."""
        slots = asyncio.Semaphore(int(self._webhook_settings.get("max_connections") or 40))
        in_flight: set[int] = set()
        tasks: set[asyncio.Task[None]] = set()

        async def deliver(update: dict[str, Any]) -> None:
            update_id = int(update["update_id"])
            try:
                status = await self._post_update(url, update, secret)
                if status == 200:
                    self._queue = [u for u in self._queue if int(u["update_id"]) != update_id]
                else:
                    await asyncio.sleep(self.webhook_retry_interval)
            finally:
                in_flight.discard(update_id)
                slots.release()
                self._notify()

        while not self._closing and self.webhook_url == url:
            ready = [u for u in self._queue if int(u["update_id"]) not in in_flight]
            if not ready:
                await self._wait_for_change(None)
                continue
            for update in ready:
                await slots.acquire()
                in_flight.add(int(update["update_id"]))
                task = asyncio.create_task(deliver(update))
                tasks.add(task)
                task.add_done_callback(tasks.discard)


def screens(work: Workload, folder: Path) -> Path:
    """The peers' screen table, written once per run."""
    return peer_screens.write(peer_screens.telegram(work), folder / "telegram-screens.json")


async def run(
    mode: str,
    bot: str,
    walks: list[tuple[Step, ...]],
    uids: Iterator[int],
    sizes: Sizes,
    table: Path,
    fill: int,
) -> Measured:
    """One bot in one ``mode``: "polling", "webhook" or "limited" (ours only: polling with
    PTB's AIORateLimiter at its default 30 messages/s, as the adapter configures it)."""
    fake = SignallingTelegram()
    async with fake:
        webhook = None
        if mode == "webhook":
            port = unused_tcp_port()
            webhook = {"url": f"http://127.0.0.1:{port}/telegram", "port": port, "secret": SECRET}
        spec = _spec(fake, bot, mode, webhook, sizes, table)
        async with bot_process(MODULES[bot], spec) as child:
            measured = await drive(
                bot,
                child,
                walks,
                uids,
                lambda s, u, o: _walk(fake, s, u, o),
                sizes,
                fill,
                lambda: (sum(fake.counts.values()) - fake.counts["getUpdates"], fake.injected),
            )
    if not measured.load:
        raise RuntimeError(f"{bot} {mode}: no update got a reply")
    if bot == "ours":
        EDIT_IN_PLACE[mode] = fake.edits_into_question > 0
    return measured


def _spec(
    fake: FakeTelegram,
    bot: str,
    mode: str,
    webhook: dict[str, Any] | None,
    sizes: Sizes,
    table: Path,
) -> dict[str, Any]:
    if bot != "ours":
        return {
            "token": fake.token,
            "base_url": fake.base_url,
            "url": fake.url,
            "webhook": webhook,
            "screens": str(table),
            "edit_in_place": EDIT_IN_PLACE.get(mode, False),
        }
    settings: dict[str, Any] = {
        "telegram_token": fake.token,
        "telegram_base_url": fake.base_url,
        "redis_url": None,
        "discord_token": None,
        "telegram_webhook_url": None,
        "http": sizes.ours_http,
    }
    if webhook:
        settings |= {
            "telegram_webhook_url": webhook["url"],
            "telegram_webhook_listen": "127.0.0.1",
            "telegram_webhook_port": webhook["port"],
            "telegram_webhook_secret": webhook["secret"],
        }
    return {
        "platform": "telegram",
        "settings": settings,
        "rate_limit": mode == "limited",
        "loop": sizes.ours_loop,
    }


async def _walk(fake: SignallingTelegram, steps: tuple[Step, ...], uid: int, out: Outcome) -> None:
    """One person: /start, then the scripted presses, each after the previous reply."""
    loop = asyncio.get_running_loop()
    user = fake.make_user(uid, "U", None, steps[0].event.locale)
    shown: dict[str, Any] | None = None
    for step in steps:
        if out.stopped:
            return
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        fake.waiting[uid] = future
        start = time.perf_counter_ns()
        if step.event.kind is EventKind.START or shown is None:
            fake.inject_message("/start", user=user)
        else:
            data, on_script = _button(shown, step)
            out.diverged += not on_script
            fake.press_button(shown, callback_data=data, user=user)
        try:
            shown = await asyncio.wait_for(future, REPLY_TIMEOUT)
        except TimeoutError:
            out.timeouts += 1
            fake.waiting.pop(uid, None)
            return
        out.record(start)


def _button(message: dict[str, Any], step: Step) -> tuple[str, bool]:
    """The callback data of the scripted choice (or the first button if the bot offers other
    buttons than the engine did when the walk was generated)."""
    wanted = encode_callback(step.event.question or "", step.event.value or "")
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    for button in buttons:
        if button.get("callback_data") == wanted:
            return wanted, True
    return str(buttons[0]["callback_data"]), False
