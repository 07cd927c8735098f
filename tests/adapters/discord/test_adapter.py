"""The Discord adapter end to end: real discord.py against the fake Discord (real HTTP and a real
gateway WebSocket on 127.0.0.1, nothing inside discord.py mocked).

Each test is something a person on Discord would notice: the questions and buttons they get and
who else can see them, their language, what an old, forged or doubled press does, that a bot
restart or a slow storage loses nothing, and that a crash ends in an apology, not silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

import bot.adapters.discord.adapter as discord_adapter
from bot.adapters.discord import format as fmt
from bot.adapters.discord.adapter import DiscordAdapter
from bot.app import App, build_engine, open_storage
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.session import Session
from bot.service import Conversations, Turn
from bot.settings import Settings
from tests.core.walk import CALM
from tests.fakes.discord_api import FakeDiscord, FakeMessage, FakeUser

pytestmark = [
    pytest.mark.filterwarnings("ignore:'audioop' is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:discord.player"),
]

TOKEN = "fake-discord-token-for-backcheck"
RED_FLAG_TEXT = "I wet myself and can't feel my groin"
FAST = 0.05  # guild_ready_timeout: discord.py waits this long for guilds before on_ready


# -- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _quiet_voice_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py logs 'PyNaCl/davey is not installed' once per process; irrelevant here."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", False)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", False)


@pytest.fixture(scope="module")
def engine() -> Engine:
    """The real flow and content, compiled once for the module."""
    return build_engine(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN) as server:
        server.patch_discord()  # undone when the fake stops
        yield server


def make_settings(fake: FakeDiscord, tmp_path: Path, **env: Any) -> Settings:
    """Settings for a bot talking to ``fake``, hermetic: no ``.env``, SQLite in ``tmp_path``."""
    values: dict[str, Any] = {
        "DISCORD_TOKEN": fake.token,
        "BACKCHECK_DB": tmp_path / "b.db",
        "REDIS_URL": None,
        "TELEGRAM_TOKEN": None,
        "DISCORD_GUILD_ID": None,
        "DISCORD_SHARDS": None,
        **env,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Bot:
    """A started adapter with its app, for tests that look at storage too."""

    fake: FakeDiscord
    app: App
    adapter: DiscordAdapter

    async def state(self, user: FakeUser) -> str | None:
        session = await self.app.conversations.storage.sessions.load(f"dc:{user.id}")
        return None if session is None else session.state

    def text(self, key: str, locale: str = "en", **values: object) -> str:
        """A text as the bot says it to someone whose region is unknown (``{number}`` lists
        every emergency number), escaped for Discord."""
        session = Session(user="test", locale=locale)
        return fmt.escape(self.app.conversations.engine.render.t(key, session, **values))


@asynccontextmanager
async def running(
    settings: Settings,
    fake: FakeDiscord,
    engine: Engine,
    wrap: type[Conversations] = Conversations,
) -> AsyncIterator[Bot]:
    """Open the app around a ready engine, start the adapter; stop both, whatever happened."""
    app = App(settings, wrap(engine, await open_storage(settings)))
    adapter = DiscordAdapter(settings, app.conversations, guild_ready_timeout=FAST)
    try:
        await adapter.start()
        yield Bot(fake, app, adapter)
    finally:
        await adapter.stop()
        await app.close()


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path, engine: Engine) -> AsyncIterator[Bot]:
    async with running(make_settings(fake, tmp_path), fake, engine) as started:
        yield started


def question_of(message: FakeMessage) -> str:
    """The question a message's buttons belong to, read from their custom_id."""
    return fmt.read_press(message.custom_ids[0], ["?"]).question


