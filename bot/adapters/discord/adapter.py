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
* Buttons carry ``bc|<question>|<choice>`` (see :mod:`bot.adapters.discord.format`) and every
  press is read from it in ``on_interaction``, so buttons sent before a restart keep working,
  and a forged or foreign ``custom_id`` reaches the core, which answers "already answered" and
  the current question.
* One response per press: an answered press edits its question into the next one; results and
  warnings are new messages (the question keeps its text and shows the answer). A turn's
  replies are packed into as few messages as fit.
* The three-second rule: an answer ready within :attr:`DiscordAdapter.reply_budget` is the
  response itself; otherwise, and always when the turn would have to wait for a worker, the
  interaction is deferred first (:mod:`bot.adapters.discord.responder`). Bursts are bounded and
  shed with "busy, try again" (:mod:`bot.adapters.discord.admission`); sockets are capped
  below the open-files limit. An interaction that is gone sends its replies by DM.
* Typed DMs, edited ones included, go to the core as text, so the red-flag detector reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Final, TypeAlias

import aiohttp
import discord

from bot.adapters.common import ChatLocks
from bot.adapters.discord import components as views
from bot.adapters.discord import format as fmt
from bot.adapters.discord.admission import Admission, StalePresses, socket_limit
from bot.adapters.discord.format import Outgoing, Placement
from bot.adapters.discord.responder import Render, Responder
from bot.core.hints import Hints
from bot.core.messages import Event, EventKind, Reply
from bot.core.pictures import Picture, picture_path
from bot.logs import error_site, user_ref
from bot.service import Conversations, Turn
from bot.settings import Settings

log = logging.getLogger("backcheck.discord")

Apology: TypeAlias = Callable[[str], Awaitable[None]]

