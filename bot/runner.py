"""``backcheck run``: start every configured adapter, deliver reminders, stop gracefully.

SIGTERM and SIGINT stop the adapters first (no new events), let events in flight finish, then
close the storage, so a restart continues every conversation where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Mapping
from typing import Protocol

from bot.app import App, settle
from bot.core.errors import BackcheckError
from bot.core.messages import Reply
from bot.settings import Settings, mask

log = logging.getLogger("backcheck")


class Adapter(Protocol):
    """A platform connection that can be started and stopped."""

    name: str
    user_prefix: str  # "tg:" or "dc:": which user keys this adapter can message

    async def start(self) -> None: ...

    async def deliver(self, user: str, replies: list[Reply]) -> bool:
        """Send replies to ``user`` outside an incoming event (reminders)."""
        ...

    async def stop(self) -> None: ...


class Delivery:
    """Send a reminder's replies through the adapter that owns the user key's platform."""

    def __init__(self, adapters: list[Adapter]) -> None:
        self.by_prefix = {a.user_prefix: a for a in adapters}

    def commands(self, user: str) -> Mapping[str, str] | None:
        """How the user's platform names the commands a reminder's text mentions; adapters
        that call them ``/start`` and so on need not say (``commands`` absent or None)."""
        adapter = self.by_prefix.get(user.split(":", 1)[0] + ":")
        names: Mapping[str, str] | None = getattr(adapter, "commands", None)
        return names

    async def __call__(self, user: str, replies: list[Reply]) -> bool:
        adapter = self.by_prefix.get(user.split(":", 1)[0] + ":")
        if adapter is None:
            return False  # e.g. a console user: nobody to message
        return await adapter.deliver(user, replies)


class TokenRejected(BackcheckError):
    """The platform refused the token at start-up: one line for the operator, no traceback."""


def _rejected_token(error: BaseException) -> str | None:
    """The operator's line when ``error`` is a platform refusing our token, else None.

    Looked up in the loaded modules so that neither library is imported for this check; the
    libraries' own messages (and tracebacks) quote the token, so they are never shown.
    """
    telegram = sys.modules.get("telegram.error")
    if telegram is not None and isinstance(error, telegram.InvalidToken):
        return "Telegram rejected the token: check TELEGRAM_TOKEN"
    discord = sys.modules.get("discord.errors")
    if discord is not None and isinstance(error, discord.LoginFailure):
        return "Discord rejected the token: check DISCORD_TOKEN"
    return None


async def start_adapter(adapter: Adapter) -> None:
    """``adapter.start()``, with a rejected token turned into :class:`TokenRejected`."""
    try:
        await adapter.start()
    except Exception as exc:
        line = _rejected_token(exc)
        if line is None:
            raise
        raise TokenRejected(line) from None


def adapters_for(app: App) -> list[Adapter]:
    """One adapter per configured token."""
    found: list[Adapter] = []
    if app.settings.telegram_token is not None:
        from bot.adapters.telegram.adapter import TelegramAdapter

        found.append(TelegramAdapter(app.settings, app.conversations))
    if app.settings.discord_token is not None:
        from bot.adapters.discord.adapter import DiscordAdapter

        found.append(DiscordAdapter(app.settings, app.conversations))
    return found


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows): the same code, about 1.5x
    the updates per second under load (measured in benchmarks/); None means asyncio's own."""
    if sys.platform == "win32":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def serve(settings: Settings) -> int:
    """``backcheck run``: :func:`run` on the fastest event loop available."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(run(settings, serving=settle))


async def run(
    settings: Settings,
    stop: asyncio.Event | None = None,
    serving: Callable[[], None] | None = None,
) -> int:
    """Serve until ``stop`` is set or a termination signal arrives.

    ``serving`` is called once every adapter has started: :func:`serve` settles the process
    there (:func:`bot.app.settle`), which tests running this in their own process skip.
    """
    from bot.logs import setup_logging

    setup_logging(settings)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    app = await App.open(settings)
    adapters = adapters_for(app)
    tasks: list[asyncio.Task[None]] = []  # the retention purge runs inside App
    if settings.metrics_port is not None:
        from bot.metrics import serve_metrics

        tasks.append(asyncio.create_task(serve_metrics(app, stop)))
    try:
        for adapter in adapters:
            await start_adapter(adapter)
            log.info("%s adapter started", adapter.name)
        if settings.followups:  # only once the adapters can deliver
            from bot.scheduler import Scheduler

            deliver = Delivery(adapters)
            tasks.append(
                asyncio.create_task(
                    Scheduler(app.conversations, deliver, commands=deliver.commands).run(stop)
                )
            )
        log.info(
            "serving %s (telegram token %s, discord token %s)",
            ", ".join(a.name for a in adapters),
            mask(settings.telegram_token),
            mask(settings.discord_token),
        )
        if serving is not None:
            serving()
        await stop.wait()
    finally:
        log.info("stopping: finishing events in flight")
        for adapter in reversed(adapters):
            with contextlib.suppress(Exception):
                await adapter.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await app.close()
    return 0