class Person:
    """Someone using the bot in the server channel (or, with ``dm=True``, in a DM)."""

    def __init__(self, fake: FakeDiscord, user: FakeUser, *, dm: bool = False) -> None:
        self.fake = fake
        self.user = user
        self.dm = dm

    async def command(self, name: str, options: dict[str, Any] | None = None) -> int:
        return await self.fake.slash_command(name, options, user=self.user, dm=self.dm)

    async def press(self, message: FakeMessage, choice: str) -> int:
        custom_id = fmt.button_id(question_of(message), choice)
        return await self.fake.click_button(message, custom_id=custom_id, user=self.user)

    async def reply(self, iid: int) -> FakeMessage:
        """The bot's next follow-up to interaction ``iid`` (for answers without a question)."""
        event = await self.fake.wait_for("followup", lambda e: e.interaction_id == iid)
        assert event.ok and event.message is not None, event.summary()
        return event.message

    async def replies(self, iid: int) -> list[FakeMessage]:
        """The bot's follow-ups to interaction ``iid``, up to and including the next question."""
        messages = [await self.reply(iid)]
        while not messages[-1].custom_ids:
            messages.append(await self.reply(iid))
        return messages

    async def next_dm(self) -> FakeMessage:
        """The bot's next message in this person's DM channel."""
        channel = self.fake.dm_channel_id(self.user)
        event = await self.fake.wait_for(
            "message_create", lambda e: e.message is not None and e.message.channel_id == channel
        )
        assert event.message is not None
        return event.message

    async def dms(self) -> list[FakeMessage]:
        """The bot's DMs to this person, up to and including the next question."""
        messages = [await self.next_dm()]
        while not messages[-1].custom_ids:
            messages.append(await self.next_dm())
        return messages

    async def walk_calm(self, question: FakeMessage) -> list[FakeMessage]:
        """Press the calm answer (else the first) to every question until an outcome; return
        the replies to the last press."""
        messages = [question]
        for _ in range(40):
            asked = question_of(messages[-1])
            if asked.startswith("out_"):
                return messages
            choice = CALM.get(asked) or fmt.read_press(messages[-1].custom_ids[0]).choice
            iid = await self.press(messages[-1], choice)
            messages = await self.replies(iid)
            pressed = self.fake.message(self.fake.interactions[iid].message_id or 0)
            assert pressed.components == [], "an answered question loses its buttons"
            assert "\n\n" in pressed.content, "and shows the answer under the question"
        raise AssertionError("no outcome after 40 answers")


@pytest.fixture
def alice(fake: FakeDiscord) -> Person:
    return Person(fake, fake.default_user)


# -- the conversation -----------------------------------------------------------------------------


