"""The bot side of the end-to-end rows: the real adapter, alone in its own process.

Run by :mod:`benchmarks.e2e` as ``python -m benchmarks.e2e_bot <json spec>``. It opens the app
exactly like ``backcheck run`` (``App.open``, SQLite in a temp dir, uvloop when the spec says
so, as ``backcheck run`` does where uvloop is installed), starts one adapter, settles the
process as ``backcheck run`` does once it serves (``bot.app.settle``), and then speaks
the protocol of :mod:`benchmarks.peers.child`. Keeping the bot in its own process means the
fake platform and the simulated users never share its CPU, so "CPU per update" is the bot's
alone.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from benchmarks.peers.child import answer_stdin, run


async def serve(spec: dict[str, Any]) -> None:
    from bot.app import App, settle
    from bot.settings import Settings

    settings = Settings(_env_file=None, **spec["settings"])  # type: ignore[call-arg]
    app = await App.open(settings)
    adapter = _adapter(spec, settings, app)
    await adapter.start()
    settle()

    async def stop() -> None:
        await adapter.stop()
        await app.close()

    await answer_stdin(stop, on_stats=_snapshot)


def _adapter(spec: dict[str, Any], settings: Any, app: Any) -> Any:
    if spec["platform"] == "telegram":
        import bot.adapters.telegram.adapter as telegram

        if not spec.get("rate_limit", True):
            _lift_rate_limit(telegram)
        return telegram.TelegramAdapter(settings, app.conversations)
    import discord.gateway
    import discord.http
    import yarl

    from bot.adapters.discord.adapter import DiscordAdapter

    discord.http.Route.BASE = spec["api_base"]  # what FakeDiscord.patch_discord does
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(spec["gateway_url"])
    return DiscordAdapter(settings, app.conversations, guild_ready_timeout=0.05)


def _lift_rate_limit(telegram: Any) -> None:
    """Keep PTB's AIORateLimiter (and its retries) but without the 30 messages/s ceiling."""
    limiter = telegram.AIORateLimiter

    def unlimited(**kwargs: Any) -> Any:
        return limiter(overall_max_rate=0, group_max_rate=0, **kwargs)

    telegram.AIORateLimiter = unlimited


PROFILE = os.environ.get("BACKCHECK_BENCH_PROFILE")
_profiler: Any = None


def _snapshot() -> None:
    """With ``BACKCHECK_BENCH_PROFILE=<file>``: profile from one ``stats`` line to the next
    (the measured window) and write the stats there; the bot may be killed right after."""
    global _profiler
    if not PROFILE:
        return
    import cProfile

    if _profiler is None:
        _profiler = cProfile.Profile()
        _profiler.enable()
    else:
        _profiler.dump_stats(PROFILE)


def main() -> None:
    spec = json.loads(sys.argv[1])
    run(serve(spec), spec.get("loop", "asyncio"))


if __name__ == "__main__":
    main()
