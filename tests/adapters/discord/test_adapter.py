"""The Discord adapter end to end: real discord.py against the fake Discord (real HTTP and a real
gateway WebSocket on 127.0.0.1, nothing inside discord.py mocked).

Each test is something a person on Discord would notice: the questions and buttons they get and
who else can see them, their language, what an old, forged or doubled press does, that a bot
restart or a slow storage loses nothing, and that a crash ends in an apology, not silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import discord
import pytest

import bot.adapters.discord.adapter as discord_adapter
from bot.adapters.discord import format as fmt
from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.admission import Admission
from bot.app import App, open_storage
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.session import Session
from bot.service import Conversations, Turn
from bot.settings import Settings
from tests.core.walk import CALM, COUNTRY
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


@pytest.fixture
def engine(app_engine: Engine) -> Engine:
    """The real flow and content, compiled once for the session (``app_engine``)."""
    return app_engine


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
    **options: Any,
) -> AsyncIterator[Bot]:
    """Open the app around a ready engine, start the adapter; stop both, whatever happened."""
    app = App(settings, wrap(engine, await open_storage(settings)))
    adapter = DiscordAdapter(settings, app.conversations, guild_ready_timeout=FAST, **options)
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


def produced(fake: FakeDiscord, iid: int) -> list[FakeMessage]:
    """The messages interaction ``iid`` created or edited, in order, as they are now: the
    response's message (type 4 or 5 once filled; the pressed one for type 7 or an edit of the
    original), then follow-ups. A deferred press (type 6) on its own produces nothing."""
    order: list[int] = []
    for event in fake.events:
        if event.interaction_id != iid or not event.ok or event.message is None:
            continue
        if event.kind == "interaction_response" and event.data.get("type") not in (4, 5, 7):
            continue
        if event.kind not in ("interaction_response", "followup", "message_update"):
            continue
        if event.message.id not in order:
            order.append(event.message.id)
    current = [fake.message(mid) for mid in order]
    return [m for m in current if not m.loading and not m.deleted]


def calls(fake: FakeDiscord, iid: int) -> list[str]:
    """The REST calls the bot made with interaction ``iid``'s token (callback, webhook)."""
    token = fake.interactions[iid].token
    return [
        f"{r.method} {r.path.split(token)[-1] or '/'}" for r in fake.requests if token in r.path
    ]


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
        """The first message interaction ``iid`` produced (for answers without a question)."""
        return (await self.messages(iid, until=lambda found: bool(found)))[0]

    async def replies(self, iid: int) -> list[FakeMessage]:
        """What interaction ``iid`` produced, up to and including the next question: its
        response (a new message, or the pressed question edited), then its follow-ups."""
        return await self.messages(iid, until=lambda found: bool(found and found[-1].custom_ids))

    async def messages(
        self, iid: int, until: Callable[[list[FakeMessage]], bool], timeout: float = 15.0
    ) -> list[FakeMessage]:
        """Wait for what ``iid`` produced; the timeout only bounds a hang (a burst of 150 on a
        machine whose cores run other tests too can take seconds): Discord's 3 s rule is
        checked on the fake's own ``response_delay``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = produced(self.fake, iid)
            if until(found):
                return found
            if loop.time() > deadline:
                raise AssertionError(f"interaction {iid} produced only {found}")
            await asyncio.sleep(0.005)

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

    async def first_answer(
        self, first: FakeMessage, choice: str = "none_of_these", country: str = "skip"
    ) -> FakeMessage:
        """Answer the first screen with ``choice``, then "Where are you now?" (asked once,
        of a first-time person, right after it) with ``country``: the next question, which
        the pressed message became."""
        (asked,) = await self.replies(await self.press(first, choice))
        assert question_of(asked) == COUNTRY and asked.id == first.id
        (after,) = await self.replies(await self.press(asked, country))
        return after

    async def walk_calm(self, question: FakeMessage) -> list[FakeMessage]:
        """Press the calm answer (else the first) to every question until an outcome; return
        the replies to the last press. Each answer edits the pressed question into the next one
        with one REST call; the outcome arrives as new messages under the answered question."""
        messages = [question]
        for _ in range(40):
            asked = question_of(messages[-1])
            if asked.startswith("out_"):
                return messages
            choice = CALM.get(asked) or fmt.read_press(messages[-1].custom_ids[0]).choice
            pressed = messages[-1]
            iid = await self.press(pressed, choice)
            messages = await self.replies(iid)
            interaction = self.fake.interactions[iid]
            assert interaction.response_type == 7, "the pressed message is the response"
            if messages[0].id == pressed.id and len(messages) == 1:
                assert calls(self.fake, iid) == ["POST /callback"], "one call per press"
                assert messages[0].content.startswith("-# "), "the answer, small, on top"
            else:
                answered = self.fake.message(pressed)
                assert answered.components == [], "an answered question loses its buttons"
                assert "\n\n" in answered.content, "and shows the answer under the question"
                messages = [m for m in messages if m.id != pressed.id]
        raise AssertionError("no outcome after 40 answers")


@pytest.fixture
def alice(fake: FakeDiscord) -> Person:
    return Person(fake, fake.default_user)


# -- the conversation -----------------------------------------------------------------------------


async def test_full_triage_in_a_server_is_private(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    iid = await alice.command("backpain")
    (first,) = await alice.replies(iid)
    assert first.content.startswith(bot.text("ui.welcome")[:40]), "welcome and question: one"
    assert question_of(first) == "rf_emergency"
    assert first.labels[0] == bot.text("choices.none_of_these")
    assert all(len(cid) <= 100 and cid.startswith("bc|rf_emergency|") for cid in first.custom_ids)

    ack = fake.interactions[iid]
    assert ack.response_type == 4 and ack.response_delay is not None, "answered directly"
    assert ack.response_delay < fake.interaction_deadline
    assert calls(fake, iid) == ["POST /callback"]

    second = await alice.first_answer(first)
    assert second.id == first.id, "the pressed question became the next one"
    label = bot.text("choices.none_of_these")
    assert second.content.startswith("-# " + bot.text("ui.so_far", answers=label))
    (third,) = await alice.replies(await alice.press(second, "none_of_these"))
    both = bot.text("ui.so_far", answers=f"{label} · {label}")
    assert third.id == first.id and third.content.startswith(f"-# {both}\n"), "as on Telegram"

    outcome = await alice.walk_calm(third)
    assert question_of(outcome[-1]) == "out_self_care", "the detail buttons end the result"
    assert outcome[0].content.startswith("**"), "an outcome leads with a bold line"
    first_line = bot.text("outcomes.self_care.action").split("\n")[0]
    assert first_line[:20] in outcome[0].content
    assert all(len(part.content) <= 2000 for part in outcome)
    ending = bot.text("ui.not_a_diagnosis")
    assert ending in "".join(m.content for m in outcome), "a result arrives whole"
    assert await bot.state(alice.user) == "out_self_care"

    answered = fake.message(first)
    assert answered.components == [] and "\n\n" in answered.content, "marked answered"
    mine = fake.bot_messages()
    assert len(mine) >= 2 and all(m.ephemeral and m.visible_to(alice.user) for m in mine)
    assert fake.visible_to(fake.bystander, from_bot=True) == [], "nobody else sees anything"
    assert all(i.responded and i.error is None for i in fake.interactions.values())


async def test_every_press_is_one_response(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    """#13: a press answers with one interaction response; only the result adds messages."""
    (shown,) = await alice.replies(await alice.command("backpain"))
    presses: list[int] = []
    while not question_of(shown).startswith("out_"):
        asked = question_of(shown)
        presses.append(await alice.press(shown, CALM.get(asked, "none_of_these")))
        shown = (await alice.replies(presses[-1]))[-1]
    *questions, last = presses
    assert len(questions) >= 5
    for iid in questions:
        assert calls(fake, iid) == ["POST /callback"]
        assert fake.interactions[iid].response_type == 7
    assert calls(fake, last)[0] == "POST /callback"
    assert all(c.startswith("POST /") and "callback" not in c for c in calls(fake, last)[1:])
    assert len(fake.bot_messages()) == 1 + len(calls(fake, last)) - 1, "one question message"