async def test_full_triage_in_a_server_is_private(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    iid = await alice.command("backpain")
    welcome, first = await alice.replies(iid)
    assert welcome.content.startswith(bot.text("ui.welcome")[:40])
    assert question_of(first) == "rf_emergency"
    assert first.labels[0] == bot.text("choices.none_of_these")
    assert all(len(cid) <= 100 and cid.startswith("bc|rf_emergency|") for cid in first.custom_ids)

    ack = fake.interactions[iid]
    assert ack.response_type == 5 and ack.response_delay is not None
    assert ack.response_delay < fake.interaction_deadline

    *outcome, followups = await alice.walk_calm(first)
    assert question_of(followups) == "out_self_care"
    assert outcome[0].content.startswith("**"), "an outcome leads with a bold line"
    first_line = bot.text("outcomes.self_care.action").split("\n")[0]
    assert first_line[:20] in outcome[0].content
    assert all(len(part.content) <= 2000 and not part.components for part in outcome)
    ending = bot.text("ui.not_a_diagnosis")
    assert outcome[-1].content.endswith(ending), "a long outcome arrives whole, in parts"
    assert await bot.state(alice.user) == "out_self_care"

    answered = fake.message(first)
    label = bot.text("choices.none_of_these")
    assert answered.content.endswith(bot.text("ui.your_answer", answer=label))
    mine = fake.bot_messages()
    assert len(mine) > 8 and all(m.ephemeral and m.visible_to(alice.user) for m in mine)
    assert fake.visible_to(fake.bystander, from_bot=True) == [], "nobody else sees anything"
    assert all(i.responded and i.error is None for i in fake.interactions.values())


async def test_start_a_new_check_is_not_marked_as_an_answer(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    _, first = await alice.replies(await alice.command("backpain"))
    followups = (await alice.walk_calm(first))[-1]
    welcome, again = await alice.replies(await alice.press(followups, "restart"))
    assert welcome.content.startswith(bot.text("ui.welcome")[:40])
    assert question_of(again) == "rf_emergency"
    kept = fake.message(followups)
    assert kept.content == followups.content, "a fresh start is no answer: no 'Your answer'"
    assert kept.components == followups.components


async def test_full_triage_in_a_dm_uses_plain_messages(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.default_user, dm=True)
    welcome, first = await person.replies(await person.command("backpain"))
    assert welcome.in_dm and not welcome.ephemeral
    *_, followups = await person.walk_calm(first)
    assert question_of(followups) == "out_self_care"
    mine = fake.bot_messages()
    assert mine and all(m.in_dm and not m.ephemeral for m in mine)
    assert fake.visible_to(fake.bystander, from_bot=True) == []


async def test_russian_from_the_interaction_locale(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.make_user(1_300_000_000_000_002_001, "Masha", locale="ru"))
    welcome, first = await person.replies(await person.command("backpain"))
    assert welcome.content.startswith(bot.text("ui.welcome", "ru")[:40])
    assert first.labels[0] == bot.text("choices.none_of_these", "ru")
    iid = await person.press(first, "none_of_these")
    (second,) = await person.replies(iid)
    label = bot.text("choices.none_of_these", "ru")
    assert fake.message(first).content.endswith(bot.text("ui.your_answer", "ru", answer=label))
    assert second.content == bot.text("questions.rf_urine.text", "ru")


async def test_typed_red_flag_in_a_dm_escalates_at_once(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.default_user, dm=True)
    await fake.send_dm(RED_FLAG_TEXT)
    warning, *asked = await person.dms()
    assert warning.content.startswith("**⚠️"), "a warning leads with a bold line"
    assert "112 or your local emergency number" in warning.content, "no guessed number"
    *_, followups = await person.walk_calm(asked[-1])
    assert question_of(followups).startswith("out_emergency")
    screens = [m.content for m in fake.bot_messages() if m.id != warning.id]
    assert any("112 or your local emergency number" in text for text in screens)
    assert all(m.in_dm and not m.ephemeral for m in fake.bot_messages())

    # The bot's own DMs come back from the gateway; it must not answer itself.
    before = len(fake.bot_messages())
    await fake.send_dm("/help")
    help_text, current = await person.dms()
    assert help_text.content.startswith(bot.text("ui.help")[:30])
    assert question_of(current) == question_of(followups)
    assert len(fake.bot_messages()) == before + 2


async def test_guild_messages_are_never_read(bot: Bot, fake: FakeDiscord) -> None:
    await fake.send_channel_message(f"{fake.bot_user.mention} {RED_FLAG_TEXT}")
    await fake.send_dm("/about")  # a DM afterwards is answered, so the first was ignored
    about = await Person(fake, fake.default_user, dm=True).next_dm()
    assert about.content.startswith(bot.text("ui.about")[:20])
    assert [m for m in fake.bot_messages() if not m.in_dm] == []


async def test_a_press_after_a_restart_continues(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    settings = make_settings(fake, tmp_path)
    async with running(settings, fake, engine) as first_bot:
        _, first = await alice.replies(await alice.command("backpain"))
        client = first_bot.adapter.client
    async with running(settings, fake, engine) as second_bot:
        assert second_bot.adapter.client is not client
        iid = await alice.press(first, "none_of_these")
        (second,) = await alice.replies(iid)
        assert question_of(second) == "rf_urine"
        assert fake.message(first).components == []
        assert await second_bot.state(alice.user) == "rf_urine"
    assert len(fake.identify_payloads) == 2


# -- presses that must not move the conversation --------------------------------------------------


async def refused(person: Person, bot: Bot, iid: int) -> FakeMessage:
    """The follow-ups to a refused press: 'already answered' and the current question."""
    note, current = await person.replies(iid)
    assert note.content == f"**{bot.text('ui.already_answered')}**", note.content
    assert note.ephemeral and current.ephemeral
    return current


async def test_stale_forged_and_foreign_presses_change_nothing(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    _, first = await alice.replies(await alice.command("backpain"))
    (second,) = await alice.replies(await alice.press(first, "none_of_these"))
    assert await bot.state(alice.user) == "rf_urine"

    presses = [
        (first, fmt.button_id("rf_emergency", "none_of_these")),  # an outdated client
        (second, fmt.button_id("rf_urine", "made_up_choice")),  # forged, well-formed
        (second, "totally-foreign-id"),
        (second, "bc|x"),
    ]
    for message, custom_id in presses:
        iid = await fake.click_button(message, force_custom_id=custom_id, user=alice.user)
        current = await refused(alice, bot, iid)
        assert question_of(current) == "rf_urine"
        assert fake.interactions[iid].response_type == 6
        assert fake.interactions[iid].errors == [], "answered once, by one handler"
    assert await bot.state(alice.user) == "rf_urine"
    assert fake.message(second).custom_ids, "a refused press leaves the question alone"

    # Stale with its buttons still there: /back re-asks the first question, then the second
    # question's (still visible) button is pressed.
    (again,) = await alice.replies(await alice.command("back"))
    assert question_of(again) == "rf_emergency"
    current = await refused(alice, bot, await alice.press(second, CALM["rf_urine"]))
    assert question_of(current) == "rf_emergency"
    assert await bot.state(alice.user) == "rf_emergency"
    assert fake.visible_to(fake.bystander, from_bot=True) == []


async def test_a_double_press_answers_once(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    _, first = await alice.replies(await alice.command("backpain"))
    custom_id = fmt.button_id("rf_emergency", "none_of_these")
    one = await fake.click_button(first, custom_id=custom_id, user=alice.user)
    two = await fake.click_button(first, force_custom_id=custom_id, user=alice.user)
    outcomes = [await alice.replies(iid) for iid in (one, two)]
    contents = sorted(len(replies) for replies in outcomes)
    assert contents == [1, 2], "one press advances, the other is told it was answered"
    assert await bot.state(alice.user) == "rf_urine"
    for replies in outcomes:
        assert question_of(replies[-1]) == "rf_urine"


async def test_forget_deletes_the_session(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    _, first = await alice.replies(await alice.command("backpain"))
    await alice.replies(await alice.press(first, "none_of_these"))
    iid = await alice.command("forget")
    done = await fake.wait_for("followup", lambda e: e.interaction_id == iid)
    assert done.message is not None and done.message.ephemeral
    assert done.message.content == bot.text("ui.forgotten").replace("/start", "/backpain")
    assert await bot.app.conversations.storage.sessions.load(f"dc:{alice.user.id}") is None
    welcome, first_again = await alice.replies(await alice.command("backpain"))
    assert welcome.content.startswith(bot.text("ui.welcome")[:40])
    assert question_of(first_again) == "rf_emergency"


async def test_language_and_region_commands(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    await alice.replies(await alice.command("backpain"))
    (choose,) = await alice.replies(await alice.command("language"))
    assert choose.labels == ["English", "Русский"]
    done, current = await alice.replies(await alice.press(choose, "ru"))
    assert done.content == bot.text("ui.language_set", "ru")
    assert current.content == bot.text("questions.rf_emergency.text", "ru")
    done, _ = await alice.replies(await alice.command("region", {"region": "uk"}))
    assert "999" in done.content


class ManyChoices(Conversations):
    """A question with more answers than buttons fit (the flow has none yet); records picks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.picked: list[Event] = []

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        if event.kind is EventKind.CHOICE:
            self.picked.append(event)
            receipt = f"Your answer: {label}"  # the service words it; the adapter shows it
            return Turn(
                replies=[Reply(ReplyKind.INFO, "t", "Noted.")], recorded=True, receipt=receipt
            )
        choices = tuple(Choice(f"c{i}", f"Answer {i}") for i in range(30))
        question = Reply(ReplyKind.QUESTION, "q", "Which one?", choices, question="many")
        return Turn(replies=[question], question="many")


async def test_too_many_answers_for_buttons_become_menus(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    async with running(make_settings(fake, tmp_path), fake, engine, ManyChoices) as started:
        (question,) = await alice.replies(await alice.command("backpain"))
        assert question.buttons == [] and len(question.selects) == 2
        assert question.custom_ids == ["bs|many|0", "bs|many|1"]
        iid = await fake.choose(question, ["c27"], custom_id="bs|many|1", user=alice.user)
        noted = await alice.reply(iid)
        assert noted.content == "Noted." and noted.ephemeral
        assert isinstance(started.app.conversations, ManyChoices)
        assert started.app.conversations.picked == [Event(EventKind.CHOICE, "c27", "many", "en")]
        answered = fake.message(question)
        assert answered.content == "Which one?\n\nYour answer: Answer 27"
        assert answered.components == []


async def test_a_reminder_arrives_as_a_dm_with_working_buttons(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    catalog = bot.app.conversations.engine.catalog
    session = bot.app.conversations.engine.new_session(f"dc:{alice.user.id}")
    session.state, session.locale = "rf_urine", "en"
    question = bot.app.conversations.engine.render.question(session)
    await bot.app.conversations.storage.sessions.save(session)
    note = Reply(ReplyKind.INFO, "k", "How is your back today?")
    assert await bot.adapter.deliver(f"dc:{alice.user.id}", [note, question])
    dm = Person(fake, alice.user, dm=True)
    reminder, asked = await dm.dms()
    assert reminder.content == "How is your back today?" and reminder.in_dm
    (next_question,) = await dm.replies(await dm.press(asked, CALM["rf_urine"]))
    assert next_question.in_dm and question_of(next_question) == "rf_hospital"
    assert catalog.text("ui.your_answer", "en", answer=asked.labels[0])[:12] in (
        fake.message(asked).content
    )

    assert not await bot.adapter.deliver("tg:42", [note]), "not a Discord user"
    fake.dm_closed.add(alice.user.id)
    assert not await bot.adapter.deliver(f"dc:{alice.user.id}", [note]), "DMs turned off"


# -- Discord's rules and failures -----------------------------------------------------------------


class SlowConversations(Conversations):
    """A storage that answers later than Discord's acknowledgement deadline."""

    delay = 0.35

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        await asyncio.sleep(self.delay)
        return await super().handle(user, event, event_id=event_id, label=label)


class BrokenConversations(Conversations):
    """A service with a bug in it; the exception text must never reach a log."""

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        raise RuntimeError(f"secret health detail of {user}")


async def test_slow_storage_is_acknowledged_in_time(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    fake.interaction_deadline = 0.2
    async with running(make_settings(fake, tmp_path), fake, engine, SlowConversations):
        iid = await alice.command("backpain")
        welcome, first = await alice.replies(iid)
        ack = fake.interactions[iid]
        assert ack.response_type == 5 and ack.response_delay is not None
        assert ack.response_delay < 0.2 < SlowConversations.delay
        assert welcome.id == ack.original_message_id, "the 'thinking…' message is filled"
        press = await alice.press(first, "none_of_these")
        (second,) = await alice.replies(press)
        assert fake.interactions[press].response_type == 6
        assert question_of(second) == "rf_urine"
        assert all(i.error is None for i in fake.interactions.values())


async def test_a_late_acknowledgement_is_logged_once_and_dropped(
    bot: Bot, fake: FakeDiscord, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    fake.interaction_deadline = -1.0  # every acknowledgement arrives "too late"
    with caplog.at_level(logging.WARNING, logger="backcheck.discord"):
        iid = await alice.command("backpain")
        failed = await fake.wait_for("interaction_response", lambda e: e.interaction_id == iid)
        fake.interaction_deadline = 3.0
        await alice.reply(await alice.command("help"))  # the bot is still fine
    assert failed.error is not None and failed.error["code"] == 10062
    lines = [r.getMessage() for r in caplog.records if r.name == "backcheck.discord"]
    assert len(lines) == 1 and "10062" in lines[0] and TOKEN not in lines[0]
    assert await bot.state(alice.user) is None, "an unacknowledged event is not applied"
    assert fake.interactions[iid].followups == []


async def test_a_storage_outage_says_try_again(
    bot: Bot, fake: FakeDiscord, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, first = await alice.replies(await alice.command("backpain"))

    async def down(event_id: str) -> bool:
        raise StorageUnavailable("the storage is down")

    monkeypatch.setattr(bot.app.conversations.storage.events, "seen", down)
    sorry = await alice.reply(await alice.press(first, "none_of_these"))
    assert sorry.content == f"**{bot.text('ui.unavailable')}**" and sorry.ephemeral
    assert fake.message(first).custom_ids, "the unanswered question keeps its buttons"
    sorry = await alice.reply(await alice.command("back"))
    assert sorry.content == f"**{bot.text('ui.unavailable')}**"


async def test_a_crash_gives_an_ephemeral_apology(
    fake: FakeDiscord,
    tmp_path: Path,
    engine: Engine,
    alice: Person,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        async with running(make_settings(fake, tmp_path), fake, engine, BrokenConversations):
            iid = await alice.command("backpain")
            event = await fake.wait_for("followup", lambda e: e.interaction_id == iid)
    assert event.message is not None and event.message.ephemeral
    assert event.message.content.startswith(engine.catalog.text("ui.error", "en")[:30])
    assert fake.visible_to(fake.bystander, from_bot=True) == []
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].name == "backcheck.discord"
    logged = errors[0].getMessage()
    assert "RuntimeError" in logged and "secret" not in logged and str(alice.user.id) not in logged
    assert errors[0].exc_info is None, "a traceback could carry the person's data"


async def test_discord_py_errors_are_one_line_without_data(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError("secret health detail")
        except ValueError:
            await bot.adapter.client.on_error("on_message", "the message itself")
    (record,) = caplog.records
    assert record.getMessage().startswith("discord: ValueError in on_message at ")
    assert "secret" not in record.getMessage() and "the message" not in record.getMessage()
    assert record.exc_info is None


async def test_a_wrong_token_fails_the_start(
    fake: FakeDiscord, tmp_path: Path, engine: Engine
) -> None:
    settings = make_settings(fake, tmp_path, DISCORD_TOKEN="not-the-token")
    adapter = DiscordAdapter(settings, Conversations(engine, await open_storage(settings)))
    with pytest.raises(discord.LoginFailure):
        await adapter.start()
    assert adapter.client.is_closed()
    await adapter.conversations.storage.close()


async def test_commands_are_synced_with_russian_descriptions(bot: Bot, fake: FakeDiscord) -> None:
    names = {c["name"] for c in fake.global_commands}
    assert names == {
        *("backpain", "back", "restart", "language", "region"),
        *("about", "summary", "stop", "forget", "help"),
    }
    backpain = fake.find_command("backpain")
    assert backpain is not None
    catalog = bot.app.conversations.engine.catalog
    assert backpain["description"] == catalog.text("commands.backpain", "en")
    assert backpain["description_localizations"] == {"ru": catalog.text("commands.backpain", "ru")}
    region = fake.find_command("region")
    assert region is not None
    (option,) = region["options"]
    assert option["required"] is False
    assert option["description_localizations"]["ru"] == catalog.text("discord.option_region", "ru")
    uk = next(c for c in option["choices"] if c["value"] == "uk")
    assert uk["name_localizations"] == {"ru": catalog.text("regions.uk", "ru")}
    assert backpain["contexts"] == [0, 1], "servers and the bot's DM, never group DMs"


async def test_commands_go_to_one_guild_when_configured(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    settings = make_settings(fake, tmp_path, DISCORD_GUILD_ID=fake.guild_id)
    async with running(settings, fake, engine):
        assert fake.global_commands == []
        assert len(fake.guild_commands[fake.guild_id]) == 10
        welcome, _ = await alice.replies(await alice.command("backpain"))
        assert welcome.ephemeral


async def test_sharded_client(fake: FakeDiscord, tmp_path: Path, engine: Engine) -> None:
    settings = make_settings(fake, tmp_path, DISCORD_SHARDS=1)
    async with running(settings, fake, engine) as started:
        assert isinstance(started.adapter.client, discord.AutoShardedClient)
        assert fake.identify_payloads[0]["shard"] == [0, 1]
        person = Person(fake, fake.default_user)
        _, first = await person.replies(await person.command("backpain"))
        assert question_of(first) == "rf_emergency"


async def test_a_process_runs_only_its_shard_ids(
    fake: FakeDiscord, tmp_path: Path, engine: Engine
) -> None:
    """Two processes split one bot: this one identifies only as shard 1 of 2."""
    settings = make_settings(fake, tmp_path, DISCORD_SHARDS=2, DISCORD_SHARD_IDS="1")
    async with running(settings, fake, engine) as started:
        assert isinstance(started.adapter.client, discord.AutoShardedClient)
        assert [p["shard"] for p in fake.identify_payloads] == [[1, 2]]


# -- the runner -----------------------------------------------------------------------------------


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """``run()`` configures root logging for a process; put the test's logging back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("_restore_logging")
async def test_runner_serves_discord(
    fake: FakeDiscord, tmp_path: Path, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runner import run

    monkeypatch.setattr(discord_adapter, "GUILD_READY_TIMEOUT", FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(run(make_settings(fake, tmp_path), stop))
    await fake.wait_for("commands_sync")
    welcome, _ = await alice.replies(await alice.command("backpain"))
    assert welcome.ephemeral
    stop.set()
    assert await asyncio.wait_for(task, 10) == 0


@pytest.mark.usefixtures("_restore_logging")
async def test_telegram_and_discord_in_one_process(
    fake: FakeDiscord, tmp_path: Path, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runner import run
    from tests.fakes.telegram_api import FakeTelegram

    monkeypatch.setattr(discord_adapter, "GUILD_READY_TIMEOUT", FAST)
    async with FakeTelegram() as tg:
        settings = make_settings(
            fake, tmp_path, TELEGRAM_TOKEN=tg.token, TELEGRAM_BASE_URL=tg.base_url
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run(settings, stop))
        await fake.wait_for("commands_sync")
        welcome, _ = await alice.replies(await alice.command("backpain"))
        user = tg.make_user(1001, "Alice", "alice", "en")
        tg.inject_message("/start", user=user)
        sent = await tg.wait_for_call("sendMessage", lambda c: c.params.get("chat_id") == 1001)
        assert sent.ok
        assert welcome.content[:30] == str(sent.result["text"])[:30]
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0
