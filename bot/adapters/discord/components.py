"""The discord.py objects the Discord adapter is made of: client, buttons, menus, commands.

They hold no conversation and no I/O of their own: every event goes straight to the adapter
(:class:`Handlers`), and every layout decision comes from :mod:`bot.adapters.discord.format`.
Kept apart from the adapter so that ``discord.py`` reads as "what happens" and this module as
"what it is made of".

Buttons and menus are plain data (see :func:`build_view`): a press is read from its
``custom_id``, so views need no per-message registry (nothing piles up in memory) and buttons
sent before a restart still work.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, Protocol, TypeAlias

import discord
from discord import app_commands

from bot.adapters.common import shorten
from bot.adapters.discord import format as fmt
from bot.core.content import normalize_locale
from bot.core.hints import Hints
from bot.core.messages import Choice, EventKind, Reply
from bot.logs import error_site
from bot.service import Conversations

log = logging.getLogger("backcheck.discord")

NO_MENTIONS: Final = discord.AllowedMentions.none()
#: Discord shows at most 25 autocomplete choices.
AUTOCOMPLETE_LIMIT: Final = 25
#: The locale Discord reports for everyone who never chose one: a language, not a country.
UNCHOSEN_LOCALE: Final = "en-US"
#: Servers, the bot's own DMs and other private channels (DMs and group DMs between people, for
#: those who installed the app to their account); replies outside the bot's DM are ephemeral.
CONTEXTS: Final = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True)
#: Added to a server by its admins, or by a person to their own account (no server needed).
INSTALLS: Final = app_commands.AppInstallationType(guild=True, user=True)
OnCommand: TypeAlias = Callable[[discord.Interaction, EventKind, str | None], Awaitable[None]]
Command: TypeAlias = app_commands.Command[Any, ..., None]
#: The menus' grey hint, rendered when a layout has menus.
Placeholder: TypeAlias = Callable[[], str]


class Handlers(Protocol):
    """What the client hands events to (the adapter)."""

    async def prepare(self) -> None: ...

    async def on_message(self, message: discord.Message) -> None: ...

    async def on_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None: ...

    async def on_interaction(self, interaction: discord.Interaction) -> None: ...


# -- the client ---------------------------------------------------------------------------------


class Client(discord.Client):
    """A discord.py client that hands every event to its adapter."""

    def __init__(self, handlers: Handlers, **options: Any) -> None:
        super().__init__(**options)
        self.handlers = handlers
        self.tree: app_commands.CommandTree[Client] = Tree(self)

    async def setup_hook(self) -> None:
        await self.handlers.prepare()

    async def on_message(self, message: discord.Message) -> None:
        await self.handlers.on_message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        await self.handlers.on_message_edit(payload)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.handlers.on_interaction(interaction)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """One line, never the arguments: they are messages and interactions (health data,
        interaction tokens). discord.py's default would log them with a traceback."""
        error = sys.exception()
        log.error("discord: %s in %s at %s", type(error).__name__, event_method, error_site(error))


class Tree(app_commands.CommandTree["Client"]):
    """The command tree, with errors logged as one line without arguments (discord.py's
    default logs a traceback, whose frames hold the interaction and its token)."""

    async def on_error(
        self, interaction: discord.Interaction[Client], error: app_commands.AppCommandError
    ) -> None:
        cause = error.__cause__ or error
        log.error("discord: %s in a slash command at %s", type(cause).__name__, error_site(cause))


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


#: Distinct layouts whose view is kept (a question's buttons in one language are one layout):
#: the flow has a few hundred, so a busy bot builds each view once instead of once per message.
VIEWS_KEPT: Final = 1024


def build_view(reply: Reply, placeholder: Placeholder) -> discord.ui.View | None:
    """The buttons (or menus) of a question; None for a reply without choices.

    The view is only the components' shape: it is stopped before it is sent, so discord.py
    keeps nothing per message and routes no press to it. Every press reaches the adapter's
    ``on_interaction`` and is read from its ``custom_id`` alone: buttons work hours later,
    after a restart, in another process, and a burst costs no view rebuilt per press.
    Being stopped, a view is also only read when sent, so one view per layout is shared by
    every message that shows it (discord.py's View and Button are most of a reply's
    rendering otherwise). ``placeholder`` (the menus' grey hint, a rendered text) is asked
    for only when the layout has menus.
    """
    question, choices = reply.question, reply.choices
    if not choices or question is None:
        return None
    text = shorten(placeholder(), fmt.PLACEHOLDER_LIMIT) if _menus(question, choices) else ""
    return _stopped_view(question, choices, text)


@functools.lru_cache(maxsize=VIEWS_KEPT)
def _menus(question: str, choices: tuple[Choice, ...]) -> bool:
    return any(isinstance(spec, fmt.SelectSpec) for spec in fmt.layout(question, choices))


@functools.lru_cache(maxsize=VIEWS_KEPT)
def _stopped_view(question: str, choices: tuple[Choice, ...], placeholder: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for spec in fmt.layout(question, choices):
        if isinstance(spec, fmt.ButtonSpec):
            view.add_item(
                discord.ui.Button(
                    label=spec.label,
                    custom_id=spec.custom_id,
                    style=discord.ButtonStyle.secondary,
                    row=spec.row,
                )
            )
        else:
            view.add_item(
                discord.ui.Select(
                    custom_id=spec.custom_id,
                    options=[discord.SelectOption(label=lb, value=v) for v, lb in spec.options],
                    placeholder=placeholder,
                    row=spec.row,
                )
            )
    view.stop()
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
    ``/forget``, ``/language [en|ru]`` and ``/country [name]`` (also ``/region``, its old name),
    each calling ``on_command``."""

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

    async def suggest(
        interaction: discord.Interaction, typed: str
    ) -> list[app_commands.Choice[str]]:
        """The countries matching what is typed so far, the likeliest for the person's
        Discord locale first; a name typed without picking one is understood too."""
        return country_suggestions(conversations, typed, platform_hint(interaction))

    @app_commands.describe(country=described("discord.option_country"))
    @app_commands.autocomplete(country=suggest)
    async def country(interaction: discord.Interaction, country: str | None = None) -> None:
        await on_command(interaction, EventKind.REGION, country)

    @app_commands.describe(region=described("discord.option_country"))
    @app_commands.autocomplete(region=suggest)
    async def region(interaction: discord.Interaction, region: str | None = None) -> None:
        await on_command(interaction, EventKind.REGION, region)

    commands = [command(name, simple(kind)) for name, kind in fmt.COMMANDS.items()]
    return [
        *commands,
        command("language", language),
        command("country", country),
        command("region", region),
    ]


def country_suggestions(
    conversations: Conversations, typed: str, hint: str | None
) -> list[app_commands.Choice[str]]:
    """Autocomplete choices for ``/country``: "🇩🇪 Germany" -> ``DE``, at most Discord's 25."""
    found = conversations.countries(typed, Hints(hint), limit=AUTOCOMPLETE_LIMIT)
    return [app_commands.Choice(name=shorten(c.label, 100), value=c.id) for c in found]


def platform_hint(interaction: discord.Interaction) -> str | None:
    """The client's language tag as a hint for the core (which orders country buttons by it
    and never decides from it); only Discord's everyone-default ``en-US`` loses its country."""
    return Hints.from_platform(interaction.locale.value, unchosen=UNCHOSEN_LOCALE).tag
