"""The Telegram adapter against the fake Bot API: a running bot and a person who taps buttons.

Everything here goes through real HTTP: python-telegram-bot polls the fake, and the helpers
read what the bot sent the way a person would see it (texts, keyboards, edits).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram.adapter import TelegramAdapter
from bot.app import App, open_storage
from bot.core.engine import Engine
from bot.service import Conversations
from bot.settings import Settings
from tests.core.walk import CALM, COUNTRY
from tests.fakes.telegram_api import Call, FakeTelegram, FakeUser


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


def make_settings(fake: FakeTelegram, tmp_path: Path, **env: Any) -> Settings:
    """Settings for a bot talking to ``fake``, hermetic: no ``.env``, SQLite in ``tmp_path``."""
    values: dict[str, Any] = {
        "TELEGRAM_TOKEN": fake.token,
        "TELEGRAM_BASE_URL": fake.base_url,
        "BACKCHECK_DB": tmp_path / "b.db",
        "REDIS_URL": None,
        "DISCORD_TOKEN": None,
        "TELEGRAM_WEBHOOK_URL": None,
        **env,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Bot:
    """A started adapter with its app, for tests that look at storage too."""

    fake: FakeTelegram
    app: App
    adapter: TelegramAdapter


@asynccontextmanager
async def running(
    settings: Settings, fake: FakeTelegram, engine: Engine | None = None
) -> AsyncIterator[Bot]:
    """Open the app (``App.open``, or around a ready ``engine``), start the adapter; stop both
    in reverse order, whatever happened."""
    if engine is None:
        app = await App.open(settings)
    else:
        app = App(settings, Conversations(engine, await open_storage(settings)))
    adapter = TelegramAdapter(settings, app.conversations)
    try:
        await adapter.start()
        yield Bot(fake, app, adapter)
    finally:
        await adapter.stop()
        await app.close()


@pytest.fixture
async def bot(tg: FakeTelegram, tmp_path: Path, app_engine: Engine) -> AsyncIterator[Bot]:
    async with running(make_settings(tg, tmp_path), tg, app_engine) as started:
        yield started


class Person:
    """Someone chatting with the bot in private: types, taps, and reads what comes back."""

    def __init__(self, fake: FakeTelegram, user: FakeUser) -> None:
        self.fake = fake
        self.user = user
        #: The "📍 Share location" keyboard messages that came with "Where are you now?".
        self.location_offers: list[Call] = []

    def say(self, text: str) -> dict[str, Any]:
        return self.fake.inject_message(text, user=self.user)

    async def replies(self, timeout: float = 5.0) -> list[Call]:
        """The bot's next messages in this chat, up to and including the next question."""
        calls: list[Call] = []
        while not calls or not callback_buttons(calls[-1]):
            calls.append(await self.next_message(timeout))
        await self._location_offer(calls[-1], timeout)
        return calls

    async def _location_offer(self, question: Call, timeout: float = 5.0) -> None:
        """ "Where are you now?" is followed by a message carrying the share-location
        keyboard: claim it here, so that the next :meth:`replies` starts after it."""
        if question_id(question) == COUNTRY:
            offer = await self.next_message(timeout)
            assert "keyboard" in offer.params["reply_markup"], "a share-location keyboard"
            self.location_offers.append(offer)

    async def next_message(self, timeout: float = 5.0) -> Call:
        return await self.fake.wait_for_call(
            "sendMessage",
            lambda c: c.ok and c.params.get("chat_id") == self.user.id,
            timeout=timeout,
        )

    def tap(self, question: Call, choice: str) -> dict[str, Any]:
        """Press the button for ``choice`` on the keyboard the bot sent."""
        data = next(d for d in callback_buttons(question) if d.rpartition("|")[2] == choice)
        return self.fake.press_button(question, callback_data=data, user=self.user)

    async def answered(self) -> tuple[Call, Call]:
        """The press's answerCallbackQuery and the edit of the pressed message (into the next
        question, or closing it with its answer)."""
        ack = await self.fake.wait_for_call("answerCallbackQuery")
        edit = await self.fake.wait_for_call("editMessageText")
        return ack, edit

    async def next_screen(self) -> list[Call]:
        """After an accepted press: the edit that became the next question, or (the pressed
        question closed) the new messages up to the next question."""
        ack, edit = await self.answered()
        assert ack.params.get("text") is None, "an accepted press needs no toast"
        if callback_buttons(edit):
            await self._location_offer(edit)
            return [edit]
        assert "reply_markup" not in edit.result, "the answered keyboard must go"
        return await self.replies()

    async def first_answer(
        self, first: Call, choice: str = "none_of_these", country: str = "skip"
    ) -> Call:
        """Answer the first screen with ``choice``, then "Where are you now?" (asked once,
        of a first-time person, right after it) with ``country``: the next question."""
        self.tap(first, choice)
        (asked,) = await self.next_screen()
        assert question_id(asked) == COUNTRY, "the country question follows the first screen"
        self.tap(asked, country)
        (after,) = await self.next_screen()
        return after

    async def walk_calm(self, question: Call) -> list[Call]:
        """Tap the calm answer to every question until an outcome; return the last messages."""
        messages = [question]
        for _ in range(40):
            asked = question_id(messages[-1])
            if asked.startswith("out_"):
                return messages
            self.tap(messages[-1], CALM[asked])
            messages = await self.next_screen()
        raise AssertionError("no outcome after 40 answers")


def callback_buttons(call: Call) -> list[str]:
    """The callback_data of every button on a sent message (empty for no keyboard)."""
    markup = call.params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return [str(b["callback_data"]) for row in rows for b in row if "callback_data" in b]


def question_id(call: Call) -> str:
    """The question a keyboard belongs to, read from its buttons' payload."""
    return callback_buttons(call)[0].rpartition("|")[0]


def plain(call: Call) -> str:
    """What the person sees: the message text (a photo's caption) after Telegram parsed the
    HTML."""
    return str(call.result.get("text", call.result.get("caption", "")))