USER_PREFIX: Final = "dc:"
#: discord.py's default wait for guilds before ``on_ready``; tests use a few milliseconds.
GUILD_READY_TIMEOUT = 2.0
START_TIMEOUT: Final = 60.0
STOP_GRACE: Final = 10.0
#: How long a turn may take before the interaction is deferred instead of answered directly
#: (Discord allows three seconds for the first response; the rest is margin).
REPLY_BUDGET: Final = 1.0
#: The language tag Discord reports for everyone who never changed theirs: it names a language,
#: not a country (see :meth:`bot.core.hints.Hints.from_platform`).
UNCHOSEN_LOCALE: Final = views.UNCHOSEN_LOCALE
_hint = views.platform_hint


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
        admission: Admission | None = None,
        reply_budget: float = REPLY_BUDGET,
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
        self.admission = admission or Admission()
        self.stale = StalePresses()
        self.reply_budget = reply_budget
        #: Command name -> id from the last sync, for ``</name:id>`` mentions in texts.
        self.mentions: dict[str, int] = {}
        #: How texts name the commands here (``{start}``): slash names, mentions once synced.
        self.commands: dict[str, str] = fmt.command_names()
        self._gateway: asyncio.Task[None] | None = None
        self._lock = ChatLocks()
        self._busy: set[asyncio.Task[Any]] = set()
        self._closing = False

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (which runs :meth:`prepare`), connect, and return once Discord says ready."""
        token = self.settings.discord_token
        assert token is not None
        # discord.py's own pool has no limit: a burst would open a socket per request.
        self.client.http.connector = aiohttp.TCPConnector(limit=socket_limit())
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

        A person who installed the app for their account only (no shared server) is reached
        the same way. False when the key is not a Discord user or the person can't be reached
        (DMs from the bot turned off, account gone); other failures raise for the scheduler.
        """
        if not user.startswith(USER_PREFIX):
            return False
        user_id = int(user.removeprefix(USER_PREFIX))
        async with self._lock(user_id):
            return await self._direct(user_id, self._pack(replies), self._renderer(None))

    async def prepare(self) -> None:
        """Before connecting (discord.py's ``setup_hook``): the press handler and the slash
        commands, synced to one guild when ``DISCORD_GUILD_ID`` is set (instant, for testing
        a bot) or globally. The ids Discord gives back become command mentions in texts."""
        tree = self.client.tree
        for command in views.build_commands(self.conversations, self.on_command):
            tree.add_command(command)
        await tree.set_translator(views.CommandTexts(self.conversations))
        guild_id = self.settings.discord_guild_id
        try:
            if guild_id is None:
                synced = await tree.sync()
            else:
                guild = discord.Object(id=guild_id)
                tree.copy_global_to(guild=guild)
                synced = await tree.sync(guild=guild)
        except discord.HTTPException as exc:
            log.warning("discord: could not sync the slash commands: %s %s", exc.status, exc.code)
            return
        self.mentions = {command.name: command.id for command in synced}
        self.commands = fmt.command_names(self.mentions)

    # -- events --------------------------------------------------------------------------

    async def on_command(
        self, interaction: discord.Interaction, kind: EventKind, value: str | None = None
    ) -> None:
        """A slash command: its answer as the response, or "thinking…" and then the answer."""
        event = Event(kind, value, locale=_hint(interaction), commands=self.commands)
        await self._interact(interaction, event)

    async def on_press(self, interaction: discord.Interaction) -> None:
        """A button or menu: one response (see :func:`bot.adapters.discord.format.placement`)."""
        custom_id, values = _component(interaction)
        press = fmt.read_press(custom_id, values)
        label = fmt.pressed_label(views.controls(interaction.message), custom_id, values)
        event = Event(
            EventKind.CHOICE, press.choice, press.question, _hint(interaction), self.commands
        )
        await self._interact(interaction, event, label)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Every button and menu press, ours or forged (slash commands go through the tree)."""
        if interaction.type is discord.InteractionType.component:
            await self.on_press(interaction)

    async def on_message(self, message: discord.Message) -> None:
        """A DM from a person: a typed command, or free text for the red-flag listener.
        Guild messages and every bot's messages (our own echo included) are ignored."""
        if not self._from_person(message):
            return
        kind, value = fmt.dm_command(message.content) or (EventKind.TEXT, message.content)
        event = Event(kind, value, commands=self.commands)
        await self._converse(message, event, f"dc:msg:{message.id}")

    async def on_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited DM is read again, as text: a danger sign added by an edit is not missed.
        Updates that are no edit (Discord filling in a link preview) are ignored."""
        message = payload.message
        before = payload.cached_message
        if not self._from_person(message) or message.edited_at is None or not message.content:
            return
        if before is not None and before.content == message.content:
            return
        edited = int(message.edited_at.timestamp() * 1000)
        event = Event(EventKind.TEXT, message.content, commands=self.commands)
        await self._converse(message, event, f"dc:edit:{message.id}:{edited}")

    # -- interactions --------------------------------------------------------------------

    async def _interact(
        self, interaction: discord.Interaction, event: Event, label: str | None = None
    ) -> None:
        """Admit, answer within the deadline, run the turn, send what it says."""
        if self._closing:
            return
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        user_id = interaction.user.id
        press = event.kind is EventKind.CHOICE
        responder = Responder(
            interaction,
            private=_private(interaction),
            press=press,
            render=self._renderer(event.locale),
            fallback=lambda messages: self._direct(user_id, messages, responder.render),
        )
        if press and (
            self.stale.stale(user_id, _press_key(event)) or self.admission.flooding(user_id)
        ):
            await responder.defer()  # refused a moment ago, or one of a volley: no write
            return
        if not self.admission.admit(user_id):
            await responder.send([Outgoing(self._say("discord.busy", event.locale, user_id))])
            return
        try:
            if not self.admission.free(user_id) or self._lock(user_id).locked():
                with self.admission.acknowledging():  # it would wait: acknowledge first
                    await responder.defer()
            async with self._serving(user_id, event, self._apology(responder)):
                if press and self.stale.stale(user_id, _press_key(event)):
                    await responder.send([])  # refused while this one waited its turn
                    return
                work = asyncio.ensure_future(self._work(user_id, event, interaction.id, label))
                if not responder.acknowledged:
                    left = self.reply_budget - (loop.time() - arrived)
                    done, _ = await asyncio.wait({work}, timeout=max(left, 0.0))
                    if not done:
                        await responder.defer()
                turn = await work
                await self._answer(responder, event, turn)
        finally:
            self.admission.release(user_id)

    async def _work(self, user_id: int, event: Event, iid: int, label: str | None) -> Turn:
        async with self.admission.slot():
            return await self._turn(user_id, event, f"dc:{iid}", label)

    async def _answer(self, responder: Responder, event: Event, turn: Turn) -> None:
        if turn.duplicate:
            await responder.send([])
            return
        press = event.kind is EventKind.CHOICE
        if press and turn.refused:
            self.stale.note(responder.interaction.user.id, _press_key(event))
        else:
            self.stale.forget(responder.interaction.user.id)
        messages = self._pack(turn.replies)
        responder.render = self._renderer(turn.locale)
        where = Placement.NEW
        if messages:
            where = fmt.placement(
                press=press, recorded=turn.recorded, replies=turn.replies, first=messages[0]
            )
        await responder.send(messages, where, receipt=turn.receipt, so_far=turn.so_far)

    # -- direct messages -----------------------------------------------------------------

    def _from_person(self, message: discord.Message) -> bool:
        return (
            message.guild is None
            and not message.author.bot
            and not self._closing
            and message.type in (discord.MessageType.default, discord.MessageType.reply)
        )

    async def _converse(self, message: discord.Message, event: Event, event_id: str) -> None:
        channel = message.channel
        user_id = message.author.id
        render = self._renderer(None)

        async def send(messages: Sequence[Outgoing]) -> None:
            for outgoing in messages:
                await channel.send(allowed_mentions=views.NO_MENTIONS, **render(outgoing))

        if not self.admission.admit(user_id):
            with contextlib.suppress(discord.HTTPException):
                await send([Outgoing(self._say("discord.busy", None, user_id))])
            return
        try:
            apology: Apology = lambda text: send([Outgoing(text)])  # noqa: E731
            async with self._serving(user_id, event, apology):
                async with self.admission.slot():
                    turn = await self._turn(user_id, event, event_id)
                self.stale.forget(user_id)
                render = self._renderer(turn.locale)
                await send(self._pack(turn.replies))
        finally:
            self.admission.release(user_id)

    async def _direct(self, user_id: int, messages: Sequence[Outgoing], render: Render) -> bool:
        """``messages`` by DM; False (and one log line) when the person takes no DMs."""
        if not messages:
            return True
        try:
            channel = await self.client.create_dm(discord.Object(id=user_id))
            for outgoing in messages:
                await channel.send(allowed_mentions=views.NO_MENTIONS, **render(outgoing))
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("discord: cannot DM user %s (code %s)", user_ref(f"dc:{user_id}"), exc.code)
            return False
        return True

    # -- helpers -------------------------------------------------------------------------

    async def _turn(
        self, user_id: int, event: Event, event_id: str, label: str | None = None
    ) -> Turn:
        return await self.conversations.handle(
            f"dc:{user_id}", event, event_id=event_id, label=label
        )

    def _pack(self, replies: Sequence[Reply]) -> list[Outgoing]:
        return fmt.pack(replies)

    def _renderer(self, locale: str | None) -> Render:
        """How messages to someone speaking ``locale`` become discord.py keyword arguments."""

        def placeholder() -> str:  # asked for by menus only: most questions have buttons
            return self.conversations.say(
                "discord.select_placeholder", Hints(locale, self.commands)
            )

        def render(outgoing: Outgoing) -> dict[str, Any]:
            kwargs: dict[str, Any] = {"content": outgoing.content}
            if outgoing.buttons is not None:
                view = views.build_view(outgoing.buttons, placeholder)
                if view is not None:
                    kwargs["view"] = view
            if outgoing.image is not None:
                path = self._picture(outgoing.image)
                if path is not None:  # a fresh File each time: discord.py reads it once
                    picture = discord.File(path, filename=path.name, description=outgoing.alt)
                    kwargs["files"] = [picture]
            return kwargs

        return render

    def _picture(self, key: str) -> Path | None:
        """The PNG of a picture key; None (and one line) for an unknown key or missing file:
        the caption still goes out, and the steps read well without the picture."""
        try:
            path = picture_path(self.settings.content, Picture(key))
        except ValueError:
            log.warning("discord: unknown picture key %r; sending the caption alone", key)
            return None
        if not path.is_file():
            log.warning("discord: picture %s is missing; sending the caption alone", path.name)
            return None
        return path

    def _apology(self, responder: Responder) -> Apology:
        async def apologize(text: str) -> None:
            await responder.send([Outgoing(text)])

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
            with contextlib.suppress(discord.HTTPException, aiohttp.ClientError, OSError):
                await apologize(self._say("ui.error", event.locale, user_id))
        finally:
            if task is not None:
                self._busy.discard(task)

    def _say(self, key: str, hint: str | None, user_id: int | None = None) -> str:
        """A text outside the conversation, in the language the platform reports, with the
        person's emergency number when they told us their country."""
        who = f"{USER_PREFIX}{user_id}" if user_id is not None else None
        return fmt.escape(self.conversations.say(key, Hints(hint, self.commands), user=who))


def _private(interaction: discord.Interaction) -> bool:
    """Replies are ephemeral (for the person alone) everywhere but the bot's own DM, which is
    private already; when in doubt, ephemeral."""
    return interaction.guild_id is not None or not interaction.context.dm_channel


def _press_key(event: Event) -> str:
    return f"{event.question}|{event.value}"


def _component(interaction: discord.Interaction) -> tuple[str, list[str]]:
    """The pressed ``custom_id`` and, for a menu, the chosen values."""
    data: Any = interaction.data or {}
    values = data.get("values") or []
    return str(data.get("custom_id", "")), [str(v) for v in values]
