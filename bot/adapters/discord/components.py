"""The discord.py objects the Discord adapter is made of: client, buttons, menus, commands.

They hold no conversation and no I/O of their own: every event goes straight to the adapter
(:class:`Handlers`), and every layout decision comes from :mod:`bot.adapters.discord.format`.
Kept apart from the adapter so that ``discord.py`` reads as "what happens" and this module as
"what it is made of".

Buttons and menus are dynamic items (``discord.ui.DynamicItem``): discord.py rebuilds them from
the ``custom_id`` of every press, so views need no per-message registry (nothing piles up in
memory) and buttons sent before a restart still work once :func:`register_items` has run.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, Protocol, Self, TypeAlias

import discord
from discord import app_commands

from bot.adapters.common import shorten
from bot.adapters.discord import format as fmt
from bot.core.content import normalize_locale
from bot.core.hints import Hints
from bot.core.messages import EventKind, Reply
from bot.core.regions import REGIONS
from bot.logs import error_site
from bot.service import Conversations

log = logging.getLogger("backcheck.discord")

NO_MENTIONS: Final = discord.AllowedMentions.none()
#: Servers and the bot's own DMs; not group DMs, where replies could not be kept private.
CONTEXTS: Final = app_commands.AppCommandContext(guild=True, dm_channel=True)
INSTALLS: Final = app_commands.AppInstallationType(guild=True)
OnCommand: TypeAlias = Callable[[discord.Interaction, EventKind, str | None], Awaitable[None]]
Command: TypeAlias = app_commands.Command[Any, ..., None]


class Handlers(Protocol):
    """What the client hands events to (the adapter)."""

    async def prepare(self) -> None: ...

    async def on_message(self, message: discord.Message) -> None: ...

    async def on_interaction(self, interaction: discord.Interaction) -> None: ...

    async def on_press(self, interaction: discord.Interaction) -> None: ...


# -- the client ---------------------------------------------------------------------------------


class Client(discord.Client):
    """A discord.py client that hands every event to its adapter."""

    def __init__(self, handlers: Handlers, **options: Any) -> None:
        super().__init__(**options)
        self.handlers = handlers
        self.tree: app_commands.CommandTree[Client] = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        await self.handlers.prepare()

    async def on_message(self, message: discord.Message) -> None:
        await self.handlers.on_message(message)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.handlers.on_interaction(interaction)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """One line, never the arguments: they are messages and interactions (health data,
        interaction tokens). discord.py's default would log them with a traceback."""
        error = sys.exception()
        log.error("discord: %s in %s at %s", type(error).__name__, event_method, error_site(error))


class ShardedClient(Client, discord.AutoShardedClient):
    """The same client over several gateway shards (``DISCORD_SHARDS``)."""


def build_client(
    handlers: Handlers,
    *,
    shards: int | None,
    guild_ready_timeout: float,
    shard_ids: list[int] | None = None,
) -> Client:
    """A client with no privileged intents: DMs always carry their text, and guild messages are
    not read at all. ``shards`` None means one connection; 0 lets Discord pick the count.
    ``shard_ids`` runs only those shards here, so several processes can split one bot."""
    intents = discord.Intents.default()
    intents.dm_messages = True
    intents.guild_messages = False
    intents.typing = False
    options: dict[str, Any] = {
        "intents": intents,
        "guild_ready_timeout": guild_ready_timeout,
        "allowed_mentions": NO_MENTIONS,
    }
    if shards is None:
        return Client(handlers, **options)
    if shard_ids:
        return ShardedClient(handlers, shard_count=shards, shard_ids=shard_ids, **options)
    return ShardedClient(handlers, shard_count=shards or None, **options)


# -- buttons and menus --------------------------------------------------------------------------


class _Persistent:
    """What every button and menu we send shares: discord.py rebuilds it from the pressed
    component's ``custom_id`` (:meth:`rebuild`), and a press goes to the adapter."""

    @classmethod
    def rebuild(cls, item: discord.ui.Item[Any], custom_id: str) -> Self:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls.rebuild(item, match.group(0))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if isinstance(interaction.client, Client):
            await interaction.client.handlers.on_press(interaction)


class QuestionButton(
    _Persistent,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=fmt.BUTTON_TEMPLATE,
):
    """A choice button; rebuilt from its ``custom_id`` on every press, even after a restart."""

    def __init__(self, spec: fmt.ButtonSpec) -> None:
        button: discord.ui.Button[discord.ui.View] = discord.ui.Button(
            label=spec.label, custom_id=spec.custom_id, style=discord.ButtonStyle.secondary
        )
        super().__init__(button, row=spec.row)

    @classmethod
    def rebuild(cls, item: discord.ui.Item[Any], custom_id: str) -> Self:
        return cls(fmt.ButtonSpec(custom_id, getattr(item, "label", None) or "?", 0))