async def test_start_a_new_check_is_not_marked_as_an_answer(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    (first,) = await alice.replies(await alice.command("backpain"))
    followups = (await alice.walk_calm(first))[-1]
    (again,) = await alice.replies(await alice.press(followups, "restart"))
    assert again.content.startswith(bot.text("ui.welcome")[:40])
    assert question_of(again) == "rf_emergency" and again.id != followups.id
    kept = fake.message(followups)
    assert kept.content == followups.content, "a fresh start is no answer: no 'Your answer'"
    assert kept.components == followups.components


async def test_full_triage_in_a_dm_uses_plain_messages(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.default_user, dm=True)
    (first,) = await person.replies(await person.command("backpain"))
    assert first.in_dm and not first.ephemeral
    *_, followups = await person.walk_calm(first)
    assert question_of(followups) == "out_self_care"
    mine = fake.bot_messages()
    assert mine and all(m.in_dm and not m.ephemeral for m in mine)
    assert fake.visible_to(fake.bystander, from_bot=True) == []


async def test_an_urgent_answer_shows_its_result_then_the_quick_check(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    """#13: the result as a new message at once, the pressed question marked answered; the
    questions that could still change it edit in place; the end says the advice stays."""
    (first,) = await alice.replies(await alice.command("backpain"))
    second = await alice.first_answer(first)
    shown = await alice.replies(await alice.press(second, "fever"))
    assert fake.message(second).components == [], "the pressed question is closed"
    result = next(m for m in shown if bot.text("outcomes.urgent_doctor.action")[:20] in m.content)
    assert result.content.startswith("**🩺"), "the action on the first line"
    assert bot.text("ui.quick_check") in "\n".join(m.content for m in shown)
    asked = shown[-1]
    assert question_of(asked) == "rf_urine", "anything else on that list could raise it"
    (hospital,) = await alice.replies(await alice.press(asked, "none_of_these"))
    assert hospital.id == asked.id and question_of(hospital) == "rf_hospital"
    assert hospital.content.startswith("-# "), "the so-far line above the edited question"
    (about,) = await alice.replies(await alice.press(hospital, "none_of_these"))
    assert question_of(about) == "about", "age, onset and course cannot raise it: skipped"
    end = await alice.replies(await alice.press(about, "none_of_these"))
    assert bot.text("ui.advice_stays", action="")[:10] in end[0].content
    assert question_of(end[-1]) == "out_urgent_doctor", "the detail buttons close it"


async def test_russian_from_the_interaction_locale(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.make_user(1_300_000_000_000_002_001, "Masha", locale="ru"))
    (first,) = await person.replies(await person.command("backpain"))
    assert first.content.startswith(bot.text("ui.welcome", "ru")[:40])
    assert first.labels[0] == bot.text("choices.none_of_these", "ru")
    second = await person.first_answer(first)
    label = bot.text("choices.none_of_these", "ru")
    assert second.content.startswith("-# " + bot.text("ui.so_far", "ru", answers=label))
    assert second.content.endswith(bot.text("questions.rf_urine.text", "ru"))


async def test_typed_red_flag_in_a_dm_escalates_at_once(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.default_user, dm=True)
    await fake.send_dm(RED_FLAG_TEXT)
    (warning,) = await person.dms()
    assert warning.content.startswith("**⚠️"), "a warning leads with a bold line"
    assert "112 or your local emergency number" in warning.content, "no guessed number"
    assert warning.custom_ids, "and the question it asks rides on the same message"
    *_, followups = await person.walk_calm(warning)
    assert question_of(followups).startswith("out_emergency")
    screens = [m.content for m in fake.bot_messages() if m.id != warning.id]
    assert any("112 or your local emergency number" in text for text in screens)
    assert all(m.in_dm and not m.ephemeral for m in fake.bot_messages())

    # The bot's own DMs come back from the gateway; it must not answer itself.
    before = len(fake.bot_messages())
    await fake.send_dm("/help")
    (help_text,) = await person.dms()
    assert help_text.content.startswith(bot.text("ui.help")[:30])
    assert question_of(help_text) == question_of(followups), "the current question under it"
    assert len(fake.bot_messages()) == before + 1


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
        (first,) = await alice.replies(await alice.command("backpain"))
        client = first_bot.adapter.client
    async with running(settings, fake, engine) as second_bot:
        assert second_bot.adapter.client is not client
        second = await alice.first_answer(first)
        assert question_of(second) == "rf_urine" and second.id == first.id
        assert await second_bot.state(alice.user) == "rf_urine"
    assert len(fake.identify_payloads) == 2


# -- presses that must not move the conversation --------------------------------------------------


async def refused(person: Person, bot: Bot, iid: int) -> FakeMessage:
    """The answer to a refused press: one new message, 'already answered' over the current
    question and its buttons."""
    (current,) = await person.replies(iid)
    assert current.content.startswith(f"**{bot.text('ui.already_answered')}**\n\n")
    assert current.ephemeral
    assert calls(person.fake, iid) == ["POST /callback"]
    assert person.fake.interactions[iid].response_type == 4
    return current


async def test_stale_forged_and_foreign_presses_change_nothing(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    (first,) = await alice.replies(await alice.command("backpain"))
    second = await alice.first_answer(first)
    assert await bot.state(alice.user) == "rf_urine"

    presses = [
        (second, fmt.button_id("rf_emergency", "none_of_these")),  # an outdated client
        (second, fmt.button_id("rf_urine", "made_up_choice")),  # forged, well-formed
        (second, "totally-foreign-id"),
    ]
    for message, custom_id in presses:
        iid = await fake.click_button(message, force_custom_id=custom_id, user=alice.user)
        current = await refused(alice, bot, iid)
        assert question_of(current) == "rf_urine"
        assert fake.interactions[iid].errors == [], "answered once, by one handler"
    # Unreadable like the one before: the core just refused it, so it costs nothing now.
    iid = await fake.click_button(second, force_custom_id="bc|x", user=alice.user)
    await fake.wait_for("interaction_response", lambda e: e.interaction_id == iid)
    assert fake.interactions[iid].response_type == 6 and produced(fake, iid) == []
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
    (first,) = await alice.replies(await alice.command("backpain"))
    custom_id = fmt.button_id("rf_emergency", "none_of_these")
    one = await fake.click_button(first, custom_id=custom_id, user=alice.user)
    two = await fake.click_button(first, force_custom_id=custom_id, user=alice.user)
    outcomes = [(await alice.replies(iid))[-1] for iid in (one, two)]
    kinds = sorted(fake.interactions[iid].response_type or 0 for iid in (one, two))
    assert kinds[1] == 7, "one press advances its question"
    assert kinds[0] in (4, 6), "the other, answered at once or deferred, is told it was answered"
    assert await bot.state(alice.user) == "rf_urine"
    for replies in outcomes:
        assert question_of(replies) == COUNTRY, "a first-time person: 'Where are you now?'"


async def test_forget_deletes_the_session(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    (first,) = await alice.replies(await alice.command("backpain"))
    await alice.replies(await alice.press(first, "none_of_these"))
    iid = await alice.command("forget")
    done = await alice.reply(iid)
    assert done.ephemeral
    mention = f"</backpain:{bot.adapter.mentions['backpain']}>"
    assert done.content == bot.text("ui.forgotten").replace("/start", mention)
    assert await bot.app.conversations.storage.sessions.load(f"dc:{alice.user.id}") is None
    (first_again,) = await alice.replies(await alice.command("backpain"))
    assert first_again.content.startswith(bot.text("ui.welcome")[:40])
    assert question_of(first_again) == "rf_emergency"


async def test_language_and_region_commands(bot: Bot, fake: FakeDiscord, alice: Person) -> None:
    await alice.replies(await alice.command("backpain"))
    (choose,) = await alice.replies(await alice.command("language"))
    assert choose.labels == ["English", "Русский"]
    (current,) = await alice.replies(await alice.press(choose, "ru"))
    assert current.id == choose.id, "the language menu became the current question"
    assert bot.text("ui.language_set", "ru") in current.content
    assert current.content.endswith(bot.text("questions.rf_emergency.text", "ru"))
    (done,) = await alice.replies(await alice.command("region", {"region": "uk"}))
    assert "999" in done.content, "the old /region uk still means the United Kingdom"


@pytest.mark.parametrize(
    ("locale", "typed", "first"),
    [
        ("en-GB", "", "GB"), ("pt-BR", "", "BR"), ("es-ES", "", "ES"), ("zh-TW", "", "TW"),
        ("uk", "", "UA"), ("en-US", "", "US"), ("en-GB", "ger", "DE"), ("ru", "герм", "DE"),
        ("en-US", "united", "US"), ("en-GB", "united", "GB"), ("ru", "казахстан", "KZ"),
    ],
)  # fmt: skip
async def test_country_autocomplete_orders_by_the_locale_and_follows_the_typing(
    bot: Bot, fake: FakeDiscord, locale: str, typed: str, first: str
) -> None:
    person = fake.make_user(1_300_000_000_000_004_001, "Kai", locale=locale)
    for name, option in (("country", "country"), ("region", "region")):
        choices = await fake.autocomplete(name, option, typed, user=person)
        assert 1 <= len(choices) <= 25 and choices[0]["value"] == first, choices
        assert all(len(c["name"]) <= 100 and len(c["value"]) == 2 for c in choices)
    session = await bot.app.conversations.storage.sessions.load(f"dc:{person.id}")
    assert session is None, "suggesting sets nothing, not even a session"


async def test_country_command_takes_a_pick_or_a_typed_name(bot: Bot, fake: FakeDiscord) -> None:
    person = Person(fake, fake.make_user(1_300_000_000_000_004_002, "Ola", locale="en-GB"))
    await person.replies(await person.command("backpain"))
    done = await person.reply(await person.command("country", {"country": "GB"}))
    assert "999" in done.content
    done = await person.reply(await person.command("country", {"country": "германия"}))
    assert "112" in done.content and "local" not in done.content
    sorry = await person.reply(await person.command("region", {"region": "atlantis"}))
    mention = f"</country:{bot.adapter.mentions['country']}>"
    assert sorry.content.startswith(bot.text("country.unknown").replace("/country", mention))
    session = await bot.app.conversations.storage.sessions.load(f"dc:{person.user.id}")
    assert session is not None and session.country == "DE", "an unknown name changes nothing"


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
        answered, noted = await alice.messages(iid, until=lambda found: len(found) == 2)
        assert answered.id == question.id, "no next question: the pressed one is marked"
        assert noted.content == "Noted." and noted.ephemeral
        assert isinstance(started.app.conversations, ManyChoices)
        assert started.app.conversations.picked == [Event(EventKind.CHOICE, "c27", "many", "en")]
        answered = fake.message(question)
        assert answered.content == "Which one?\n\nYour answer: Answer 27"
        assert answered.components == []


class Pictures(Conversations):
    """Answers every press with a picture of the cold pack and the question again (the core
    will send pictures from the result's details; this stands in for it)."""

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        picture = Reply(
            ReplyKind.IMAGE,
            "pictures.cold_pack_lower_back.caption",
            "Wrap it in a thin damp towel.",
            image="cold_pack_lower_back",
            alt="A cold pack in a towel on the lower back, with a clock",
        )
        choices = (Choice("cold", "How to use cold"), Choice("positions", "Positions"))
        details = Reply(ReplyKind.QUESTION, "q", "What next?", choices, question="details")
        if event.kind is EventKind.CHOICE:
            return Turn(replies=[picture, details], question="details", recorded=False)
        return Turn(replies=[details], question="details")


async def test_a_picture_is_an_attachment_with_its_alt_text(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    async with running(make_settings(fake, tmp_path), fake, engine, Pictures):
        (details,) = await alice.replies(await alice.command("backpain"))
        iid = await alice.press(details, "cold")
        picture, again = await alice.replies(iid)
    assert picture.content == "Wrap it in a thin damp towel." and picture.ephemeral
    (attachment,) = picture.attachments
    assert attachment["filename"] == "cold_pack_lower_back.png"
    assert attachment["description"] == "A cold pack in a towel on the lower back, with a clock"
    png = Settings(_env_file=None).content / "pictures" / "cold_pack_lower_back.png"  # type: ignore[call-arg]
    assert attachment["size"] == png.stat().st_size, "the file itself went up (multipart)"
    assert again.custom_ids and not again.attachments, "the text after it comes below it"
    uploads = [r for r in fake.requests if isinstance(r.body, dict) and r.body.get("__files__")]
    assert len(uploads) == 1 and uploads[0].body["__files__"][0]["field"] == "files[0]"


async def test_an_edited_dm_is_screened_again(bot: Bot, fake: FakeDiscord) -> None:
    """#16: a danger sign added by editing a DM gets the same warning as a typed one."""
    person = Person(fake, fake.default_user, dm=True)
    sent = await fake.send_dm("my back is sore after deadlifts")
    await person.dms()
    await fake.edit_dm(sent, RED_FLAG_TEXT)
    (warning,) = await person.dms()
    assert warning.content.startswith("**⚠️") and "112" in warning.content
    before = len(fake.bot_messages())
    await fake.send_dm("/about")  # an unchanged re-delivery would have been answered first
    about = await person.next_dm()
    assert about.content.startswith(bot.text("ui.about")[:20])
    assert len(fake.bot_messages()) == before + 1


class Recording(Conversations):
    """Keeps every event the adapter hands to the core."""

    events: ClassVar[list[Event]] = []

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        Recording.events.append(event)
        return await super().handle(user, event, event_id=event_id, label=label)


@pytest.mark.parametrize(
    ("locale", "hint"), [("en-GB", "en-GB"), ("pt-BR", "pt-BR"), ("en-US", "en")]
)
async def test_the_client_locale_reaches_the_core_as_a_hint(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person, locale: str, hint: str
) -> None:
    """#15: the locale is a hint for the core (it orders country buttons); the adapter guesses
    no region from it. Only Discord's everyone-default en-US loses its country."""
    Recording.events = []
    async with running(make_settings(fake, tmp_path), fake, engine, Recording):
        iid = await fake.slash_command("backpain", user=alice.user, locale=locale)
        await alice.replies(iid)
    assert [e.locale for e in Recording.events] == [hint]


async def test_help_names_commands_as_clickable_mentions(bot: Bot, fake: FakeDiscord) -> None:
    """#19: help texts mention commands as </name:id>, with the ids Discord gave at sync."""
    ids = {c["name"]: int(c["id"]) for c in fake.global_commands}
    assert bot.adapter.mentions == ids
    help_text = await Person(fake, fake.default_user).reply(await fake.slash_command("help"))
    for name in ("back", "restart", "language", "country", "forget"):
        assert f"</{name}:{ids[name]}>" in help_text.content
    assert "\n/" not in help_text.content, "no command left as plain text"


async def test_a_user_install_works_without_a_shared_server(bot: Bot, fake: FakeDiscord) -> None:
    """#19: someone who installed the app to their account only, in a DM with the bot, and
    their reminders arrive as DMs."""
    loner = fake.make_user(1_300_000_000_000_003_001, "Lone", guild_member=False)
    person = Person(fake, loner, dm=True)
    (first,) = await person.replies(await person.command("backpain"))
    assert question_of(first) == "rf_emergency" and first.in_dm
    note = Reply(ReplyKind.INFO, "k", "How is your back today?")
    assert await bot.adapter.deliver(f"dc:{loner.id}", [note])
    assert (await person.next_dm()).content == "How is your back today?"


async def test_a_reminder_arrives_as_a_dm_with_working_buttons(
    bot: Bot, fake: FakeDiscord, alice: Person
) -> None:
    catalog = bot.app.conversations.engine.catalog
    session = bot.app.conversations.engine.new_session(f"dc:{alice.user.id}")
    session.state, session.locale = "rf_urine", "en"
    session.asked_country = True  # a returning person: "Where are you now?" was asked
    question = bot.app.conversations.engine.render.question(session)
    await bot.app.conversations.storage.sessions.save(session)
    note = Reply(ReplyKind.INFO, "k", "How is your back today?")
    assert await bot.adapter.deliver(f"dc:{alice.user.id}", [note, question])
    dm = Person(fake, alice.user, dm=True)
    (asked,) = await dm.dms()
    assert asked.content.startswith("How is your back today?\n\n") and asked.in_dm
    (next_question,) = await dm.replies(await dm.press(asked, CALM["rf_urine"]))
    assert next_question.in_dm and question_of(next_question) == "rf_hospital"
    assert catalog.text("ui.so_far", "en", answers=asked.labels[0])[:12] in (next_question.content)

    assert not await bot.adapter.deliver("tg:42", [note]), "not a Discord user"
    fake.dm_closed.add(alice.user.id)
    assert not await bot.adapter.deliver(f"dc:{alice.user.id}", [note]), "DMs turned off"


class Counting(Conversations):
    """Counts the events that reach the core."""

    calls = 0

    async def handle(
        self, user: str, event: Event, *, event_id: str | None = None, label: str | None = None
    ) -> Turn:
        Counting.calls += 1
        return await super().handle(user, event, event_id=event_id, label=label)


async def test_a_volley_of_stale_presses_costs_one_refusal(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    """#17: 50 presses at once on an answered question: one refusal from the core (one write,
    one message), every other press acknowledged without touching storage or sending."""
    async with running(make_settings(fake, tmp_path), fake, engine, Counting):
        (first,) = await alice.replies(await alice.command("backpain"))
        await alice.replies(await alice.press(first, "none_of_these"))
        Counting.calls = 0
        before = len(fake.bot_messages())
        old = fmt.button_id("rf_emergency", "none_of_these")
        volley = await asyncio.gather(
            *(fake.click_button(first, force_custom_id=old, user=alice.user) for _ in range(50))
        )
        answered = set(volley)
        for _ in volley:
            await fake.wait_for("interaction_response", lambda e: e.interaction_id in answered)
        await asyncio.sleep(0.2)
    assert Counting.calls == 1
    assert len(fake.bot_messages()) == before + 1, "one 'already answered' with the question"
    assert all(fake.interactions[iid].error is None for iid in volley)
    assert sum(fake.interactions[iid].response_type == 6 for iid in volley) >= 49


async def test_a_burst_is_acknowledged_in_time_and_everyone_answered(
    bot: Bot, fake: FakeDiscord
) -> None:
    """#17: many people at once (the 2,000 figure: ``python -m benchmarks.discord_burst``):
    every interaction gets its first response within Discord's 3 s and its question."""
    connector = bot.adapter.client.http.connector
    assert 0 < connector.limit <= 100, "sockets capped below the open-files limit"
    people = [fake.make_user(1_300_000_000_000_100_000 + i, f"p{i}") for i in range(150)]
    iids = await asyncio.gather(*(fake.slash_command("backpain", user=p) for p in people))
    firsts = [(await Person(fake, p).replies(iid))[-1] for p, iid in zip(people, iids, strict=True)]
    presses = await asyncio.gather(
        *(Person(fake, p).press(q, "none_of_these") for p, q in zip(people, firsts, strict=True))
    )
    for p, iid in zip(people, presses, strict=True):
        assert question_of((await Person(fake, p).replies(iid))[-1]) == COUNTRY
    for iid in [*iids, *presses]:
        interaction = fake.interactions[iid]
        assert interaction.responded and interaction.error is None
        assert interaction.response_delay is not None
        assert interaction.response_delay < fake.interaction_deadline


async def test_beyond_the_backlog_people_are_told_to_try_again(
    fake: FakeDiscord, tmp_path: Path, engine: Engine
) -> None:
    gate = Admission(workers=1, backlog=0)
    settings = make_settings(fake, tmp_path)
    async with running(settings, fake, engine, SlowConversations, admission=gate):
        one, two = (fake.make_user(1_300_000_000_000_200_000 + i, f"b{i}") for i in range(2))
        first = await fake.slash_command("backpain", user=one)
        second = await fake.slash_command("backpain", user=two)
        busy = await Person(fake, two).reply(second)
        await Person(fake, one).replies(first)
    text = engine.catalog.text("discord.busy", "en")
    assert busy.content.startswith(text[:40]) and busy.ephemeral
    assert fake.interactions[second].response_type == 4


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
    fake.interaction_deadline = 0.2  # Discord's 3 s, scaled down with the reply budget
    settings = make_settings(fake, tmp_path)
    async with running(settings, fake, engine, SlowConversations, reply_budget=0.05):
        iid = await alice.command("backpain")
        (first,) = await alice.replies(iid)
        ack = fake.interactions[iid]
        assert ack.response_type == 5 and ack.response_delay is not None
        assert ack.response_delay < 0.2 < SlowConversations.delay
        assert first.id == ack.original_message_id, "the 'thinking…' message is filled"
        press = await alice.press(first, "none_of_these")
        (second,) = await alice.replies(press)
        assert fake.interactions[press].response_type == 6
        assert question_of(second) == COUNTRY and second.id == first.id, "edited in place"
        assert calls(fake, press) == ["POST /callback", "PATCH /messages/@original"]
        assert all(i.error is None for i in fake.interactions.values())


async def test_a_late_acknowledgement_sends_the_answer_by_dm(
    bot: Bot, fake: FakeDiscord, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    """Discord refused our response (10062: too late): the step is applied all the same and
    its answer reaches the person privately, by DM, instead of being lost."""
    fake.interaction_deadline = -1.0  # every acknowledgement arrives "too late"
    with caplog.at_level(logging.WARNING, logger="backcheck.discord"):
        iid = await alice.command("backpain")
        (first,) = await Person(fake, alice.user, dm=True).dms()
    error = fake.interactions[iid].error
    assert error is not None and error["code"] == 10062
    assert first.in_dm and question_of(first) == "rf_emergency"
    lines = [r.getMessage() for r in caplog.records if r.name == "backcheck.discord"]
    assert len(lines) == 1 and "10062" in lines[0] and "by DM" in lines[0]
    assert TOKEN not in lines[0] and str(alice.user.id) not in lines[0]
    assert await bot.state(alice.user) == "rf_emergency"
    fake.interaction_deadline = 3.0
    await alice.reply(await alice.command("help"))  # the bot is still fine


async def test_an_expired_token_never_leaves_thinking_alone(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    """The webhook expired (Discord: 15 minutes) before the answer was ready: the answer
    goes by DM; nothing is left waiting behind "thinking…"."""
    fake.followup_window = 0.1
    settings = make_settings(fake, tmp_path)
    async with running(settings, fake, engine, SlowConversations, reply_budget=0.05):
        iid = await alice.command("backpain")
        (first,) = await Person(fake, alice.user, dm=True).dms()
    interaction = fake.interactions[iid]
    assert interaction.response_type == 5 and interaction.error is not None
    assert interaction.error["code"] == 50027
    assert question_of(first) == "rf_emergency" and first.in_dm


async def test_a_user_who_takes_no_dms_is_one_log_line(
    bot: Bot, fake: FakeDiscord, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    fake.interaction_deadline = -1.0
    fake.dm_closed.add(alice.user.id)
    with caplog.at_level(logging.INFO, logger="backcheck.discord"):
        iid = await alice.command("backpain")
        await fake.wait_for("interaction_response", lambda e: e.interaction_id == iid)
        for _ in range(100):
            if len(caplog.records) >= 2:
                break
            await asyncio.sleep(0.01)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and "cannot DM user" in lines[1] and "50007" in lines[1]
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_storage_outage_says_try_again(
    bot: Bot, fake: FakeDiscord, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    (first,) = await alice.replies(await alice.command("backpain"))

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
            apology = await alice.reply(iid)
    assert apology.ephemeral
    assert apology.content.startswith(engine.catalog.text("ui.error", "en")[:30])
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
        *("backpain", "back", "restart", "language", "country", "region"),
        *("about", "summary", "stop", "forget", "help"),
    }
    backpain = fake.find_command("backpain")
    assert backpain is not None
    catalog = bot.app.conversations.engine.catalog
    assert backpain["description"] == catalog.text("commands.backpain", "en")
    assert backpain["description_localizations"] == {"ru": catalog.text("commands.backpain", "ru")}
    for name in ("country", "region"):  # /region: the old name, the same command
        command = fake.find_command(name)
        assert command is not None
        (option,) = command["options"]
        assert option["required"] is False and option["autocomplete"] is True
        assert "choices" not in option or not option["choices"], "countries come as you type"
        ru = catalog.text("discord.option_country", "ru")
        assert option["description_localizations"]["ru"] == ru
    assert backpain["contexts"] == [0, 1, 2], "servers, the bot's DM, other private channels"
    assert backpain["integration_types"] == [0, 1], "installed to a server or to an account"


async def test_commands_go_to_one_guild_when_configured(
    fake: FakeDiscord, tmp_path: Path, engine: Engine, alice: Person
) -> None:
    settings = make_settings(fake, tmp_path, DISCORD_GUILD_ID=fake.guild_id)
    async with running(settings, fake, engine):
        assert fake.global_commands == []
        assert len(fake.guild_commands[fake.guild_id]) == 11
        (welcome,) = await alice.replies(await alice.command("backpain"))
        assert welcome.ephemeral


async def test_sharded_client(fake: FakeDiscord, tmp_path: Path, engine: Engine) -> None:
    settings = make_settings(fake, tmp_path, DISCORD_SHARDS=1)
    async with running(settings, fake, engine) as started:
        assert isinstance(started.adapter.client, discord.AutoShardedClient)
        assert fake.identify_payloads[0]["shard"] == [0, 1]
        person = Person(fake, fake.default_user)
        (first,) = await person.replies(await person.command("backpain"))
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


@pytest.mark.usefixtures("_restore_logging")
async def test_runner_serves_discord(
    fake: FakeDiscord, tmp_path: Path, alice: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.runner import run

    monkeypatch.setattr(discord_adapter, "GUILD_READY_TIMEOUT", FAST)
    stop = asyncio.Event()
    task = asyncio.create_task(run(make_settings(fake, tmp_path), stop))
    await fake.wait_for("commands_sync")
    (welcome,) = await alice.replies(await alice.command("backpain"))
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
        (welcome,) = await alice.replies(await alice.command("backpain"))
        user = tg.make_user(1001, "Alice", "alice", "en")
        tg.inject_message("/start", user=user)
        sent = await tg.wait_for_call("sendMessage", lambda c: c.params.get("chat_id") == 1001)
        assert sent.ok
        assert welcome.content[:30] == str(sent.result["text"])[:30]
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0


@pytest.mark.parametrize(
    ("locale", "first"), [("en-GB", "GB"), ("pt-BR", "BR"), ("es-ES", "ES"), ("en-US", "US")]
)
async def test_the_locale_orders_the_country_buttons_and_picks_nothing(
    bot: Bot, fake: FakeDiscord, locale: str, first: str
) -> None:
    person = Person(fake, fake.make_user(1_300_000_000_000_004_003, "Noa", locale=locale))
    (question,) = await person.replies(await person.command("backpain"))
    (asked,) = await person.replies(await person.press(question, "none_of_these"))
    assert question_of(asked) == COUNTRY
    ids = [fmt.read_press(c).choice for c in asked.custom_ids]
    assert ids[0] == first and ids[-1] == "skip"
    session = await bot.app.conversations.storage.sessions.load(f"dc:{person.user.id}")
    assert session is not None and session.country is None, "a locale never sets it"
