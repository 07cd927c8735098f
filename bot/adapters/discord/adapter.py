"""Discord: slash commands, button presses and DMs in, core events to ``Conversations``,
replies out as Discord messages.

Translation only: the conversation lives in the core and the storage, never in discord.py, so a
restart, another process or the same person on Telegram continues where they were. Sessions are
shared through the storage: SQLite for one process, Redis when several processes serve the bot.
With ``DISCORD_SHARDS`` the bot runs as an ``AutoShardedClient`` with that many shards (``0``
lets Discord recommend a number); all shards of a process share one service, and Redis lets a
second process see the same sessions.

What this module adds is the Discord feel, within Discord's rules:

* Private in servers: in a guild channel every reply is ephemeral (only the person sees it); in
  DMs replies are plain messages, and typed DM text goes to the core's red-flag listener.
* Buttons carry ``bc|<question>|<choice>`` (see :mod:`bot.adapters.discord.format`) and are
  handled by dynamic items registered at start, so buttons sent before a restart keep working.
  A press discord.py would drop (a forged or foreign ``custom_id``) reaches the core through
  the ``on_interaction`` fallback and gets the core's "already answered" and the current
  question. An accepted press keeps the question's text, loses its buttons and shows the answer.
* The three-second rule: every interaction is acknowledged first (a deferred reply for commands,
  a deferred update for presses), before the storage is touched, and answered with follow-ups,
  so a slow storage never makes Discord show "This interaction failed".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final, TypeAlias

import discord

from bot.adapters.common import ChatLocks
from bot.adapters.discord import components as views
from bot.adapters.discord import format as fmt
from bot.core.hints import Hints
from bot.core.messages import Event, EventKind, Reply
from bot.logs import error_site, user_ref
from bot.service import Conversations, Turn
from bot.settings import Settings

log = logging.getLogger("backcheck.discord")

Send: TypeAlias = Callable[[str, discord.ui.View | None], Awaitable[None]]
Apology: TypeAlias = Callable[[str], Awaitable[None]]

USER_PREFIX: Final = "dc:"
#: discord.py's default wait for guilds before ``on_ready``; tests use a few milliseconds.
GUILD_READY_TIMEOUT = 2.0
START_TIMEOUT: Final = 60.0
STOP_GRACE: Final = 10.0
#: The language tag Discord reports for everyone who never changed theirs: it names a language,
#: not a country (see :meth:`bot.core.hints.Hints.from_platform`).
UNCHOSEN_LOCALE: Final = "en-US"


class DiscordAdapter:
    """Serves one bot token over the gateway; see the module docstring for the rules it keeps."""

    name = "discord"
    user_prefix = USER_PREFIX

    def __init__(
        self,
        settings: Settings,
        conversations: Conversations,
        *,
        guild_ready_timeout: float | None = None,
    ) -> None:
        if settings.discord_token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        self.settings = settings
        self.conversations = conversations
        self.client = views.build_client(
            self,
            shards=settings.discord_shards,
            shard_ids=settings.discord_shard_id_list,
            guild_ready_timeout=(
                GUILD_READY_TIMEOUT if guild_ready_timeout is None else guild_ready_timeout
            ),
        )
        self._gateway: asyncio.Task[None] | None = None
        self._lock = ChatLocks()
        self._busy: set[asyncio.Task[Any]] = set()
        self._closing = False

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (which runs :meth:`prepare`), connect, and return once Discord says ready."""
        token = self.settings.discord_token
        assert token is not None
        try:
            await self.client.login(token.get_secret_value())
            self._gateway = asyncio.create_task(self.client.connect(), name="discord-gateway")
            ready = asyncio.create_task(self.client.wait_until_ready())
            done, _ = await asyncio.wait(
                {ready, self._gateway}, timeout=START_TIMEOUT, return_when="FIRST_COMPLETED"
            )
            ready.cancel()
            if ready not in done:
                if self._gateway in done:
                    self._gateway.result()  # the gateway's own error, e.g. a bad token
                raise RuntimeError("Discord did not get ready; check the token and the network")
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        """Take no new events, let those in flight finish, then disconnect."""
        self._closing = True
        if self._busy:
            await asyncio.wait(set(self._busy), timeout=STOP_GRACE)
        await self.client.close()
        if self._gateway is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._gateway, 5)

    async def deliver(self, user: str, replies: list[Reply]) -> bool:
        """Send replies nobody asked for just now (a reminder) to ``dc:<id>`` as a DM.

        False when the key is not a Discord user or the person can't be reached (DMs from
        the bot turned off, account gone); other failures raise for the scheduler to log.
        """
        if not user.startswith(USER_PREFIX):
            return False
        user_id = int(user.removeprefix(USER_PREFIX))
        try:
            channel = await self.client.create_dm(discord.Object(id=user_id))
            async with self._lock(user_id):
                await self._send(_to_channel(channel), replies, None)
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("discord: cannot DM user %s (code %s)", user_ref(user), exc.code)
            return False
        return True

    async def prepare(self) -> None:
        """Before connecting (discord.py's ``setup_hook``): the press handler and the slash
        commands, synced to one guild when ``DISCORD_GUILD_ID`` is set (instant, for testing
        a bot) or globally."""
        views.register_items(self.client)
        tree = self.client.tree
        for command in views.build_commands(self.conversations, self.on_command):
            tree.add_command(command)
        await tree.set_translator(views.CommandTexts(self.conversations))
        guild_id = self.settings.discord_guild_id
        try:
            if guild_id is None:
                await tree.sync()
            else:
                guild = discord.Object(id=guild_id)
                tree.copy_global_to(guild=guild)
                await tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.warning("discord: could not sync the slash commands: %s %s", exc.status, exc.code)

    # -- events --------------------------------------------------------------------------

    async def on_command(
        self, interaction: discord.Interaction, kind: EventKind, value: str | None = None
    ) -> None:
        """A slash command: "thinking…" at once, then the replies as follow-ups."""
        if not await self._acknowledge(interaction, thinking=True):
            return
        event = Event(kind, value, locale=_hint(interaction))
        async with self._serving(interaction.user.id, event, self._apology(interaction)):
            turn = await self._turn(interaction.user.id, event, f"dc:{interaction.id}")
            await self._send(self._followup(interaction), turn.replies, turn.locale)
            if not turn.replies:  # nothing to say: don't leave "thinking…" forever
                with contextlib.suppress(discord.HTTPException):
                    await interaction.delete_original_response()

    async def on_press(self, interaction: discord.Interaction) -> None:
        """A button or menu: acknowledged at once; an accepted answer is marked on the pressed
        message, then the refusal or the next question arrives as follow-ups."""
        if not await self._acknowledge(interaction, thinking=False):
            return
        custom_id, values = _component(interaction)
        press = fmt.read_press(custom_id, values)
        label = fmt.pressed_label(views.controls(interaction.message), custom_id, values)
        event = Event(EventKind.CHOICE, press.choice, press.question, _hint(interaction))
        async with self._serving(interaction.user.id, event, self._apology(interaction)):
            turn = await self._turn(interaction.user.id, event, f"dc:{interaction.id}", label)
            if turn.duplicate:
                return
            if turn.receipt is not None:
                await self._mark_answered(interaction, turn.receipt)
            await self._send(self._followup(interaction), turn.replies, turn.locale)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """The fallback for presses discord.py drops: forged or foreign ``custom_id``s."""
        if interaction.type is not discord.InteractionType.component:
            return
        custom_id, _ = _component(interaction)
        data: Any = interaction.data or {}
        kind = int(data.get("component_type", 0))
        if not fmt.handled_by_item(custom_id, kind, views.controls(interaction.message)):
            await self.on_press(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """A DM from a person: a typed command, or free text for the red-flag listener.
        Guild messages and every bot's messages (our own echo included) are ignored."""
        if message.guild is not None or message.author.bot or self._closing:
            return
        if message.type not in (discord.MessageType.default, discord.MessageType.reply):
            return
        kind, value = fmt.dm_command(message.content) or (EventKind.TEXT, message.content)
        event = Event(kind, value)
        send = _to_channel(message.channel)
        async with self._serving(message.author.id, event, lambda text: send(text, None)):
            turn = await self._turn(message.author.id, event, f"dc:msg:{message.id}")
            await self._send(send, turn.replies, turn.locale)

    # -- helpers -------------------------------------------------------------------------

    async def _acknowledge(self, interaction: discord.Interaction, *, thinking: bool) -> bool:
        """Defer within Discord's three seconds. A late or double acknowledgement is logged
        once and the event dropped unapplied (the person sees "interaction failed" and can
        press again); retrying a dead interaction would only fail again."""
        if self._closing:
            return False
        try:
            await interaction.response.defer(ephemeral=_private(interaction), thinking=thinking)
        except discord.HTTPException as exc:
            log.warning(
                "discord: could not acknowledge an interaction (HTTP %s, code %s); dropped it",
                exc.status,
                exc.code,
            )
            return False
        return True

    async def _turn(
        self, user_id: int, event: Event, event_id: str, label: str | None = None
    ) -> Turn:
        return await self.conversations.handle(
            f"dc:{user_id}", event, event_id=event_id, label=label
        )

    async def _send(self, send: Send, replies: Sequence[Reply], locale: str | None) -> None:
        """Each reply as one or more messages; the buttons ride on the last part."""
        placeholder = self.conversations.say("discord.select_placeholder", Hints(locale))
        for reply in replies:
            parts = fmt.format_reply(reply)
            for index, part in enumerate(parts, 1):
                last = index == len(parts)
                await send(part, views.build_view(reply, placeholder) if last else None)

    def _followup(self, interaction: discord.Interaction) -> Send:
        ephemeral = _private(interaction)

        async def send(content: str, view: discord.ui.View | None) -> None:
            followup = interaction.followup
            if view is None:
                await followup.send(content, ephemeral=ephemeral, wait=True)
            else:
                await followup.send(content, view=view, ephemeral=ephemeral, wait=True)

        return send

    async def _mark_answered(self, interaction: discord.Interaction, receipt: str) -> None:
        """The pressed question keeps its text, loses its buttons and shows the receipt."""
        message = interaction.message
        if message is None:
            return
        with contextlib.suppress(discord.HTTPException):  # dismissed or deleted meanwhile
            await interaction.edit_original_response(
                content=fmt.answered(message.content, receipt), view=None
            )

    def _apology(self, interaction: discord.Interaction) -> Apology:
        async def apologize(text: str) -> None:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=_private(interaction))
            else:
                await interaction.response.send_message(text, ephemeral=_private(interaction))

        return apologize

    @contextlib.asynccontextmanager
    async def _serving(self, user_id: int, event: Event, apologize: Apology) -> AsyncIterator[None]:
        """One event per person at a time (replies stay in order), counted as in flight for
        a graceful stop. An exception becomes one log line (no text, no token) and a short
        apology in the language the platform reports."""
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            async with self._lock(user_id):
                yield
        except Exception as exc:
            log.error(
                "discord: %s at %s handling %s, user %s",
                type(exc).__name__,
                error_site(exc),
                event.kind.value,
                user_ref(f"dc:{user_id}"),
            )
            with contextlib.suppress(discord.HTTPException):
                await apologize(self._say("ui.error", event.locale))
        finally:
            if task is not None:
                self._busy.discard(task)

    def _say(self, key: str, hint: str | None) -> str:
        """A text outside the conversation, in the language the platform reports."""
        return fmt.escape(self.conversations.say(key, Hints(hint)))


def _to_channel(channel: discord.abc.Messageable) -> Send:
    async def send(content: str, view: discord.ui.View | None) -> None:
        if view is None:
            await channel.send(content, allowed_mentions=views.NO_MENTIONS)
        else:
            await channel.send(content, view=view, allowed_mentions=views.NO_MENTIONS)

    return send


def _private(interaction: discord.Interaction) -> bool:
    """Replies are ephemeral (for the person alone) everywhere but the bot's own DM, which is
    private already; when in doubt, ephemeral."""
    return interaction.guild_id is not None or not interaction.context.dm_channel


def _hint(interaction: discord.Interaction) -> str | None:
    return Hints.from_platform(interaction.locale.value, unchosen=UNCHOSEN_LOCALE).tag


def _component(interaction: discord.Interaction) -> tuple[str, list[str]]:
    """The pressed ``custom_id`` and, for a menu, the chosen values."""
    data: Any = interaction.data or {}
    values = data.get("values") or []
    return str(data.get("custom_id", "")), [str(v) for v in values]