class QuestionSelect(
    _Persistent,
    discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
    template=fmt.SELECT_TEMPLATE,
):
    """A menu of choices, for a question whose choices don't fit as buttons."""

    def __init__(self, spec: fmt.SelectSpec, placeholder: str | None = None) -> None:
        options = [discord.SelectOption(label=label, value=value) for value, label in spec.options]
        menu: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=spec.custom_id, options=options, placeholder=placeholder
        )
        super().__init__(menu, row=spec.row)

    @classmethod
    def rebuild(cls, item: discord.ui.Item[Any], custom_id: str) -> Self:
        options = getattr(item, "options", [])
        return cls(fmt.SelectSpec(custom_id, tuple((o.value, o.label) for o in options), 0))


def register_items(client: discord.Client) -> None:
    """The one persistent handler for every button and menu we ever sent."""
    client.add_dynamic_items(QuestionButton, QuestionSelect)


def build_view(reply: Reply, placeholder: str) -> discord.ui.View | None:
    """The buttons (or menus) of a question; None for a reply without choices.

    ``timeout=None``: a question may be answered hours later, or after a restart.
    """
    if not reply.choices or reply.question is None:
        return None
    view = discord.ui.View(timeout=None)
    for spec in fmt.layout(reply.question, reply.choices):
        if isinstance(spec, fmt.ButtonSpec):
            view.add_item(QuestionButton(spec))
        else:
            view.add_item(QuestionSelect(spec, shorten(placeholder, fmt.PLACEHOLDER_LIMIT)))
    return view


def controls(message: discord.Message | None) -> list[fmt.Control]:
    """The buttons and menus on ``message``, as plain data."""
    found: list[fmt.Control] = []
    for row in message.components if message is not None else []:
        for child in getattr(row, "children", [row]):
            custom_id = getattr(child, "custom_id", None)
            if custom_id is None:
                continue
            options = tuple((o.value, o.label) for o in getattr(child, "options", []))
            label = getattr(child, "label", None) or ""
            found.append(fmt.Control(child.type.value, custom_id, label, options))
    return found


# -- slash commands -----------------------------------------------------------------------------


class CommandTexts(app_commands.Translator):
    """Command descriptions and choice names in every language we have content for.

    Each translatable string carries its content key (``locale_str(text, key=...)``); the
    default (English) text is sent as is, other locales get their own text when we have one.
    Names stay ASCII in every language, so ``/backpain`` is the same word everywhere.
    """

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        key = string.extras.get("key")
        locales = self.conversations.locales
        ours = normalize_locale(locale.value, locales)
        if key is None or ours is None or ours == locales[0]:
            return None
        return self.conversations.say(key, Hints(ours))


def build_commands(conversations: Conversations, on_command: OnCommand) -> list[Command]:
    """``/backpain``, ``/back``, ``/restart``, ``/help``, ``/about``, ``/summary``, ``/stop``,
    ``/forget``, ``/language [en|ru]`` and ``/region [eu|uk|…]``, each calling ``on_command``."""

    def described(key: str) -> app_commands.locale_str:
        default = Hints(conversations.locales[0])
        return app_commands.locale_str(conversations.say(key, default), key=key)

    def command(name: str, callback: Callable[..., Coroutine[Any, Any, None]]) -> Command:
        return app_commands.Command(
            name=name,
            description=described(f"commands.{name}"),
            callback=callback,
            allowed_contexts=CONTEXTS,
            allowed_installs=INSTALLS,
        )

    def simple(kind: EventKind) -> Callable[..., Coroutine[Any, Any, None]]:
        async def run(interaction: discord.Interaction) -> None:
            await on_command(interaction, kind, None)

        return run

    @app_commands.describe(language=described("discord.option_language"))
    @app_commands.choices(
        language=[
            app_commands.Choice(name=conversations.say("ui.language_name", Hints(loc)), value=loc)
            for loc in conversations.locales
        ]
    )
    async def language(interaction: discord.Interaction, language: str | None = None) -> None:
        await on_command(interaction, EventKind.LANGUAGE, language)

    @app_commands.describe(region=described("discord.option_region"))
    @app_commands.choices(
        region=[app_commands.Choice(name=described(f"regions.{r}"), value=r) for r in REGIONS]
    )
    async def region(interaction: discord.Interaction, region: str | None = None) -> None:
        await on_command(interaction, EventKind.REGION, region)

    commands = [command(name, simple(kind)) for name, kind in fmt.COMMANDS.items()]
    return [*commands, command("language", language), command("region", region)]
