"""Row 4, Discord: FakeDiscord (REST + gateway) and the users here, each bot in a child.

Each user runs the start command in the server channel (replies are ephemeral, as the adapter
sends them there), then presses its scripted buttons. A reply is complete when the bot's
follow-up with buttons for that user's interaction reaches the fake. The fake keeps enforcing
Discord's rules, including the three-second acknowledgement deadline: a late acknowledgement
fails the interaction, so the user never gets its reply and the row reports it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.e2e import REPLY_TIMEOUT, Measured, Outcome, Sizes, bot_process, drive
from benchmarks.peers import screens as peer_screens
from benchmarks.workload import Step, Workload
from bot.adapters.discord.format import COMMANDS, button_id, read_press
from bot.core.messages import EventKind
from tests.fakes.discord_api import FakeDiscord, FakeMessage

TOKEN = "benchmark-discord-token"
LOCALES = {"en": "en-US", "ru": "ru"}
START = next(name for name, kind in COMMANDS.items() if kind is EventKind.START)
MODULES = {"ours": "benchmarks.e2e_bot", "plain": "benchmarks.peers.discord_bot"}


class SignallingDiscord(FakeDiscord):
    """FakeDiscord that resolves a user's future when a message with buttons arrives: a response
    (the pressed question edited into the next one), a follow-up or an edit of the original."""

    def __init__(self) -> None:
        super().__init__(token=TOKEN)
        self.waiting: dict[int, asyncio.Future[FakeMessage]] = {}

    def _record(self, kind: Any, data: Any = None, **kw: Any) -> Any:
        message, iid = kw.get("message"), kw.get("interaction_id")
        answered = kind in ("followup", "message_update") or (
            kind == "interaction_response" and isinstance(data, dict) and data.get("type") in (4, 7)
        )
        if answered and kw.get("error") is None and message is not None:
            if message.custom_ids and iid in self.interactions:
                future = self.waiting.pop(self.interactions[iid].user.id, None)
                if future is not None and not future.done():
                    future.set_result(message)
            return None  # no deep-copied event log: nothing here waits on it
        return super()._record(kind, data, **kw)


def screens(work: Workload, folder: Path) -> Path:
    return peer_screens.write(peer_screens.discord(work), folder / "discord-screens.json")


async def run(
    mode: str,
    bot: str,
    walks: list[tuple[Step, ...]],
    uids: Iterator[int],
    sizes: Sizes,
    table: Path,
    fill: int,
) -> Measured:
    """Ours or the plain discord.py bot, driven like the Telegram rows."""
    fake = SignallingDiscord()
    async with fake:
        spec: dict[str, Any] = {
            "platform": "discord",
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            "loop": sizes.ours_loop if bot == "ours" else "asyncio",
        }
        if bot == "ours":
            spec["settings"] = {
                "discord_token": TOKEN,
                "telegram_token": None,
                "redis_url": None,
                "discord_guild_id": None,
                "discord_shards": None,
            }
        else:
            spec |= {"token": TOKEN, "screens": str(table), "command": START}
        async with bot_process(MODULES[bot], spec) as child:
            measured = await drive(
                bot, child, walks, uids, lambda s, u, o: _walk(fake, s, u, o), sizes, fill
            )
        late = sum(1 for i in fake.interactions.values() if (i.error or {}).get("code") == 10062)
    if not measured.load:
        raise RuntimeError(f"{bot}: no interaction got a reply")
    measured.late = late
    return measured


async def _walk(fake: SignallingDiscord, steps: tuple[Step, ...], uid: int, out: Outcome) -> None:
    """One person: the start command in the server channel, then the scripted presses."""
    loop = asyncio.get_running_loop()
    locale = LOCALES.get(steps[0].event.locale or "en", "en-US")
    user = fake.make_user(uid, f"user{uid}", locale=locale)
    shown: FakeMessage | None = None
    for step in steps:
        if out.stopped:
            return
        future: asyncio.Future[FakeMessage] = loop.create_future()
        fake.waiting[user.id] = future
        start = time.perf_counter_ns()
        if step.event.kind is EventKind.START or shown is None:
            await fake.slash_command(START, user=user)
        else:
            custom_id, on_script = _button(shown, step)
            out.diverged += not on_script
            await fake.click_button(shown.id, custom_id=custom_id, user=user)
        try:
            shown = await asyncio.wait_for(future, REPLY_TIMEOUT)
        except TimeoutError:
            out.timeouts += 1
            fake.waiting.pop(user.id, None)
            return
        out.record(start)


def _button(message: FakeMessage, step: Step) -> tuple[str, bool]:
    wanted = button_id(step.event.question or "", step.event.value or "")
    if wanted in message.custom_ids:
        return wanted, True
    for custom_id in message.custom_ids:  # the bot offered other buttons than the script
        if read_press(custom_id).question != "?":
            return custom_id, False
    return message.custom_ids[0], False
