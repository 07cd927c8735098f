"""Row 4, Discord: FakeDiscord (REST + gateway) and the users here, the DiscordAdapter in a child.

Each user runs ``/start`` in the server channel (replies are ephemeral, as the adapter sends
them there), then presses its scripted buttons. A reply is complete when the bot's follow-up
with buttons for that user's interaction reaches the fake. The fake keeps enforcing Discord's
rules, including the three-second acknowledgement deadline: a late acknowledgement fails the
interaction, so the user never gets its reply and the row reports it.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.e2e import REPLY_TIMEOUT, Outcome, bot_process, drive, row
from benchmarks.stats import Row
from benchmarks.workload import Step, Workload
from bot.adapters.discord.format import COMMANDS, button_id, read_press
from bot.core.messages import EventKind
from tests.fakes.discord_api import FakeDiscord, FakeMessage

TOKEN = "benchmark-discord-token"
LOCALES = {"en": "en-US", "ru": "ru"}
START = next(name for name, kind in COMMANDS.items() if kind is EventKind.START)


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


async def run(key: str, label: str, work: Workload, window: float) -> Row:
    """The Discord row."""
    fake = SignallingDiscord()
    async with fake:
        spec = {
            "platform": "discord",
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
            "settings": {
                "discord_token": TOKEN,
                "telegram_token": None,
                "redis_url": None,
                "discord_guild_id": None,
                "discord_shards": None,
            },
        }
        async with bot_process(spec) as child:
            walks = [work.per_user[u] for u in work.users]
            result = await drive(child, walks, lambda s, out: _walk(fake, s, out), window)
        late = sum(1 for i in fake.interactions.values() if (i.error or {}).get("code") == 10062)
    if not result.outcome.samples:
        raise RuntimeError(f"{label}: no interaction got a reply")
    built = row(key, label, result)
    built.notes.append(f"{late:,} interactions failed Discord's 3 s acknowledgement deadline")
    return built


async def _walk(fake: SignallingDiscord, steps: tuple[Step, ...], out: Outcome) -> None:
    """One person: the start command in the server channel, then the scripted presses."""
    loop = asyncio.get_running_loop()
    first = steps[0]
    user = fake.make_user(first.uid, f"user{first.uid}", locale=_locale(first))
    shown: FakeMessage | None = None
    for step in steps:
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
            return
        out.samples.append(time.perf_counter_ns() - start)


def _button(message: FakeMessage, step: Step) -> tuple[str, bool]:
    wanted = button_id(step.event.question or "", step.event.value or "")
    if wanted in message.custom_ids:
        return wanted, True
    for custom_id in message.custom_ids:  # the bot offered other buttons than the script
        if read_press(custom_id).question != "?":
            return custom_id, False
    return message.custom_ids[0], False


def _locale(step: Step) -> str:
    return LOCALES.get(step.event.locale or "en", "en-US")
