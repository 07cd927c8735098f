"""Self-test of the fake Discord, driven by the real discord.py (nothing inside it is mocked).

If these pass, the fake speaks enough of Discord's protocol for the adapter's end-to-end tests:
login, command sync (with localizations), slash command -> ephemeral reply with a persistent view,
button -> message update, select, DMs with the bot's own echo, a restart, a gateway resume, and
Discord's acknowledgement rules and limits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from .discord_api import FakeDiscord, FakeEvent

pytest.importorskip("discord")
import discord
import discord.gateway
import discord.http
from discord import app_commands

pytestmark = [
    pytest.mark.filterwarnings("ignore:'audioop' is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:discord.player"),
]

TOKEN = "fake-token-for-tests"


class CheckinView(discord.ui.View):
    """Persistent view: no timeout and stable custom_ids, so it works after a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Better", style=discord.ButtonStyle.success, custom_id="ci:better")
    async def better(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.edit_message(content="Glad it's better!", view=None)

    @discord.ui.button(label="Worse", style=discord.ButtonStyle.danger, custom_id="ci:worse")
    async def worse(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="Sorry to hear that.", view=None)

    @discord.ui.select(
        custom_id="ci:where",
        row=1,
        options=[
            discord.SelectOption(label="Lower back", value="lower"),
            discord.SelectOption(label="Upper back", value="upper"),
        ],
    )
    async def where(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.send_message(f"noted: {select.values[0]}", ephemeral=True)


class RussianTranslator(app_commands.Translator):
    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        if locale is discord.Locale.russian:
            return {"checkin": "отметка", "How is your back?": "Как спина?"}.get(string.message)
        return None


class Bot(discord.Client):
    def __init__(self, *, slow_by: float = 0.0) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.errors: asyncio.Queue[Exception] = asyncio.Queue()
        tree = self.tree

        @tree.command(
            name=app_commands.locale_str("checkin"),
            description=app_commands.locale_str("How is your back?"),
        )
        async def checkin(interaction: discord.Interaction, level: int) -> None:
            await interaction.response.send_message(
                f"[{interaction.locale.value}] Back pain level {level}. How is it now?",
                view=CheckinView(),
                ephemeral=True,
            )

        @tree.command(description="Answers too late")
        async def slow(interaction: discord.Interaction) -> None:
            await asyncio.sleep(slow_by)
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)

        @tree.command(description="Acknowledges twice")
        async def twice(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            try:  # a second responder (e.g. a duplicate worker) that doesn't know about the first
                await discord.InteractionResponse(interaction).send_message("again")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)
            await interaction.followup.send("done")

        @tree.command(description="Follow-up before acknowledging")
        async def early(interaction: discord.Interaction) -> None:
            try:
                await interaction.followup.send("too early")
            except discord.HTTPException as exc:
                self.errors.put_nowait(exc)
            await interaction.response.send_message("ok")

    async def setup_hook(self) -> None:
        self.add_view(CheckinView())
        await self.tree.set_translator(RussianTranslator())

    async def on_message(self, message: discord.Message) -> None:
        assert self.user is not None
        if message.author.id == self.user.id:  # Discord echoes our own messages
            return
        if message.guild is None:
            await message.channel.send(f"echo: {message.content}")


@pytest.fixture(autouse=True)
def _quiet_voice_warnings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """discord.py logs 'PyNaCl/davey is not installed' once per process; irrelevant here."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", False)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", False)
    yield


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    before = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord(token=TOKEN) as fake:
        undo = fake.patch_discord()
        yield fake
        undo()
    assert before == (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


@contextlib.asynccontextmanager
async def running(bot: Bot, fake: FakeDiscord) -> AsyncIterator[Bot]:
    await bot.login(fake.token)
    task = asyncio.create_task(bot.connect())
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield bot
    finally:
        await bot.close()
        await asyncio.wait_for(task, 5)


def for_iid(iid: int) -> Any:
    return lambda e: e.interaction_id == iid


async def test_wrong_token_is_rejected(fake: FakeDiscord) -> None:
    bot = Bot()
    with pytest.raises(discord.LoginFailure):
        await bot.login("not-the-token")
    await bot.close()


async def test_slash_button_select_and_dm_flow(fake: FakeDiscord) -> None:
    alice = fake.make_user(501, "Alisa", locale="ru")
    async with running(Bot(), fake) as bot:
        assert fake.identify_payloads[0]["token"] == TOKEN
        with pytest.raises(AssertionError, match="never synced"):
            await fake.slash_command("checkin", {"level": 3})

        await bot.tree.sync()
        sync = await fake.wait_for("commands_sync")
        assert sync.data["scope"] == "global"
        command = fake.find_command("checkin")
        assert command is not None
        assert command["name_localizations"] == {"ru": "отметка"}
        assert command["description_localizations"] == {"ru": "Как спина?"}

        iid = await fake.slash_command("checkin", {"level": 3}, user=alice)
        reply = await fake.wait_for("interaction_response", for_iid(iid))
        assert reply.ok and reply.data["type"] == 4
        assert reply.message is not None
        assert reply.message.content == "[ru] Back pain level 3. How is it now?"
        assert reply.message.ephemeral and not reply.message.in_dm
        assert reply.message.labels == ["Better", "Worse"]
        assert fake.interactions[iid].original_message_id == reply.message.id
        assert reply.message.id in [m.id for m in fake.visible_to(alice)]
        assert reply.message.id not in [m.id for m in fake.visible_to(fake.bystander)]
        with pytest.raises(AssertionError, match="cannot see"):
            await fake.click_button(reply, "Better", user=fake.bystander)

        sid = await fake.choose(reply, ["lower"])
        picked = await fake.wait_for("interaction_response", for_iid(sid))
        assert picked.message is not None and picked.message.content == "noted: lower"
        assert picked.message.ephemeral

        cid = await fake.click_button(reply, "Better")
        update = await fake.wait_for("interaction_response", for_iid(cid))
        assert update.ok and update.data["type"] == 7
        edited = fake.message(reply)
        assert edited.content == "Glad it's better!" and edited.components == []
        assert edited.ephemeral and edited.edits == 1

        await fake.send_dm("hello", user=alice)
        first = await fake.wait_for("message_create")
        await fake.send_dm("again", user=alice)
        second = await fake.wait_for("message_create")
        assert first.message is not None and second.message is not None
        assert first.message.in_dm and first.message.content == "echo: hello"
        assert second.message.content == "echo: again"
        # The echo of "echo: hello" reached the bot before "again"; had it answered its own
        # message, there would be a third DM here.
        dm = fake.dm_channel_id(alice)
        assert [m.content for m in fake.bot_messages(channel_id=dm)] == [
            "echo: hello",
            "echo: again",
        ]
        assert not [m for m in fake.visible_to(fake.bystander) if m.in_dm]

        channel = bot.get_channel(fake.channel_id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        assert too_long.value.code == 50035 and "content" in str(too_long.value)


async def test_persistent_view_survives_restart(fake: FakeDiscord) -> None:
    async with running(Bot(), fake) as bot:
        await bot.tree.sync()
        iid = await fake.slash_command("checkin", {"level": 7})
        reply = await fake.wait_for("interaction_response", for_iid(iid))

    async with running(Bot(), fake):
        cid = await fake.click_button(reply, "Worse")
        update = await fake.wait_for("interaction_response", for_iid(cid))
        assert update.ok and update.data["type"] == 7
        assert fake.message(reply).content == "Sorry to hear that."
    assert len(fake.identify_payloads) == 2


async def test_acknowledgement_rules(fake: FakeDiscord) -> None:
    fake.interaction_deadline = 0.2
    async with running(Bot(slow_by=0.3), fake) as bot:
        await bot.tree.sync()

        iid = await fake.slash_command("slow")
        late = await fake.wait_for("interaction_response", for_iid(iid))
        assert late.status == 404 and late.error is not None and late.error["code"] == 10062
        error = await asyncio.wait_for(bot.errors.get(), 2)
        assert isinstance(error, discord.NotFound) and error.code == 10062
        assert not fake.interactions[iid].responded

        fake.interaction_deadline = 3.0
        iid = await fake.slash_command("twice")
        first = await fake.wait_for("interaction_response", for_iid(iid))
        assert first.ok and first.data["type"] == 5
        assert first.message is not None and first.message.loading and first.message.ephemeral
        second = await fake.wait_for("interaction_response", for_iid(iid))
        assert second.status == 400 and second.error is not None
        error = await asyncio.wait_for(bot.errors.get(), 2)
        assert isinstance(error, discord.HTTPException) and error.code == 40060
        done = await fake.wait_for("followup", for_iid(iid))
        assert done.message is not None and done.message.id == first.message.id
        assert done.message.content == "done" and done.message.ephemeral
        assert not done.message.loading

        iid = await fake.slash_command("early")
        too_early = await fake.wait_for("followup", for_iid(iid))
        assert too_early.status == 404 and too_early.error == {
            "code": 10015,
            "message": "Unknown Webhook",
        }
        error = await asyncio.wait_for(bot.errors.get(), 2)
        assert isinstance(error, discord.NotFound) and error.code == 10015
        ok = await fake.wait_for("interaction_response", for_iid(iid))
        assert ok.ok and ok.message is not None and not ok.message.ephemeral
        assert ok.message.id in [m.id for m in fake.visible_to(fake.bystander)]


async def test_gateway_drop_resumes(fake: FakeDiscord) -> None:
    async with running(Bot(), fake) as bot:
        ready = await fake.wait_for("ready")
        await bot.tree.sync()
        assert await fake.drop_connections(4000) == 1
        resumed = await fake.wait_for("resumed")
        assert resumed.data["session_id"] == ready.data["session_id"]
        iid = await fake.slash_command("checkin", {"level": 2})
        assert (await fake.wait_for("interaction_response", for_iid(iid))).ok
    assert len(fake.identify_payloads) == 1
    assert fake.gateway_connections[1]["path"] == "/resume"
    assert fake.heartbeats >= 2


def _error_paths(errors: dict[str, Any], prefix: str = "") -> list[str]:
    out: list[str] = []
    for key, value in errors.items():
        if key == "_errors":
            out += [f"{prefix}:{e['code']}" for e in value]
        else:
            out += _error_paths(value, f"{prefix}.{key}" if prefix else key)
    return out


def _button(i: int, **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": f"b{i}", "custom_id": f"c{i}", **extra}


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


async def test_limits_and_routes_over_raw_http(fake: FakeDiscord) -> None:
    options = [{"label": f"o{i}", "value": f"v{i}"} for i in range(26)]
    rejected: list[tuple[dict[str, Any], str]] = [
        ({"content": "x" * 2001}, "content:BASE_TYPE_MAX_LENGTH"),
        ({"components": [_row(_button(i)) for i in range(6)]}, "components:BASE_TYPE_MAX_LENGTH"),
        ({"components": [_row(*[_button(i) for i in range(6)])]}, "components.0.components:"),
        ({"components": [_row(_button(0, custom_id="c" * 101))]}, ".custom_id:BASE_TYPE_BAD"),
        ({"components": [_row(_button(0, label="l" * 81))]}, ".label:BASE_TYPE_MAX_LENGTH"),
        ({"components": [_row(_button(0), _button(1, custom_id="c0"))]}, "DUPLICATED"),
        (
            {"components": [_row({"type": 3, "custom_id": "s", "options": options})]},
            "components.0.components.0.options:",
        ),
    ]
    headers = {"Authorization": f"Bot {fake.token}"}
    url = f"{fake.api_base}/channels/{fake.channel_id}/messages"
    async with aiohttp.ClientSession(headers=headers) as http:
        for body, where in rejected:
            async with http.post(url, json=body) as resp:
                assert resp.headers["Content-Type"] == "application/json"
                error = await resp.json()
            assert resp.status == 400 and error["code"] == 50035, body
            assert any(where in p for p in _error_paths(error["errors"])), (where, error)

        async with http.post(url, json={"content": ""}) as resp:
            assert resp.status == 400 and (await resp.json())["code"] == 50006

        full = [_row(*[_button(r * 5 + i) for i in range(5)]) for r in range(5)]
        async with http.post(url, json={"content": "ok", "components": full}) as resp:
            assert resp.status == 200
        created = await fake.wait_for("message_create")
        assert created.message is not None and len(created.message.buttons) == 25
        assert created.message.id in [m.id for m in fake.visible_to(fake.bystander)]

        commands_url = f"{fake.api_base}/applications/{fake.application_id}/commands"
        bad_commands: list[dict[str, Any]] = [
            {"name": "checkin", "description": "d", "name_localizations": {"xx": "x"}},
            {"name": "CheckIn", "description": "d"},
            {
                "name": "checkin",
                "description": "d",
                "options": [
                    {"name": "a", "description": "a", "type": 3},
                    {"name": "b", "description": "b", "type": 3, "required": True},
                ],
            },
        ]
        for command in bad_commands:
            async with http.put(commands_url, json=[command]) as resp:
                assert resp.status == 400, command
        assert fake.global_commands == []

        async with http.get(f"{fake.api_base}/no/such/route") as resp:
            assert resp.status == 404
        unknown = await fake.wait_for("unknown_route")
        assert unknown.data["path"] == "/no/such/route"

    async with (
        aiohttp.ClientSession(headers={"Authorization": "Bot wrong"}) as http,
        http.get(f"{fake.api_base}/users/@me") as resp,
    ):
        assert resp.status == 401


async def test_wait_for_reports_what_happened(fake: FakeDiscord) -> None:
    with pytest.raises(AssertionError, match="no 'followup' event"):
        await fake.wait_for("followup", timeout=0.01)
    with pytest.raises(ValueError, match="unknown event kind"):
        await fake.wait_for("nonsense", timeout=0.01)  # type: ignore[arg-type]
    assert isinstance(FakeEvent(seq=1, kind="ready").summary(), str)
