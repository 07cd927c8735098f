"""A fake Discord (REST API + gateway WebSocket) for end-to-end tests.

Why it exists: the Discord adapter has to be tested with the *real* discord.py over real HTTP and
a real WebSocket, because the bugs that hurt in production live in the wire protocol: the
three-second acknowledgement rule, ephemeral flags, views routed by message id, persistent
``custom_id``s that must survive a restart, the bot's own messages echoed back by the gateway.
Mocks inside discord.py would hide exactly those. This module is an aiohttp server on 127.0.0.1
(random port) that behaves like Discord for the calls a bot makes, enforces Discord's documented
limits with Discord's error codes, and keeps the state a test asserts on.

Typical use::

    async with FakeDiscord(token="t0ken", interaction_deadline=3.0) as fake:
        undo = fake.patch_discord()   # process-global class attributes; undone on exit too
        bot = MyClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        await bot.login(fake.token)
        task = asyncio.create_task(bot.connect())
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        await bot.tree.sync()
        iid = await fake.slash_command("checkin", {"level": 3})
        reply = await fake.wait_for("interaction_response", lambda e: e.interaction_id == iid)
        await fake.click_button(reply.message, "Better")
        ...
        await bot.close()
        await asyncio.wait_for(task, 5)
        undo()

API at a glance (all on :class:`FakeDiscord`):

* set-up: ``patch_discord() -> undo``, ``make_user(id, name, locale=)``, ``default_user``,
  ``bystander``, ``bot_user``, ``guild_id``, ``channel_id``, ``dm_channel_id(user)``,
  ``add_channel(name)``, ``dm_closed``;
* user actions: ``slash_command``, ``click_button``, ``choose``, ``submit_modal``, ``send_dm``,
  ``edit_dm``, ``send_channel_message``, ``drop_connections``;
* what the bot did: ``await wait_for(kind, predicate, timeout=)`` with kinds ``ready``,
  ``resumed``, ``interaction_response``, ``followup``, ``message_create`` (channel/DM posts),
  ``message_update``, ``message_delete``, ``commands_sync``, ``unknown_route``;
* state: ``messages`` (id -> :class:`FakeMessage`), ``message(ref)``, ``visible_to(user)``,
  ``bot_messages()``, ``interactions`` (id -> :class:`FakeInteraction`), ``global_commands``,
  ``guild_commands``, ``find_command(name)``, ``requests``, ``unknown_routes``,
  ``identify_payloads``, ``gateway_ops``, ``gateway_connections``, ``events``.

Design rules:

* Everything the bot *does* becomes a :class:`FakeEvent` (``wait_for`` hands each one out once, as
  a deep-copied snapshot). Everything a *user* does is a coroutine on :class:`FakeDiscord`
  (``slash_command``, ``click_button``, ``choose``, ``submit_modal``, ``send_dm``...), which
  returns once the gateway frame is on the wire.
* Current state (messages incl. later edits, interactions, registered commands) lives in plain
  attributes and survives bot restarts, so "button pressed after a restart" can be tested.
* Test helpers refuse what a real Discord client would never let a user do (clicking a disabled
  button, picking an undeclared choice, seeing someone else's ephemeral message) with an
  ``AssertionError``; the *bot's* mistakes get Discord's real HTTP errors instead.
* Only one fake per process: ``patch_discord`` sets class attributes of discord.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import json
import re
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, TypeAlias, get_args

import yarl
from aiohttp import BodyPartReader, WSMsgType, web

from tests.fakes.snapshot import snapshot

JSON: TypeAlias = dict[str, Any]
Handler: TypeAlias = Callable[[web.Request], Awaitable[web.StreamResponse]]

EventKind = Literal[
    "ready",
    "resumed",
    "interaction_response",
    "followup",
    "message_create",
    "message_update",
    "message_delete",
    "commands_sync",
    "unknown_route",
]
EVENT_KINDS: Final[frozenset[str]] = frozenset(get_args(EventKind))

API_PREFIX: Final = "/api/v10"
DISCORD_EPOCH_MS: Final = 1_420_070_400_000

# Message flags.
SUPPRESS_EMBEDS: Final = 1 << 2
EPHEMERAL: Final = 1 << 6
LOADING: Final = 1 << 7
SUPPRESS_NOTIFICATIONS: Final = 1 << 12
IS_COMPONENTS_V2: Final = 1 << 15

# Gateway intents the fake looks at.
INTENT_GUILDS: Final = 1 << 0
INTENT_GUILD_MEMBERS: Final = 1 << 1
INTENT_GUILD_PRESENCES: Final = 1 << 8
INTENT_GUILD_MESSAGES: Final = 1 << 9
INTENT_DIRECT_MESSAGES: Final = 1 << 12
INTENT_MESSAGE_CONTENT: Final = 1 << 15
PRIVILEGED_INTENTS: Final = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Interaction types and the callback types Discord accepts for each.
APPLICATION_COMMAND: Final = 2
MESSAGE_COMPONENT: Final = 3
AUTOCOMPLETE: Final = 4
MODAL_SUBMIT: Final = 5
CB_MESSAGE: Final = 4
CB_DEFERRED_MESSAGE: Final = 5
CB_DEFERRED_UPDATE: Final = 6
CB_UPDATE: Final = 7
CB_AUTOCOMPLETE: Final = 8
CB_MODAL: Final = 9
ALLOWED_CALLBACKS: Final[Mapping[int, frozenset[int]]] = {
    APPLICATION_COMMAND: frozenset({CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_MODAL}),
    MESSAGE_COMPONENT: frozenset(
        {CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE, CB_MODAL}
    ),
    AUTOCOMPLETE: frozenset({CB_AUTOCOMPLETE}),
    MODAL_SUBMIT: frozenset({CB_MESSAGE, CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE, CB_UPDATE}),
}

# Component types.
ACTION_ROW: Final = 1
BUTTON: Final = 2
STRING_SELECT: Final = 3
TEXT_INPUT: Final = 4
SELECT_TYPES: Final = frozenset({3, 5, 6, 7, 8})
LINK_STYLE: Final = 5
PREMIUM_STYLE: Final = 6

ALL_PERMISSIONS: Final = str((1 << 51) - 1)
ATTACHMENT_SIZE_LIMIT: Final = 10 * 1024 * 1024

# Locales Discord accepts as keys of name_localizations / description_localizations.
# fmt: off
VALID_LOCALES: Final = frozenset({
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu",
    "nl", "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru",
    "uk", "hi", "th", "zh-CN", "ja", "zh-TW", "ko",
})
# fmt: on
_CHAT_INPUT_NAME: Final = re.compile(r"^[-_'\w]{1,32}$")

DEFAULT_BOT_ID: Final = 1_300_000_000_000_000_001
DEFAULT_GUILD_ID: Final = 1_300_000_000_000_000_100
DEFAULT_CHANNEL_ID: Final = 1_300_000_000_000_000_101
DEFAULT_USER_ID: Final = 1_300_000_000_000_001_001
BYSTANDER_ID: Final = 1_300_000_000_000_001_002


# The parsed body of the REST request being handled (set by the middleware, same task).
_REQUEST_BODY: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "fake_discord_body", default=None
)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


class _Snowflakes:
    """Time-based, strictly increasing ids, so discord.py's ``created_at`` looks sane."""

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        if candidate <= self._last:
            candidate = self._last + 1
        self._last = candidate
        return candidate


class ApiError(Exception):
    """A Discord-style error answer: HTTP status plus the JSON body ``{code, message, errors}``."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        out: JSON = {"code": self.code, "message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


def _form_error(path: Sequence[str | int], code: str, message: str) -> ApiError:
    """400 / 50035 "Invalid Form Body" with Discord's nested ``errors`` object.

    discord.py flattens it into ``In components.0.components.5: <message>``, so tests can match
    the field path as well as the rule.
    """
    errors: JSON = {"_errors": [{"code": code, "message": message}]}
    for key in reversed(path):
        errors = {str(key): errors}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def _json_response(payload: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": discord.py compares the header with ==, and aiohttp's
    # json_response() appends "; charset=utf-8", which makes discord.py treat the body as text.
    return web.Response(
        status=status,
        body=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )


# --------------------------------------------------------------------------------------------
# State objects (what tests read)
# --------------------------------------------------------------------------------------------


@dataclass
class FakeUser:
    """A Discord user. ``locale`` is what the user's client reports in interactions."""

    id: int
    name: str
    locale: str = "en-US"
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": re.sub(r"\s+", "_", self.name.lower()),
            "global_name": None if self.bot else self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class FakeChannel:
    """A guild text channel (type 0) or a DM channel with one user (type 1)."""

    id: int
    type: int
    name: str
    guild_id: int | None = None
    recipient_id: int | None = None
    position: int = 0

    @property
    def is_dm(self) -> bool:
        return self.type == 1


def _walk_components(components: Sequence[JSON]) -> Iterator[JSON]:
    """Every component, depth first, through rows, containers, sections and labels."""
    for component in components:
        yield component
        yield from _walk_components(component.get("components") or [])
        for key in ("accessory", "component"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from _walk_components([child])


@dataclass
class FakeMessage:
    """A message as Discord currently stores it (later edits are applied in place).

    ``audience`` answers "who can see this?": ``None`` means everybody who can read the channel
    (every guild member for a guild channel); otherwise only those user ids (the interaction
    user for an ephemeral message, the other party for a DM).
    """

    id: int
    channel_id: int
    author: FakeUser
    guild_id: int | None = None
    content: str = ""
    components: list[JSON] = field(default_factory=list)
    embeds: list[JSON] = field(default_factory=list)
    attachments: list[JSON] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    audience: frozenset[int] | None = None
    interaction_id: int | None = None
    interaction_metadata: JSON | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    message_reference: JSON | None = None
    timestamp: str = field(default_factory=_now_iso)
    edited_timestamp: str | None = None
    edits: int = 0
    deleted: bool = False
    extra: JSON = field(default_factory=dict)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """A deferred response ("Bot is thinking...") that has not been filled yet."""
        return bool(self.flags & LOADING)

    @property
    def in_dm(self) -> bool:
        return self.guild_id is None

    @property
    def from_bot(self) -> bool:
        return self.author.bot

    @property
    def buttons(self) -> list[JSON]:
        return [c for c in _walk_components(self.components) if c.get("type") == BUTTON]

    @property
    def selects(self) -> list[JSON]:
        return [c for c in _walk_components(self.components) if c.get("type") in SELECT_TYPES]

    @property
    def labels(self) -> list[str]:
        """Button labels in display order; handy for ``assert msg.labels == ["Yes", "No"]``."""
        return [str(b.get("label") or "") for b in self.buttons]

    @property
    def custom_ids(self) -> list[str]:
        return [str(c["custom_id"]) for c in _walk_components(self.components) if "custom_id" in c]

    def visible_to(self, user: FakeUser | int) -> bool:
        """Could ``user`` see this message (assuming guild membership for guild channels)?"""
        uid = user.id if isinstance(user, FakeUser) else user
        if self.deleted:
            return False
        if uid == self.author.id:
            return True
        return self.audience is None or uid in self.audience

    def payload(self) -> JSON:
        """The message object as Discord's REST API and gateway return it."""
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "author": self.author.payload(),
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": snapshot(self.attachments),
            "embeds": snapshot(self.embeds),
            "components": snapshot(self.components),
            "pinned": False,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = snapshot(self.interaction_metadata)
        if self.message_reference is not None:
            data["message_reference"] = snapshot(self.message_reference)
        for key, value in self.extra.items():
            data.setdefault(key, snapshot(value))
        return data


@dataclass
class FakeInteraction:
    """One interaction the fake dispatched, and what the bot did with it.

    ``error`` is the last error body the fake answered for this interaction (e.g.
    ``{"code": 10062, ...}`` for a late acknowledgement); ``errors`` keeps all of them.
    """

    id: int
    token: str
    type: int
    user: FakeUser
    channel_id: int
    guild_id: int | None
    locale: str
    payload: JSON
    created_at: float
    message_id: int | None = None
    responded: bool = False
    response_type: int | None = None
    response: JSON | None = None
    response_delay: float | None = None
    original_message_id: int | None = None
    followups: list[int] = field(default_factory=list)
    error: JSON | None = None
    errors: list[JSON] = field(default_factory=list)
    modal: JSON | None = None
    autocomplete_choices: list[JSON] | None = None

    @property
    def in_dm(self) -> bool:
        return self.guild_id is None

    @property
    def name(self) -> str:
        """The command name, or the component's / modal's ``custom_id``."""
        data = self.payload.get("data") or {}
        return str(data.get("name") or data.get("custom_id") or "")

    @property
    def deferred(self) -> bool:
        return self.response_type in (CB_DEFERRED_MESSAGE, CB_DEFERRED_UPDATE)


@dataclass
class FakeEvent:
    """Something the bot did, as a snapshot taken when it happened.

    ``data`` is the JSON the bot sent (or, for ``ready``/``resumed``/``commands_sync``, a summary);
    ``message`` is the affected message *after* the change; ``status`` is what the fake answered.
    Failed attempts are events too, so a test can wait for the 10062 it expects.
    """

    seq: int
    kind: EventKind
    data: Any = None
    message: FakeMessage | None = None
    interaction_id: int | None = None
    status: int = 200
    error: JSON | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        parts: list[str] = [self.kind]
        if self.interaction_id is not None:
            parts.append(f"iid={self.interaction_id}")
        if isinstance(self.data, dict) and "type" in self.data and self.kind.startswith("inter"):
            parts.append(f"type={self.data['type']}")
        if self.status != 200:
            parts.append(f"status={self.status}")
        if self.error:
            parts.append(f"error={self.error.get('code')}:{self.error.get('message')}")
        if self.message is not None:
            m = self.message
            tags = "".join(
                t for t, on in (("E", m.ephemeral), ("D", m.in_dm), ("L", m.loading)) if on
            )
            parts.append(f"msg={m.id}[{tags}] {m.content[:60]!r} buttons={m.labels}")
        elif self.kind == "unknown_route" and isinstance(self.data, dict):
            parts.append(f"{self.data.get('method')} {self.data.get('path')}")
        elif self.kind == "commands_sync" and isinstance(self.data, dict):
            names = [c.get("name") for c in self.data.get("commands", [])]
            parts.append(f"scope={self.data.get('scope')} {names}")
        return " ".join(parts)


@dataclass
class RecordedRequest:
    """One REST request: what came in and what the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None
    status: int = 0
    response: Any = None


# --------------------------------------------------------------------------------------------
# Validation of what the bot sends (Discord's documented limits, Discord's error codes)
# --------------------------------------------------------------------------------------------


def _check_len(
    value: Any, path: Sequence[str | int], lo: int, hi: int, *, required: bool = True
) -> None:
    if value is None:
        if required:
            raise _form_error(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    text = str(value)
    if len(text) > hi:
        if lo == 0:
            raise _form_error(path, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length.")
        raise _form_error(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")
    if len(text) < lo:
        raise _form_error(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")


def _check_custom_id(component: JSON, path: list[str | int], seen: set[str]) -> None:
    custom_id = component.get("custom_id")
    _check_len(custom_id, [*path, "custom_id"], 1, 100)
    if custom_id in seen:
        raise _form_error(
            [*path, "custom_id"],
            "COMPONENT_CUSTOM_ID_DUPLICATED",
            "Component custom id cannot be duplicated",
        )
    seen.add(str(custom_id))


def _validate_interactive(component: JSON, path: list[str | int], seen: set[str]) -> None:
    ctype = component.get("type")
    if ctype == BUTTON:
        style = component.get("style")
        if style not in (1, 2, 3, 4, 5, 6):
            raise _form_error([*path, "style"], "BASE_TYPE_CHOICES", "Value must be one of 1-6.")
        if style == LINK_STYLE:
            if not component.get("url"):
                raise _form_error([*path, "url"], "BASE_TYPE_REQUIRED", "This field is required")
            if "custom_id" in component:
                raise _form_error(
                    [*path, "custom_id"],
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A custom id cannot be set for a link button",
                )
        elif style == PREMIUM_STYLE:
            if not component.get("sku_id"):
                raise _form_error([*path, "sku_id"], "BASE_TYPE_REQUIRED", "This field is required")
        else:
            _check_custom_id(component, path, seen)
        label = component.get("label")
        _check_len(label, [*path, "label"], 0, 80, required=False)
        if style != PREMIUM_STYLE and not label and not component.get("emoji"):
            raise _form_error(
                [*path, "label"],
                "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                "A label or an emoji is required",
            )
    elif ctype in SELECT_TYPES:
        _check_custom_id(component, path, seen)
        _check_len(component.get("placeholder"), [*path, "placeholder"], 0, 150, required=False)
        min_values = int(component.get("min_values", 1))
        max_values = int(component.get("max_values", 1))
        if not 0 <= min_values <= 25:
            raise _form_error([*path, "min_values"], "NUMBER_TYPE_MAX", "Must be 0 to 25.")
        if not 1 <= max_values <= 25 or max_values < min_values:
            raise _form_error([*path, "max_values"], "NUMBER_TYPE_MAX", "Must be 1 to 25.")
        if ctype == STRING_SELECT:
            options = component.get("options") or []
            if not 1 <= len(options) <= 25:
                raise _form_error(
                    [*path, "options"],
                    "BASE_TYPE_BAD_LENGTH",
                    "Must be between 1 and 25 in length.",
                )
            values: set[str] = set()
            for k, option in enumerate(options):
                opath: list[str | int] = [*path, "options", k]
                _check_len(option.get("label"), [*opath, "label"], 1, 100)
                _check_len(option.get("value"), [*opath, "value"], 1, 100)
                _check_len(
                    option.get("description"), [*opath, "description"], 0, 100, required=False
                )
                if option.get("value") in values:
                    raise _form_error(
                        [*opath, "value"],
                        "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                        "Select component option value cannot be duplicated",
                    )
                values.add(str(option.get("value")))
            if max_values > len(options):
                raise _form_error(
                    [*path, "max_values"],
                    "SELECT_COMPONENT_MAX_VALUES_TOO_HIGH",
                    "max_values must be less than or equal to the number of options",
                )
    else:
        raise _form_error(
            [*path, "type"],
            "UNION_TYPE_CHOICES",
            'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).',
        )


def _validate_action_row(row: JSON, path: list[str | int], seen: set[str]) -> None:
    if row.get("type") != ACTION_ROW:
        raise _form_error([*path, "type"], "UNION_TYPE_CHOICES", 'Value of field "type" must be 1.')
    children = row.get("components") or []
    if not 1 <= len(children) <= 5:
        raise _form_error(
            [*path, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    if len(children) > 1 and any(c.get("type") in SELECT_TYPES for c in children):
        raise _form_error(
            [*path, "components"],
            "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
            "The specified component exceeds the maximum width",
        )
    for j, child in enumerate(children):
        _validate_interactive(child, [*path, "components", j], seen)


def _validate_v2(components: list[JSON], path: list[str | int], seen: set[str]) -> int:
    """Components V2 layout: returns the number of components (Discord allows 40 in total)."""
    count = 0
    for i, component in enumerate(components):
        cpath: list[str | int] = [*path, i]
        count += 1
        ctype = component.get("type")
        if ctype == ACTION_ROW:
            _validate_action_row(component, cpath, seen)
            count += len(component.get("components") or [])
        elif ctype == BUTTON or ctype in SELECT_TYPES:
            _validate_interactive(component, cpath, seen)
        elif ctype == 10:
            _check_len(component.get("content"), [*cpath, "content"], 1, 4000)
        else:
            count += _validate_v2(component.get("components") or [], [*cpath, "components"], seen)
            accessory = component.get("accessory")
            if isinstance(accessory, dict):
                count += 1
                if accessory.get("type") == BUTTON:
                    _validate_interactive(accessory, [*cpath, "accessory"], seen)
    return count


def validate_components(components: Any, flags: int = 0) -> None:
    """Discord's component rules: at most 5 action rows of at most 5 buttons (a select fills a
    row alone), ``custom_id`` 1-100 characters and unique, button labels at most 80 characters,
    string selects with 1-25 options. With the Components V2 flag, at most 40 components."""
    if components is None:
        return
    if not isinstance(components, list):
        raise _form_error(["components"], "LIST_TYPE_CONVERT", "Must be a list.")
    seen: set[str] = set()
    if flags & IS_COMPONENTS_V2:
        if _validate_v2(components, ["components"], seen) > 40:
            raise _form_error(
                ["components"],
                "COMPONENT_MAX_TOTAL_COMPONENTS_EXCEEDED",
                "The maximum number of components was exceeded (40).",
            )
        return
    if len(components) > 5:
        raise _form_error(["components"], "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
    for i, row in enumerate(components):
        _validate_action_row(row, ["components", i], seen)


def validate_message_body(body: JSON, *, creating: bool) -> None:
    """Content at most 2000 characters, at most 10 embeds within Discord's sizes, valid
    components, and (when creating) not empty."""
    content = body.get("content")
    if content is not None:
        _check_len(content, ["content"], 0, 2000)
    embeds = body.get("embeds")
    if embeds:
        if len(embeds) > 10:
            raise _form_error(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.")
        total = 0
        for i, embed in enumerate(embeds):
            _check_len(embed.get("title"), ["embeds", i, "title"], 0, 256, required=False)
            _check_len(
                embed.get("description"), ["embeds", i, "description"], 0, 4096, required=False
            )
            fields = embed.get("fields") or []
            if len(fields) > 25:
                raise _form_error(
                    ["embeds", i, "fields"],
                    "BASE_TYPE_MAX_LENGTH",
                    "Must be 25 or fewer in length.",
                )
            total += len(embed.get("title") or "") + len(embed.get("description") or "")
            total += sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
        if total > 6000:
            raise _form_error(
                ["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000"
            )
    flags = int(body.get("flags") or 0)
    if flags & IS_COMPONENTS_V2 and (content or embeds):
        raise _form_error(
            ["content"],
            "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
            "The 'content' and 'embeds' fields cannot be used with IS_COMPONENTS_V2",
        )
    validate_components(body.get("components"), flags)
    if creating and not (
        content
        or embeds
        or body.get("components")
        or body.get("attachments")
        or body.get("sticker_ids")
        or body.get("poll")
        or body.get("__files__")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


def validate_modal(data: JSON) -> None:
    """Modal rules: custom_id 1-100, title 1-45, 1-5 top-level components, text inputs sane."""
    _check_len(data.get("custom_id"), ["data", "custom_id"], 1, 100)
    _check_len(data.get("title"), ["data", "title"], 1, 45)
    components = data.get("components") or []
    if not 1 <= len(components) <= 5:
        raise _form_error(
            ["data", "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    seen: set[str] = set()
    for i, component in enumerate(_walk_components(components)):
        path: list[str | int] = ["data", "components", i]
        if component.get("type") == TEXT_INPUT:
            _check_custom_id(component, path, seen)
            if component.get("style", 1) not in (1, 2):
                raise _form_error([*path, "style"], "BASE_TYPE_CHOICES", "Value must be 1 or 2.")
            _check_len(component.get("label"), [*path, "label"], 0, 45, required=False)
            _check_len(component.get("value"), [*path, "value"], 0, 4000, required=False)
            _check_len(component.get("placeholder"), [*path, "placeholder"], 0, 100, required=False)
        elif component.get("type") == 18:
            _check_len(component.get("label"), [*path, "label"], 1, 45)
        elif component.get("type") in SELECT_TYPES:
            _validate_interactive(component, path, seen)


def _validate_localizations(
    value: Any, path: list[str | int], check: Callable[[Any, list[str | int]], None]
) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        raise _form_error(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    for locale, text in value.items():
        if locale not in VALID_LOCALES:
            raise _form_error([*path, locale], "LOCALE_NOT_VALID", f"Invalid locale {locale!r}.")
        check(text, [*path, locale])


def _check_chat_input_name(name: Any, path: list[str | int]) -> None:
    text = str(name or "")
    if not _CHAT_INPUT_NAME.match(text) or text != text.lower():
        raise _form_error(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name is invalid: {text!r} (1-32 lowercase letters, digits, - _ ').",
        )


def _check_description(text: Any, path: list[str | int]) -> None:
    _check_len(text, path, 1, 100)


def _validate_options(options: Any, path: list[str | int]) -> None:
    if options is None:
        return
    if len(options) > 25:
        raise _form_error(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    seen_optional = False
    for i, option in enumerate(options):
        opath: list[str | int] = [*path, i]
        _check_chat_input_name(option.get("name"), [*opath, "name"])
        if option.get("name") in names:
            raise _form_error(
                [*opath, "name"],
                "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(str(option.get("name")))
        _check_description(option.get("description"), [*opath, "description"])
        _validate_localizations(
            option.get("name_localizations"),
            [*opath, "name_localizations"],
            _check_chat_input_name,
        )
        _validate_localizations(
            option.get("description_localizations"),
            [*opath, "description_localizations"],
            _check_description,
        )
        if option.get("type") in (1, 2):
            _validate_options(option.get("options"), [*opath, "options"])
            continue
        if option.get("required"):
            if seen_optional:
                raise _form_error(
                    [*opath, "required"],
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            seen_optional = True
        choices = option.get("choices")
        if choices:
            if len(choices) > 25:
                raise _form_error(
                    [*opath, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            for k, choice in enumerate(choices):
                cpath: list[str | int] = [*opath, "choices", k]
                _check_len(choice.get("name"), [*cpath, "name"], 1, 100)
                _validate_localizations(
                    choice.get("name_localizations"),
                    [*cpath, "name_localizations"],
                    lambda text, p: _check_len(text, p, 1, 100),
                )
                if isinstance(choice.get("value"), str):
                    _check_len(choice.get("value"), [*cpath, "value"], 1, 100)


def validate_command(command: Any, path: list[str | int]) -> None:
    """Application command rules: names, descriptions, locales, option order, counts."""
    if not isinstance(command, dict):
        raise _form_error(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
    ctype = command.get("type", 1)
    if ctype == 1:
        _check_chat_input_name(command.get("name"), [*path, "name"])
        _check_description(command.get("description"), [*path, "description"])
        _validate_localizations(
            command.get("name_localizations"),
            [*path, "name_localizations"],
            _check_chat_input_name,
        )
        _validate_localizations(
            command.get("description_localizations"),
            [*path, "description_localizations"],
            _check_description,
        )
        _validate_options(command.get("options"), [*path, "options"])
    elif ctype in (2, 3, 4):
        _check_len(command.get("name"), [*path, "name"], 1, 32)
        _validate_localizations(
            command.get("name_localizations"),
            [*path, "name_localizations"],
            lambda text, p: _check_len(text, p, 1, 32),
        )
        if command.get("description"):
            raise _form_error(
                [*path, "description"],
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands cannot have a description",
            )
    else:
        raise _form_error([*path, "type"], "BASE_TYPE_CHOICES", "Value must be one of 1-4.")


# --------------------------------------------------------------------------------------------
# Gateway plumbing
# --------------------------------------------------------------------------------------------


class _Connection:
    """One WebSocket: sends (optionally zlib-stream compressed) frames in order."""

    def __init__(self, ws: web.WebSocketResponse, compression: str | None, path: str) -> None:
        self.ws = ws
        self.path = path
        self.session: _Session | None = None
        self.closed_by_server = False
        self.lock = asyncio.Lock()
        self.compression = compression
        self._zlib: Any = zlib.compressobj() if compression == "zlib-stream" else None
        self._zstd: Any = None
        if compression == "zstd-stream":
            try:
                import zstandard  # type: ignore[import-not-found,unused-ignore]

                self._zstd = zstandard.ZstdCompressor().compressobj()
            except ImportError:  # the client can't have asked for it then; send text
                self.compression = None

    @property
    def live(self) -> bool:
        return not self.ws.closed and not self.closed_by_server

    async def send(self, payload: JSON) -> bool:
        text = json.dumps(payload, separators=(",", ":"))
        async with self.lock:
            if self.ws.closed:
                return False
            try:
                if self._zlib is not None:
                    data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                    await self.ws.send_bytes(data)
                elif self._zstd is not None:
                    import zstandard  # type: ignore[import-not-found,unused-ignore]

                    block = self._zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
                    await self.ws.send_bytes(self._zstd.compress(text.encode()) + block)
                else:
                    await self.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return False
        return True


@dataclass
class _Session:
    session_id: str
    shard: tuple[int, int]
    intents: int
    identify: JSON
    seq: int = 0
    buffer: list[tuple[int, JSON]] = field(default_factory=list)
    conn: _Connection | None = None

    @property
    def live(self) -> bool:
        return self.conn is not None and self.conn.live

    def handles(self, guild_id: int | None) -> bool:
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id


MessageRef: TypeAlias = FakeMessage | FakeEvent | int


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeDiscord:
    """Fake Discord REST API + gateway. Use as ``async with FakeDiscord(...) as fake``.

    Args:
        token: the bot token; other tokens get 401 (REST) or close 4004 (gateway).
        interaction_deadline: seconds within which the first callback must arrive (Discord: 3).
            Lower it in tests that exercise the late-acknowledgement path.
        followup_window: how long an interaction token accepts follow-ups (Discord: 15 min).
        echo_own_messages: dispatch the bot's own messages back as MESSAGE_CREATE/UPDATE/DELETE,
            as Discord does; a DM handler that does not ignore its own author loops.
        privileged_intents: which privileged intents the "developer portal" allows; asking for
            more closes the gateway with 4014.
        transport_compression: honour ``compress=zlib-stream`` (binary frames) like Discord.
        connect_timeout: how long user actions wait for a connected bot before failing.
        recommended_shards: what ``GET /gateway/bot`` recommends (AutoShardedClient).
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        interaction_deadline: float = 3.0,
        followup_window: float = 15 * 60.0,
        application_id: int = DEFAULT_BOT_ID,
        bot_name: str = "Backcheck",
        guild_name: str = "Test Guild",
        channel_name: str = "general",
        guild_locale: str = "en-US",
        echo_own_messages: bool = True,
        privileged_intents: int = PRIVILEGED_INTENTS,
        transport_compression: bool = True,
        connect_timeout: float = 5.0,
        recommended_shards: int = 1,
        heartbeat_interval_ms: int = 41_250,
    ) -> None:
        self.token = token
        self.interaction_deadline = interaction_deadline
        self.followup_window = followup_window
        self.application_id = application_id
        self.echo_own_messages = echo_own_messages
        self.privileged_intents = privileged_intents
        self.transport_compression = transport_compression
        self.connect_timeout = connect_timeout
        self.recommended_shards = recommended_shards
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.guild_locale = guild_locale
        self.guild_name = guild_name

        self.bot_user = FakeUser(application_id, bot_name, bot=True)
        self.guild_id = DEFAULT_GUILD_ID
        self.channel_id = DEFAULT_CHANNEL_ID
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user}
        self.members: set[int] = {self.bot_user.id}
        self.channels: dict[int, FakeChannel] = {
            DEFAULT_CHANNEL_ID: FakeChannel(DEFAULT_CHANNEL_ID, 0, channel_name, DEFAULT_GUILD_ID)
        }
        self.default_user = self.make_user(DEFAULT_USER_ID, "Alice")
        self.bystander = self.make_user(BYSTANDER_ID, "Bob")
        #: Users whose privacy settings refuse DMs from the bot (403 / 50007).
        self.dm_closed: set[int] = set()

        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[RecordedRequest] = []
        self.events: list[FakeEvent] = []
        self.identify_payloads: list[JSON] = []
        self.gateway_ops: list[JSON] = []
        self.gateway_connections: list[JSON] = []
        self.heartbeats = 0

        self._ids = _Snowflakes()
        self._taken: set[int] = set()
        self._event_seq = itertools.count(1)
        self._session_seq = itertools.count(1)
        self._by_token: dict[str, FakeInteraction] = {}
        self._dm_by_user: dict[int, int] = {}
        self._sessions: dict[str, _Session] = {}
        self._connections: list[_Connection] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._notes: list[str] = []
        self._undo: list[Callable[[], None]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle and patching

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start the server on 127.0.0.1 with a random free port (see ``port``)."""

        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await self._middleware(request, handler)

        app = web.Application(middlewares=[middleware], client_max_size=64 * 1024 * 1024)
        self._add_routes(app.router)
        # A short shutdown_timeout: a bot left connected must not hold cleanup() for 60 s.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close gateway sockets, stop the server, undo ``patch_discord``."""
        for conn in list(self._connections):
            if not conn.ws.closed:
                conn.closed_by_server = True
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=1001, message=b"fake discord stopping")
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for undo in reversed(self._undo):
            undo()
        self._notify()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """What ``DiscordWebSocket.DEFAULT_GATEWAY`` must be."""
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    def patch_discord(self) -> Callable[[], None]:
        """Point discord.py at the fake; returns ``undo``.

        discord.py has exactly two process-global patch points: ``Route.BASE`` (used by the HTTP
        client *and* the interaction/webhook adapter) and ``DEFAULT_GATEWAY`` (``connect()``
        never asks ``/gateway/bot``). Call before ``login()``. ``undo`` is idempotent and is also
        run when the fake stops, so a forgotten undo can't leak into the next test.
        """
        import discord.gateway
        import discord.http

        route_cls: Any = discord.http.Route
        ws_cls: Any = discord.gateway.DiscordWebSocket
        old_base, old_gateway = route_cls.BASE, ws_cls.DEFAULT_GATEWAY
        route_cls.BASE = self.api_base
        ws_cls.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        done = False

        def undo() -> None:
            nonlocal done
            if not done:
                done = True
                route_cls.BASE = old_base
                ws_cls.DEFAULT_GATEWAY = old_gateway

        self._undo.append(undo)
        return undo

    # ---------------------------------------------------------------- users, channels, lookups

    def make_user(
        self, id: int, name: str, *, locale: str = "en-US", guild_member: bool = True
    ) -> FakeUser:
        """Create (or replace) a user; guild members appear in GUILD_CREATE and can use the
        guild channel. ``locale`` is sent as ``interaction.locale`` unless a call overrides it."""
        user = FakeUser(id, name, locale)
        self.users[id] = user
        if guild_member:
            self.members.add(id)
        else:
            self.members.discard(id)
        return user

    def add_channel(self, name: str) -> int:
        """Another text channel in the default guild (only visible to bots connecting later)."""
        cid = self._ids.next()
        self.channels[cid] = FakeChannel(cid, 0, name, self.guild_id, position=len(self.channels))
        return cid

    def dm_channel_id(self, user: FakeUser | int | None = None) -> int:
        """The DM channel between the bot and ``user`` (created on first use, like Discord)."""
        return self._ensure_dm(self._user(user)).id

    def message(self, ref: MessageRef) -> FakeMessage:
        """Current state of a message (edits applied), from an id, event or snapshot."""
        if isinstance(ref, FakeEvent):
            if ref.message is None:
                raise AssertionError(f"event has no message: {ref.summary()}")
            ref = ref.message
        mid = ref.id if isinstance(ref, FakeMessage) else int(ref)
        try:
            return self.messages[mid]
        except KeyError:
            raise AssertionError(f"unknown message id {mid}") from None

    def visible_to(
        self, user: FakeUser | int, *, channel_id: int | None = None, from_bot: bool | None = None
    ) -> list[FakeMessage]:
        """Messages ``user`` can currently see, oldest first.

        Answers "nobody else sees it": ``fake.visible_to(fake.bystander)`` lists what another
        guild member sees; an ephemeral reply to Alice or a DM with Alice is never in it.
        """
        uid = user.id if isinstance(user, FakeUser) else user
        out = []
        for msg in self.messages.values():
            if channel_id is not None and msg.channel_id != channel_id:
                continue
            if from_bot is not None and msg.from_bot != from_bot:
                continue
            if msg.guild_id is not None and msg.audience is None and uid not in self.members:
                continue
            if msg.visible_to(uid):
                out.append(msg)
        return out

    def bot_messages(self, *, channel_id: int | None = None) -> list[FakeMessage]:
        """Every (not deleted) message the bot posted, oldest first, ephemeral ones included."""
        return [
            m
            for m in self.messages.values()
            if m.from_bot and not m.deleted and (channel_id is None or m.channel_id == channel_id)
        ]

    def find_command(self, name: str, *, guild_id: int | None = None, type: int = 1) -> JSON | None:
        """A registered command by name (global when ``guild_id`` is None)."""
        pool = self.global_commands if guild_id is None else self.guild_commands.get(guild_id, [])
        for command in pool:
            if command["name"] == name and command.get("type", 1) == type:
                return command
        return None

    def _user(self, user: FakeUser | int | None) -> FakeUser:
        if user is None:
            return self.default_user
        if isinstance(user, FakeUser):
            self.users.setdefault(user.id, user)
            return user
        try:
            return self.users[user]
        except KeyError:
            raise AssertionError(f"unknown user id {user}; create it with make_user()") from None

    def _ensure_dm(self, user: FakeUser) -> FakeChannel:
        cid = self._dm_by_user.get(user.id)
        if cid is None:
            cid = self._ids.next()
            self._dm_by_user[user.id] = cid
            self.channels[cid] = FakeChannel(cid, 1, "", None, recipient_id=user.id)
        return self.channels[cid]

    def _channel_payload(self, channel: FakeChannel) -> JSON:
        if channel.is_dm:
            recipient = self.users[channel.recipient_id or 0]
            return {
                "id": str(channel.id),
                "type": 1,
                "recipients": [recipient.payload()],
                "last_message_id": None,
                "flags": 0,
            }
        return {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(channel.guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [],
            "topic": None,
            "nsfw": False,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "parent_id": None,
            "flags": 0,
        }

    def _member_payload(self, user: FakeUser, *, with_user: bool = True) -> JSON:
        member: JSON = {
            "roles": [],
            "nick": None,
            "avatar": None,
            "joined_at": "2025-01-01T00:00:00+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            member["user"] = user.payload()
        return member

    def _guild_payload(self) -> JSON:
        members = [self._member_payload(self.users[uid]) for uid in sorted(self.members)]
        return {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.default_user.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [
                {
                    "id": str(self.guild_id),
                    "name": "@everyone",
                    "permissions": ALL_PERMISSIONS,
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                    "icon": None,
                    "unicode_emoji": None,
                }
            ],
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.guild_locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": "2025-01-01T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "members": members,
            "channels": [self._channel_payload(c) for c in self.channels.values() if not c.is_dm],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stickers": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _application_payload(self) -> JSON:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.default_user.payload(),
            "team": None,
            "bot": self.bot_user.payload(),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
        }

    # ---------------------------------------------------------------- events and waiting

    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def _wait_change(self, timeout: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait([fut], timeout=max(timeout, 0))
        finally:
            if not fut.done():
                fut.cancel()
                with contextlib.suppress(ValueError):
                    self._waiters.remove(fut)

    def _record(
        self,
        kind: EventKind,
        data: Any = None,
        *,
        message: FakeMessage | None = None,
        interaction_id: int | None = None,
        status: int = 200,
        error: JSON | None = None,
    ) -> FakeEvent:
        event = FakeEvent(
            seq=next(self._event_seq),
            kind=kind,
            data=snapshot(data),
            message=snapshot(message),
            interaction_id=interaction_id,
            status=status,
            error=snapshot(error),
        )
        self.events.append(event)
        self._notify()
        return event

    async def wait_for(
        self,
        kind: EventKind,
        predicate: Callable[[FakeEvent], bool] | None = None,
        *,
        timeout: float = 5.0,
    ) -> FakeEvent:
        """The oldest not-yet-handed-out event of ``kind`` matching ``predicate``.

        Each event is handed out once, so successive waits see successive events. On timeout
        raises AssertionError listing every event, unknown routes, HTTP errors and gateway state,
        which usually tells why the bot did not do what the test expected.
        """
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; use one of {sorted(EVENT_KINDS)}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for event in self.events:
                if event.seq in self._taken or event.kind != kind:
                    continue
                if predicate is None or predicate(event):
                    self._taken.add(event.seq)
                    return snapshot(event)
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(self._report(f"no {kind!r} event matched in {timeout}s"))
            await self._wait_change(remaining)

    def _report(self, headline: str) -> str:
        lines = [headline, "events (* = already handed out):"]
        lines += [
            f"  {'*' if e.seq in self._taken else ' '} #{e.seq} {e.summary()}" for e in self.events
        ] or ["  (none)"]
        errors = [r for r in self.requests if r.status >= 400]
        if errors:
            lines.append("HTTP errors answered:")
            lines += [f"  {r.method} {r.path} -> {r.status} {r.response}" for r in errors]
        pending = [i for i in self.interactions.values() if not i.responded]
        if pending:
            lines.append("interactions never acknowledged:")
            lines += [
                f"  iid={i.id} type={i.type} {i.name!r} by {i.user.name}"
                + (f" error={i.error}" if i.error else "")
                for i in pending
            ]
        live = [s for s in self._sessions.values() if s.live]
        lines.append(
            f"gateway: {len(live)} live session(s), {len(self.gateway_connections)} connection(s)"
            f" so far, {len(self.identify_payloads)} IDENTIFY"
        )
        lines += [f"note: {n}" for n in self._notes]
        return "\n".join(lines)

    # ---------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(timeout=1.0, compress=False, max_msg_size=0)
        await ws.prepare(request)
        compression = request.query.get("compress") if self.transport_compression else None
        conn = _Connection(ws, compression, request.path)
        self._connections.append(conn)
        self.gateway_connections.append({"path": request.path, "query": dict(request.query)})
        await conn.send({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        try:
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_gateway_text(conn, msg.data)
                elif msg.type is WSMsgType.BINARY:
                    await self._close(conn, 4002, "Decode error (ETF is not supported)")
        finally:
            self._connections.remove(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                # A client closing with 1000/1001 ends its session (Discord: no resume after).
                if not conn.closed_by_server and ws.close_code in (1000, 1001):
                    self._sessions.pop(session.session_id, None)
            self._notify()
        return ws

    async def _close(self, conn: _Connection, code: int, reason: str) -> None:
        conn.closed_by_server = True
        self._notes.append(f"gateway closed with {code}: {reason}")
        await conn.ws.close(code=code, message=reason.encode())

    async def _on_gateway_text(self, conn: _Connection, text: str) -> None:
        try:
            msg = json.loads(text)
            op = msg["op"]
        except (ValueError, KeyError, TypeError):
            await self._close(conn, 4002, "Decode error")
            return
        data = msg.get("d")
        if op == 1:
            self.heartbeats += 1
            await conn.send({"op": 11})
            return
        self.gateway_ops.append(snapshot(msg))
        if op == 2:
            await self._identify(conn, data or {})
        elif op == 6:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await self._close(conn, 4003, "Not authenticated")
        elif op == 8:
            await self._members_chunk(conn.session, data or {})
        elif op in (3, 4):
            return  # presence / voice state: recorded in gateway_ops only
        else:
            await self._close(conn, 4001, "Unknown opcode")

    async def _identify(self, conn: _Connection, data: JSON) -> None:
        if conn.session is not None:
            await self._close(conn, 4005, "Already authenticated")
            return
        if data.get("token") != self.token:
            await self._close(conn, 4004, "Authentication failed")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self._close(conn, 4013, "Invalid intent(s)")
            return
        if intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(conn, 4014, "Disallowed intent(s)")
            return
        shard_id, shard_count = data.get("shard") or [0, 1]
        if not 0 <= shard_id < shard_count:
            await self._close(conn, 4010, "Invalid shard")
            return
        session = _Session(
            session_id=f"fake-session-{next(self._session_seq)}",
            shard=(shard_id, shard_count),
            intents=intents,
            identify=snapshot(data),
            conn=conn,
        )
        conn.session = session
        self._sessions[session.session_id] = session
        self.identify_payloads.append(snapshot(data))
        guilds = [self.guild_id] if session.handles(self.guild_id) else []
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.resume_gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-discord"],
        }
        await self._send_dispatch(session, "READY", ready)
        if intents & INTENT_GUILDS:
            for _gid in guilds:
                await self._send_dispatch(session, "GUILD_CREATE", self._guild_payload())
        self._record(
            "ready",
            {
                "session_id": session.session_id,
                "shard": [shard_id, shard_count],
                "intents": intents,
            },
        )

    async def _resume(self, conn: _Connection, data: JSON) -> None:
        if data.get("token") != self.token:
            await self._close(conn, 4004, "Authentication failed")
            return
        session = self._sessions.get(str(data.get("session_id")))
        if session is None or (session.live and session.conn is not conn):
            await conn.send({"op": 9, "d": False})
            return
        session.conn = conn
        conn.session = session
        last = int(data.get("seq") or 0)
        missed = [payload for seq, payload in session.buffer if seq > last]
        for payload in missed:
            await conn.send(payload)
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})
        self._record("resumed", {"session_id": session.session_id, "replayed": len(missed)})

    async def _members_chunk(self, session: _Session, data: JSON) -> None:
        query = str(data.get("query") or "").lower()
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [
            self._member_payload(self.users[uid])
            for uid in sorted(self.members)
            if (not wanted or uid in wanted) and self.users[uid].name.lower().startswith(query)
        ]
        chunk: JSON = {
            "guild_id": str(self.guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        if data.get("presences"):
            chunk["presences"] = []
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_dispatch(self, session: _Session, event: str, data: JSON) -> bool:
        session.seq += 1
        payload = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.buffer.append((session.seq, payload))
        del session.buffer[:-1000]
        if session.live and session.conn is not None:
            return await session.conn.send(payload)
        return False

    async def _dispatch(
        self,
        event: str,
        data: JSON,
        *,
        guild_id: int | None,
        intent: int | None = None,
        transform: Callable[[_Session, JSON], JSON] | None = None,
    ) -> int:
        """Send a dispatch to every session that should get it (shard, intent); sessions that
        are disconnected but resumable buffer it for replay on RESUME. Returns live deliveries."""
        delivered = 0
        targets = [s for s in self._sessions.values() if s.handles(guild_id)]
        for session in targets:
            if intent is not None and not session.intents & intent:
                continue
            payload = transform(session, data) if transform else data
            if await self._send_dispatch(session, event, payload):
                delivered += 1
        if not delivered:
            why = "no bot connected" if not targets else "no session with the needed intent"
            self._notes.append(f"{event} not delivered live: {why}")
        return delivered

    async def _wait_for_bot(self, guild_id: int | None) -> None:
        """User actions need a connected bot: fail loudly instead of losing the event."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.connect_timeout
        while not any(s.live and s.handles(guild_id) for s in self._sessions.values()):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    self._report(
                        "no bot is connected to the fake gateway (login + connect + "
                        "wait_until_ready first?)"
                    )
                )
            await self._wait_change(min(remaining, 0.05))

    def drop_connections(self, code: int = 4000, *, invalidate: bool = False) -> asyncio.Task[int]:
        """Close every gateway socket from the server side, as Discord does on restarts.

        With 4000 (default) discord.py reconnects and RESUMEs (wait for ``"resumed"``); events
        dispatched meanwhile are replayed. ``invalidate=True`` (implied by 4007/4009) forgets the
        sessions, so the client gets op 9 and re-IDENTIFYs (wait for ``"ready"``). Runs as a task:
        call it plainly, or ``await`` it to know how many sockets were closed.
        """

        async def drop() -> int:
            conns = [c for c in self._connections if c.live]
            if invalidate or code in (4007, 4009):
                self._sessions.clear()
            for conn in conns:
                conn.closed_by_server = True
                with contextlib.suppress(Exception):
                    await conn.ws.close(code=code, message=b"fake drop")
            return len(conns)

        task = asyncio.get_running_loop().create_task(drop())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _message_transform(self, session: _Session, data: JSON) -> JSON:
        """Guild message content is only sent with MESSAGE_CONTENT, to the author or when the
        bot is mentioned (as on Discord)."""
        if session.intents & INTENT_MESSAGE_CONTENT or "guild_id" not in data:
            return data
        if data["author"]["id"] == str(self.bot_user.id):
            return data
        if re.search(rf"<@!?{self.bot_user.id}>", data.get("content", "")):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    async def _echo(self, event: str, message: FakeMessage) -> None:
        """Discord dispatches the bot's own non-ephemeral messages back to it."""
        if not self.echo_own_messages or message.ephemeral:
            return
        intent = INTENT_DIRECT_MESSAGES if message.in_dm else INTENT_GUILD_MESSAGES
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
        else:
            data = message.payload()
            if message.guild_id is not None:
                data["member"] = self._member_payload(message.author, with_user=False)
        await self._dispatch(event, data, guild_id=message.guild_id, intent=intent)

    # ---------------------------------------------------------------- user actions

    def _interaction_base(
        self, itype: int, user: FakeUser, channel: FakeChannel, locale: str | None
    ) -> tuple[int, str, JSON]:
        iid = self._ids.next()
        token = f"fake-interaction-token-{iid}"
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "locale": locale or user.locale,
            "app_permissions": ALL_PERMISSIONS,
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "channel_id": str(channel.id),
            "channel": self._channel_payload(channel),
        }
        if channel.is_dm:
            payload["user"] = user.payload()
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        else:
            if user.id not in self.members:
                raise AssertionError(f"{user.name} ({user.id}) is not a member of the guild")
            payload["guild_id"] = str(self.guild_id)
            payload["guild"] = {
                "id": str(self.guild_id),
                "locale": self.guild_locale,
                "features": [],
            }
            payload["guild_locale"] = self.guild_locale
            payload["member"] = {**self._member_payload(user), "permissions": ALL_PERMISSIONS}
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(self.guild_id)}
        return iid, token, payload

    async def _start_interaction(
        self,
        itype: int,
        data: JSON,
        user: FakeUser,
        channel: FakeChannel,
        locale: str | None,
        message: FakeMessage | None = None,
    ) -> int:
        await self._wait_for_bot(channel.guild_id)
        iid, token, payload = self._interaction_base(itype, user, channel, locale)
        payload["data"] = data
        if message is not None:
            payload["message"] = message.payload()
        interaction = FakeInteraction(
            id=iid,
            token=token,
            type=itype,
            user=user,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            locale=payload["locale"],
            payload=payload,
            created_at=asyncio.get_running_loop().time(),
            message_id=message.id if message is not None else None,
        )
        self.interactions[iid] = interaction
        self._by_token[token] = interaction
        await self._dispatch("INTERACTION_CREATE", payload, guild_id=channel.guild_id)
        return iid

    def _command_for(self, name: str, dm: bool, require_registered: bool) -> JSON | None:
        top = name.split()[0]
        guild_cmd = None if dm else self.find_command(top, guild_id=self.guild_id)
        command = guild_cmd or self.find_command(top)
        if command is None:
            if require_registered:
                registered = [c["name"] for c in self.global_commands] + [
                    f"{c['name']} (guild)" for c in self.guild_commands.get(self.guild_id, [])
                ]
                raise AssertionError(
                    f"slash command {top!r} was never synced (registered: {registered}); "
                    "forgot tree.sync()? Pass require_registered=False to skip this check."
                )
            return None
        contexts = command.get("contexts")
        if dm and (command.get("dm_permission") is False or (contexts and 1 not in contexts)):
            raise AssertionError(f"command {top!r} is not available in DMs")
        if not dm and contexts and 0 not in contexts:
            raise AssertionError(f"command {top!r} is not available in guilds")
        return command

    def _build_options(
        self,
        declared: list[JSON] | None,
        values: Mapping[str, Any],
        resolved: JSON,
    ) -> list[JSON]:
        out: list[JSON] = []
        by_name = {o["name"]: o for o in declared or []}
        if declared is not None:
            unknown = set(values) - set(by_name)
            if unknown:
                raise AssertionError(
                    f"unknown option(s) {sorted(unknown)}; declared {list(by_name)}"
                )
            missing = [n for n, o in by_name.items() if o.get("required") and n not in values]
            if missing:
                raise AssertionError(f"required option(s) missing: {missing}")
        for name, value in values.items():
            spec = by_name.get(name, {})
            otype = spec.get("type") or self._infer_option_type(value)
            if isinstance(value, FakeUser):
                resolved.setdefault("users", {})[str(value.id)] = value.payload()
                if value.id in self.members:
                    resolved.setdefault("members", {})[str(value.id)] = {
                        **self._member_payload(value, with_user=False),
                        "permissions": ALL_PERMISSIONS,
                    }
                value = str(value.id)
            choices = spec.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise AssertionError(
                    f"{value!r} is not a declared choice of {name!r}: "
                    f"{[c['value'] for c in choices]}"
                )
            out.append({"name": name, "type": otype, "value": value})
        return out

    @staticmethod
    def _infer_option_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        if isinstance(value, FakeUser):
            return 6
        return 3

    async def slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | list[JSON] | None = None,
        *,
        user: FakeUser | int | None = None,
        dm: bool = False,
        locale: str | None = None,
        require_registered: bool = True,
        channel_id: int | None = None,
    ) -> int:
        """A user runs ``/name`` (``"group sub"`` for subcommands); returns the interaction id.

        ``options`` is ``{name: value}`` (types taken from the registered command; a FakeUser
        value becomes a USER option with ``resolved`` data) or a raw option list. Raises
        AssertionError if the command was never synced (catches a forgotten ``tree.sync()``),
        unless ``require_registered=False``. ``locale`` defaults to the user's locale.
        """
        who = self._user(user)
        channel = self._ensure_dm(who) if dm else self.channels[channel_id or self.channel_id]
        command = self._command_for(name, dm, require_registered)
        parts = name.split()
        resolved: JSON = {}
        declared: list[JSON] | None = command.get("options", []) if command else None
        chain: list[JSON] = []
        for part in parts[1:]:
            spec = next((o for o in declared or [] if o["name"] == part), None)
            if command is not None and (spec is None or spec.get("type") not in (1, 2)):
                raise AssertionError(f"{part!r} is not a subcommand of {parts[0]!r}")
            node: JSON = {"name": part, "type": spec["type"] if spec else 1, "options": []}
            chain.append(node)
            declared = spec.get("options", []) if spec else None
        if isinstance(options, list):
            leaf = snapshot(options)
        else:
            leaf = self._build_options(declared, options or {}, resolved)
        for node in reversed(chain):
            node["options"] = leaf
            leaf = [node]
        data: JSON = {
            "id": str(command["id"]) if command else str(self._ids.next()),
            "name": parts[0],
            "type": 1,
            "options": leaf,
        }
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return await self._start_interaction(APPLICATION_COMMAND, data, who, channel, locale)

    async def autocomplete(
        self,
        name: str,
        option: str,
        typed: str,
        *,
        user: FakeUser | int | None = None,
        dm: bool = False,
        locale: str | None = None,
    ) -> list[JSON]:
        """A user types ``typed`` into option ``option`` of ``/name``: the choices the bot
        offers (an APPLICATION_COMMAND_AUTOCOMPLETE interaction and its type-8 answer)."""
        who = self._user(user)
        channel = self._ensure_dm(who) if dm else self.channels[self.channel_id]
        command = self._command_for(name, dm, True)
        assert command is not None
        spec = next((o for o in command.get("options", []) if o["name"] == option), None)
        if spec is None or not spec.get("autocomplete"):
            raise AssertionError(f"option {option!r} of /{name} has no autocomplete")
        focused = {"name": option, "type": spec["type"], "value": typed, "focused": True}
        data: JSON = {"id": str(command["id"]), "name": name, "type": 1, "options": [focused]}
        iid = await self._start_interaction(AUTOCOMPLETE, data, who, channel, locale)
        await self.wait_for("interaction_response", lambda e: e.interaction_id == iid)
        interaction = self.interactions[iid]
        assert interaction.response_type == CB_AUTOCOMPLETE, interaction.error
        return interaction.autocomplete_choices or []

    def _clicker(self, msg: FakeMessage, user: FakeUser | int | None) -> FakeUser:
        if user is not None:
            who = self._user(user)
        elif msg.audience is not None and len(msg.audience) == 1:
            who = self.users[next(iter(msg.audience))]
        else:
            owner = self.interactions.get(msg.interaction_id or 0)
            who = owner.user if owner else self.default_user
        if not msg.visible_to(who) or (msg.guild_id is not None and who.id not in self.members):
            raise AssertionError(f"{who.name} cannot see message {msg.id}, so cannot use it")
        if msg.loading:
            raise AssertionError(f"message {msg.id} is still loading (deferred, never filled)")
        return who

    async def click_button(
        self,
        message: MessageRef,
        label: str | None = None,
        *,
        custom_id: str | None = None,
        force_custom_id: str | None = None,
        user: FakeUser | int | None = None,
        locale: str | None = None,
    ) -> int:
        """A user presses a button on the *current* version of ``message``; returns the iid.

        Pick the button by ``label`` or ``custom_id`` (custom_ids are usually random unless the
        view sets them). ``force_custom_id`` sends an id that need not be on the message, to
        test stale or forged presses. The default user is the one who can see an ephemeral
        message, else the user of the interaction that created it, else ``default_user``.
        """
        msg = self.message(message)
        who = self._clicker(msg, user)
        if force_custom_id is not None:
            cid = force_custom_id
        else:
            if (label is None) == (custom_id is None):
                raise AssertionError("pass exactly one of label= or custom_id=")
            matches = [
                b
                for b in msg.buttons
                if (label is not None and b.get("label") == label)
                or (custom_id is not None and b.get("custom_id") == custom_id)
            ]
            if len(matches) != 1:
                have = [(b.get("label"), b.get("custom_id")) for b in msg.buttons]
                raise AssertionError(
                    f"expected one button {label or custom_id!r} on message {msg.id}, found "
                    f"{len(matches)}; buttons (label, custom_id): {have}"
                )
            button = matches[0]
            if button.get("disabled"):
                raise AssertionError(f"button {label or custom_id!r} is disabled")
            if button.get("style") in (LINK_STYLE, PREMIUM_STYLE):
                raise AssertionError("link/premium buttons open in the client; no interaction")
            cid = str(button["custom_id"])
        channel = self.channels[msg.channel_id]
        data = {"custom_id": cid, "component_type": BUTTON}
        return await self._start_interaction(MESSAGE_COMPONENT, data, who, channel, locale, msg)

    async def choose(
        self,
        message: MessageRef,
        values: Sequence[str],
        *,
        custom_id: str | None = None,
        user: FakeUser | int | None = None,
        locale: str | None = None,
    ) -> int:
        """A user picks ``values`` in a select menu of ``message``; returns the iid.

        ``custom_id`` is needed only when the message has several selects. For string selects
        the values must be declared options and respect min_values/max_values.
        """
        msg = self.message(message)
        who = self._clicker(msg, user)
        selects = [s for s in msg.selects if custom_id is None or s.get("custom_id") == custom_id]
        if len(selects) != 1:
            raise AssertionError(
                f"expected one select{f' {custom_id!r}' if custom_id else ''} on message "
                f"{msg.id}, found {[s.get('custom_id') for s in selects]}"
            )
        select = selects[0]
        if select.get("disabled"):
            raise AssertionError("the select menu is disabled")
        chosen = list(values)
        lo, hi = int(select.get("min_values", 1)), int(select.get("max_values", 1))
        if not lo <= len(chosen) <= hi:
            raise AssertionError(f"select needs {lo}..{hi} values, got {chosen}")
        if select.get("type") == STRING_SELECT:
            allowed = [str(o["value"]) for o in select.get("options", [])]
            bad = [v for v in chosen if v not in allowed]
            if bad:
                raise AssertionError(f"{bad} are not options of the select: {allowed}")
        data = {
            "custom_id": str(select["custom_id"]),
            "component_type": int(select["type"]),
            "values": chosen,
        }
        channel = self.channels[msg.channel_id]
        return await self._start_interaction(MESSAGE_COMPONENT, data, who, channel, locale, msg)

    async def submit_modal(
        self,
        interaction_id: int,
        values: Mapping[str, str | Sequence[str]],
        *,
        locale: str | None = None,
    ) -> int:
        """The user submits the modal the bot opened in answer to ``interaction_id``.

        ``values`` maps text-input (or select) custom_ids to what the user entered; required
        inputs must be present. Returns the new (type 5) interaction id.
        """
        source = self.interactions[interaction_id]
        if source.modal is None:
            raise AssertionError(f"interaction {interaction_id} was not answered with a modal")
        inputs = {
            c["custom_id"]: c
            for c in _walk_components(source.modal.get("components", []))
            if c.get("type") == TEXT_INPUT or c.get("type") in SELECT_TYPES
        }
        unknown = set(values) - set(inputs)
        if unknown:
            raise AssertionError(f"modal has no input(s) {sorted(unknown)}; has {list(inputs)}")
        for cid, spec in inputs.items():
            if (
                spec.get("type") == TEXT_INPUT
                and spec.get("required", True)
                and not values.get(cid, spec.get("value"))
            ):
                raise AssertionError(f"modal input {cid!r} is required")

        def submitted(component: JSON) -> JSON | None:
            ctype = component.get("type")
            if ctype == ACTION_ROW:
                kids = [s for c in component.get("components", []) if (s := submitted(c))]
                return {"type": ACTION_ROW, "components": kids}
            if ctype == 18:
                inner = submitted(component["component"])
                return {"type": 18, "component": inner} if inner else None
            if ctype == TEXT_INPUT:
                value = values.get(component["custom_id"], component.get("value") or "")
                return {"type": TEXT_INPUT, "custom_id": component["custom_id"], "value": value}
            if ctype in SELECT_TYPES:
                chosen = values.get(component["custom_id"], [])
                chosen = [chosen] if isinstance(chosen, str) else list(chosen)
                return {"type": ctype, "custom_id": component["custom_id"], "values": chosen}
            return None

        components = [s for c in source.modal.get("components", []) if (s := submitted(c))]
        data = {"custom_id": source.modal["custom_id"], "components": components}
        channel = self.channels[source.channel_id]
        message = self.messages.get(source.message_id or 0)
        return await self._start_interaction(
            MODAL_SUBMIT, data, source.user, channel, locale, message
        )

    async def send_dm(self, text: str, *, user: FakeUser | int | None = None) -> FakeMessage:
        """``user`` writes ``text`` to the bot in a DM (MESSAGE_CREATE, DIRECT_MESSAGES intent).

        DMs always carry content, MESSAGE_CONTENT intent or not. Returns the user's message.
        """
        who = self._user(user)
        channel = self._ensure_dm(who)
        await self._wait_for_bot(None)
        msg = FakeMessage(
            id=self._ids.next(),
            channel_id=channel.id,
            author=who,
            content=text,
            audience=frozenset({self.bot_user.id}),
        )
        self.messages[msg.id] = msg
        await self._dispatch(
            "MESSAGE_CREATE", msg.payload(), guild_id=None, intent=INTENT_DIRECT_MESSAGES
        )
        return msg

    async def edit_dm(self, message: MessageRef, text: str) -> FakeMessage:
        """The user edits a DM they sent (MESSAGE_UPDATE with a new ``edited_timestamp``)."""
        msg = self.message(message)
        if msg.from_bot or not msg.in_dm:
            raise AssertionError("a user can only edit their own DM")
        await self._wait_for_bot(None)
        msg.content = text
        msg.edits += 1
        msg.edited_timestamp = _now_iso()
        await self._dispatch(
            "MESSAGE_UPDATE", msg.payload(), guild_id=None, intent=INTENT_DIRECT_MESSAGES
        )
        return msg

    async def send_channel_message(
        self, text: str, *, user: FakeUser | int | None = None, channel_id: int | None = None
    ) -> FakeMessage:
        """``user`` posts in a guild channel. Without the MESSAGE_CONTENT intent the bot gets an
        empty ``content`` unless the text mentions it (``fake.bot_user.mention``)."""
        who = self._user(user)
        channel = self.channels[channel_id or self.channel_id]
        await self._wait_for_bot(self.guild_id)
        msg = FakeMessage(
            id=self._ids.next(),
            channel_id=channel.id,
            author=who,
            guild_id=self.guild_id,
            content=text,
        )
        self.messages[msg.id] = msg
        data = {**msg.payload(), "member": self._member_payload(who, with_user=False)}
        await self._dispatch(
            "MESSAGE_CREATE",
            data,
            guild_id=self.guild_id,
            intent=INTENT_GUILD_MESSAGES,
            transform=self._message_transform,
        )
        return msg

    # ---------------------------------------------------------------- HTTP plumbing

    def _add_routes(self, router: web.UrlDispatcher) -> None:
        api = API_PREFIX
        router.add_get("/", self._gateway)
        router.add_get("/resume", self._gateway)
        router.add_get(f"{api}/gateway", self._get_gateway)
        router.add_get(f"{api}/gateway/bot", self._get_gateway_bot)
        router.add_get(f"{api}/users/@me", self._get_me)
        router.add_post(f"{api}/users/@me/channels", self._create_dm)
        router.add_get(f"{api}/users/{{uid}}", self._get_user)
        router.add_get(f"{api}/oauth2/applications/@me", self._get_application)
        router.add_get(f"{api}/applications/@me", self._get_application)
        for prefix in (f"{api}/applications/{{app}}", f"{api}/applications/{{app}}/guilds/{{gid}}"):
            router.add_get(f"{prefix}/commands", self._list_commands)
            router.add_put(f"{prefix}/commands", self._put_commands)
            router.add_post(f"{prefix}/commands", self._upsert_command)
            router.add_get(f"{prefix}/commands/{{cid}}", self._get_command)
            router.add_patch(f"{prefix}/commands/{{cid}}", self._edit_command)
            router.add_delete(f"{prefix}/commands/{{cid}}", self._delete_command)
        router.add_post(f"{api}/interactions/{{iid}}/{{token}}/callback", self._callback)
        router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        hook_msg = f"{api}/webhooks/{{app}}/{{token}}/messages/{{mid}}"
        router.add_get(hook_msg, self._get_webhook_message)
        router.add_patch(hook_msg, self._edit_webhook_message)
        router.add_delete(hook_msg, self._delete_webhook_message)
        router.add_get(f"{api}/channels/{{cid}}", self._get_channel)
        router.add_post(f"{api}/channels/{{cid}}/typing", self._typing)
        router.add_post(f"{api}/channels/{{cid}}/messages", self._create_message)
        chan_msg = f"{api}/channels/{{cid}}/messages/{{mid}}"
        router.add_get(chan_msg, self._get_channel_message)
        router.add_patch(chan_msg, self._edit_channel_message)
        router.add_delete(chan_msg, self._delete_channel_message)
        router.add_get(f"{api}/guilds/{{gid}}", self._get_guild)
        router.add_get(f"{api}/guilds/{{gid}}/members/{{uid}}", self._get_member)

    @staticmethod
    def _needs_auth(path: str) -> bool:
        # Interaction callbacks and interaction webhooks carry their token in the URL instead.
        return not (path.startswith("/interactions/") or path.startswith("/webhooks/"))

    async def _read_body(self, request: web.Request) -> Any:
        if request.content_type.startswith("multipart/"):
            body: JSON = {}
            files: list[JSON] = []
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    raw = await part.read()
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,
                            "size": len(raw),
                            "content_type": part.headers.get("Content-Type"),
                        }
                    )
            body["__files__"] = files
            return body
        raw = await request.read()
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.") from None

    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in ("/", "/resume"):
            return await handler(request)
        path = request.path
        if path.startswith(API_PREFIX + "/"):
            path = path[len(API_PREFIX) :]
        record = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            body=None,
            authorization=request.headers.get("Authorization"),
        )
        self.requests.append(record)
        response: web.StreamResponse
        try:
            record.body = await self._read_body(request)
            _REQUEST_BODY.set(record.body)
            if self._needs_auth(record.path) and record.authorization != f"Bot {self.token}":
                raise ApiError(401, 0, "401: Unauthorized")
            response = await handler(request)
        except ApiError as exc:
            response = _json_response(exc.body(), exc.status)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            self.unknown_routes.append(record)
            self._record(
                "unknown_route",
                {
                    "method": record.method,
                    "path": record.path,
                    "query": record.query,
                    "body": record.body,
                },
                status=404,
            )
            response = _json_response({"code": 0, "message": "404: Not Found"}, 404)
        record.status = response.status
        if isinstance(response, web.Response) and response.body:
            with contextlib.suppress(ValueError, TypeError):
                record.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        return response

    @staticmethod
    def _snowflake(request: web.Request, key: str) -> int:
        raw = request.match_info[key]
        if not raw.isdigit():
            raise _form_error([key], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')
        return int(raw)

    @staticmethod
    def _body(request: web.Request) -> JSON:
        body = _REQUEST_BODY.get()
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise _form_error(
                [], "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
            )
        return body

    def _check_app(self, request: web.Request) -> int | None:
        if self._snowflake(request, "app") != self.application_id:
            raise ApiError(403, 50001, "Missing Access")
        if "gid" not in request.match_info:
            return None
        gid = self._snowflake(request, "gid")
        if gid != self.guild_id:
            raise ApiError(404, 10004, "Unknown Guild")
        return gid

    # ---------------------------------------------------------------- REST: basics

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json_response({"url": self.gateway_url.rstrip("/")})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url.rstrip("/"),
                "shards": self.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json_response({**self.bot_user.payload(), "verified": True, "mfa_enabled": False})

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(self._snowflake(request, "uid"))
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return _json_response(user.payload())

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json_response(self._application_payload())

    async def _get_guild(self, request: web.Request) -> web.Response:
        if self._snowflake(request, "gid") != self.guild_id:
            raise ApiError(404, 10004, "Unknown Guild")
        guild = self._guild_payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            guild.pop(key)
        return _json_response(guild)

    async def _get_member(self, request: web.Request) -> web.Response:
        uid = self._snowflake(request, "uid")
        if self._snowflake(request, "gid") != self.guild_id:
            raise ApiError(404, 10004, "Unknown Guild")
        if uid not in self.members:
            raise ApiError(404, 10007, "Unknown Member")
        return _json_response(self._member_payload(self.users[uid]))

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = self._body(request)
        try:
            uid = int(body.get("recipient_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _form_error(
                ["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required"
            ) from None
        if uid == self.bot_user.id:
            raise ApiError(400, 50007, "Cannot send messages to this user")
        user = self.users.get(uid)
        if user is None:
            raise ApiError(404, 10013, "Unknown User")
        return _json_response(self._channel_payload(self._ensure_dm(user)))

    def _channel(self, request: web.Request) -> FakeChannel:
        channel = self.channels.get(self._snowflake(request, "cid"))
        if channel is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return channel

    async def _get_channel(self, request: web.Request) -> web.Response:
        return _json_response(self._channel_payload(self._channel(request)))

    async def _typing(self, request: web.Request) -> web.Response:
        self._channel(request)
        return web.Response(status=204)

    # ---------------------------------------------------------------- REST: commands

    def _command_pool(self, gid: int | None) -> list[JSON]:
        return self.global_commands if gid is None else self.guild_commands.setdefault(gid, [])

    def _store_command(self, body: JSON, gid: int | None, existing: list[JSON]) -> JSON:
        ctype = body.get("type", 1)
        old = next(
            (c for c in existing if c["name"] == body.get("name") and c["type"] == ctype), None
        )
        stored: JSON = {
            "id": old["id"] if old else str(self._ids.next()),
            "application_id": str(self.application_id),
            "version": str(self._ids.next()),
            "type": ctype,
            "name": body.get("name"),
            "name_localizations": body.get("name_localizations"),
            "description": body.get("description", ""),
            "description_localizations": body.get("description_localizations"),
            "options": snapshot(body.get("options") or []),
            "default_member_permissions": body.get("default_member_permissions"),
            "nsfw": bool(body.get("nsfw", False)),
            "contexts": body.get("contexts"),
            "integration_types": body.get("integration_types") or [0],
        }
        if gid is None:
            stored["dm_permission"] = body.get("dm_permission", True)
        else:
            stored["guild_id"] = str(gid)
        return stored

    async def _list_commands(self, request: web.Request) -> web.Response:
        gid = self._check_app(request)
        return _json_response(self._command_pool(gid))

    async def _put_commands(self, request: web.Request) -> web.Response:
        """Bulk overwrite (what ``tree.sync()`` does): replaces the whole scope atomically."""
        gid = self._check_app(request)
        body = _REQUEST_BODY.get()
        if not isinstance(body, list):
            raise _form_error([], "LIST_TYPE_CONVERT", "Must be a list.")
        for i, command in enumerate(body):
            validate_command(command, [i])
        seen: set[tuple[int, str]] = set()
        for i, command in enumerate(body):
            key = (command.get("type", 1), command["name"])
            if key in seen:
                raise _form_error(
                    [i, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique: {command['name']!r}",
                )
            seen.add(key)
        counts = {t: sum(1 for c in body if c.get("type", 1) == t) for t in (1, 2, 3)}
        if counts[1] > 100 or counts[2] > 15 or counts[3] > 15:
            raise ApiError(400, 30032, "Maximum number of application commands reached")
        old = self._command_pool(gid)
        stored = [self._store_command(c, gid, old) for c in body]
        if gid is None:
            self.global_commands = stored
        else:
            self.guild_commands[gid] = stored
        scope = "global" if gid is None else "guild"
        self._record("commands_sync", {"scope": scope, "guild_id": gid, "commands": stored})
        return _json_response(stored)

    async def _upsert_command(self, request: web.Request) -> web.Response:
        gid = self._check_app(request)
        body = self._body(request)
        validate_command(body, [])
        pool = self._command_pool(gid)
        stored = self._store_command(body, gid, pool)
        existed = any(c["id"] == stored["id"] for c in pool)
        pool[:] = [c for c in pool if c["id"] != stored["id"]] + [stored]
        scope = "global" if gid is None else "guild"
        self._record("commands_sync", {"scope": scope, "guild_id": gid, "commands": [stored]})
        return _json_response(stored, 200 if existed else 201)

    def _find_command_by_id(self, request: web.Request) -> tuple[list[JSON], JSON]:
        gid = self._check_app(request)
        cid = str(self._snowflake(request, "cid"))
        pool = self._command_pool(gid)
        for command in pool:
            if command["id"] == cid:
                return pool, command
        raise ApiError(404, 10063, "Unknown application command")

    async def _get_command(self, request: web.Request) -> web.Response:
        return _json_response(self._find_command_by_id(request)[1])

    async def _edit_command(self, request: web.Request) -> web.Response:
        _, command = self._find_command_by_id(request)
        merged = {**command, **self._body(request)}
        validate_command(merged, [])
        command.update(self._body(request))
        command["version"] = str(self._ids.next())
        return _json_response(command)

    async def _delete_command(self, request: web.Request) -> web.Response:
        pool, command = self._find_command_by_id(request)
        pool.remove(command)
        return web.Response(status=204)

    # ---------------------------------------------------------------- REST: messages

    def _new_bot_message(
        self,
        body: JSON,
        channel: FakeChannel,
        *,
        ephemeral_for: int | None = None,
        interaction: FakeInteraction | None = None,
        extra_flags: int = 0,
    ) -> FakeMessage:
        flags = int(body.get("flags") or 0) & (
            SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | IS_COMPONENTS_V2
        )
        flags |= extra_flags
        if ephemeral_for is not None:
            flags |= EPHEMERAL
            audience: frozenset[int] | None = frozenset({ephemeral_for})
        elif channel.is_dm:
            audience = frozenset({channel.recipient_id or 0})
        else:
            audience = None
        msg = FakeMessage(
            id=self._ids.next(),
            channel_id=channel.id,
            author=self.bot_user,
            guild_id=channel.guild_id,
            flags=flags,
            audience=audience,
            message_reference=body.get("message_reference"),
        )
        if interaction is not None:
            msg.interaction_id = interaction.id
            msg.webhook_id = self.application_id
            msg.application_id = self.application_id
            msg.type = 20 if interaction.type == APPLICATION_COMMAND else 0
            msg.interaction_metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.payload(),
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            if interaction.type == APPLICATION_COMMAND:
                msg.extra["interaction"] = {
                    "id": str(interaction.id),
                    "type": interaction.type,
                    "name": interaction.name,
                    "user": interaction.user.payload(),
                }
        elif msg.message_reference is not None:
            msg.type = 19  # REPLY
        self._apply_content(msg, body)
        self.messages[msg.id] = msg
        return msg

    def _apply_content(self, msg: FakeMessage, body: JSON) -> None:
        """PATCH semantics: only keys present in ``body`` change (None clears)."""
        if "content" in body:
            msg.content = "" if body["content"] is None else str(body["content"])
        if "components" in body:
            msg.components = snapshot(body["components"] or [])
        if "embeds" in body:
            msg.embeds = snapshot(body["embeds"] or [])
        if "attachments" in body or "__files__" in body:
            kept = [
                a
                for a in msg.attachments
                if any(str(b.get("id")) == str(a["id"]) for b in body.get("attachments") or [])
            ]
            # An upload's metadata (its alt text) is the ``attachments`` entry whose id is the
            # n of its ``files[n]`` part.
            described = {
                str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)
            }
            for upload in body.get("__files__") or []:
                aid = self._ids.next()
                index = str(upload.get("field") or "").removeprefix("files[").rstrip("]")
                meta = described.get(index, {})
                stored = {
                    "id": str(aid),
                    "filename": upload["filename"],
                    "size": upload["size"],
                    "content_type": upload["content_type"],
                    "url": f"{self.base_url}/attachments/{msg.channel_id}/{aid}/"
                    f"{upload['filename']}",
                    "proxy_url": f"{self.base_url}/attachments/{aid}",
                }
                if meta.get("description") is not None:
                    stored["description"] = meta["description"]
                kept.append(stored)
            msg.attachments = kept
        for key in ("poll", "sticker_ids", "tts"):
            if key in body:
                msg.extra[key] = snapshot(body[key])

    def _edit_message(self, msg: FakeMessage, body: JSON) -> None:
        validate_message_body(body, creating=False)
        trial = snapshot(msg)
        self._apply_content(trial, body)
        if not (
            trial.content
            or trial.embeds
            or trial.components
            or trial.attachments
            or trial.extra.get("poll")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")
        self._apply_content(msg, body)
        if "flags" in body and body["flags"] is not None:
            keep = msg.flags & ~SUPPRESS_EMBEDS
            msg.flags = keep | (int(body["flags"]) & SUPPRESS_EMBEDS)
        msg.flags &= ~LOADING
        msg.edits += 1
        msg.edited_timestamp = _now_iso()

    async def _create_message(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        body = self._body(request)
        validate_message_body(body, creating=True)
        if channel.is_dm and channel.recipient_id in self.dm_closed:
            raise ApiError(403, 50007, "Cannot send messages to this user")
        msg = self._new_bot_message(body, channel)
        self._record("message_create", body, message=msg)
        await self._echo("MESSAGE_CREATE", msg)
        return _json_response(msg.payload())

    def _channel_message(self, request: web.Request) -> tuple[FakeChannel, FakeMessage]:
        channel = self._channel(request)
        msg = self.messages.get(self._snowflake(request, "mid"))
        if msg is None or msg.deleted or msg.channel_id != channel.id or msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return channel, msg

    async def _get_channel_message(self, request: web.Request) -> web.Response:
        return _json_response(self._channel_message(request)[1].payload())

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        _, msg = self._channel_message(request)
        if not msg.from_bot:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = self._body(request)
        self._edit_message(msg, body)
        self._record("message_update", body, message=msg)
        await self._echo("MESSAGE_UPDATE", msg)
        return _json_response(msg.payload())

    async def _delete_channel_message(self, request: web.Request) -> web.Response:
        channel, msg = self._channel_message(request)
        if not msg.from_bot and channel.is_dm:
            raise ApiError(403, 50003, "Cannot execute action on a DM channel")
        msg.deleted = True
        self._record("message_delete", None, message=msg)
        await self._echo("MESSAGE_DELETE", msg)
        return web.Response(status=204)

    # ---------------------------------------------------------------- REST: interactions

    def _fail(
        self,
        interaction: FakeInteraction | None,
        error: ApiError,
        kind: EventKind | None = None,
        data: Any = None,
        iid: int | None = None,
    ) -> ApiError:
        """Remember an error answered for an interaction (and record it as an event of ``kind``),
        then hand the error back for raising."""
        if interaction is not None:
            interaction.error = error.body()
            interaction.errors.append(error.body())
            iid = interaction.id
        if kind is not None:
            self._record(kind, data, interaction_id=iid, status=error.status, error=error.body())
        return error

    def _check_callback(
        self, interaction: FakeInteraction | None, token: str, body: JSON
    ) -> FakeInteraction:
        if interaction is None or interaction.token != token:
            raise ApiError(404, 10062, "Unknown interaction")
        if interaction.responded:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        age = asyncio.get_running_loop().time() - interaction.created_at
        if age > self.interaction_deadline:
            raise ApiError(404, 10062, "Unknown interaction")
        ctype = body.get("type")
        if ctype not in ALLOWED_CALLBACKS.get(interaction.type, frozenset()):
            raise _form_error(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Callback type {ctype} is not valid for interaction type {interaction.type}",
            )
        if ctype in (CB_DEFERRED_UPDATE, CB_UPDATE) and interaction.message_id is None:
            raise _form_error(
                ["type"], "INTERACTION_RESPONSE_TYPE_INVALID", "There is no message to update"
            )
        data = body.get("data") or {}
        if ctype in (CB_MESSAGE, CB_UPDATE):
            validate_message_body(data, creating=ctype == CB_MESSAGE)
        elif ctype == CB_MODAL:
            validate_modal(data)
        elif ctype == CB_AUTOCOMPLETE and len(data.get("choices") or []) > 25:
            raise _form_error(
                ["data", "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
            )
        return interaction

    async def _callback(self, request: web.Request) -> web.Response:
        """The first response to an interaction: Discord's 3-second and answer-once rules."""
        iid = self._snowflake(request, "iid")
        body = self._body(request)
        found = self.interactions.get(iid)
        message: FakeMessage | None = None
        try:
            interaction = self._check_callback(found, request.match_info["token"], body)
            ctype = body["type"]
            data = body.get("data") or {}
            if body.get("__files__"):  # multipart: the uploads belong to the message in data
                data = {**data, "__files__": body["__files__"]}
            if ctype == CB_UPDATE:
                message = self.messages[interaction.message_id or 0]
                self._edit_message(message, data)
        except ApiError as exc:
            raise self._fail(found, exc, "interaction_response", body, iid) from None
        delay = asyncio.get_running_loop().time() - interaction.created_at
        channel = self.channels[interaction.channel_id]

        ephemeral_for = interaction.user.id if int(data.get("flags") or 0) & EPHEMERAL else None
        if ctype == CB_MESSAGE:
            message = self._new_bot_message(
                data, channel, ephemeral_for=ephemeral_for, interaction=interaction
            )
        elif ctype == CB_DEFERRED_MESSAGE:
            message = self._new_bot_message(
                {},
                channel,
                ephemeral_for=ephemeral_for,
                interaction=interaction,
                extra_flags=LOADING,
            )
        elif ctype == CB_DEFERRED_UPDATE:
            message = self.messages[interaction.message_id or 0]
        elif ctype == CB_MODAL:
            interaction.modal = snapshot(data)
        elif ctype == CB_AUTOCOMPLETE:
            interaction.autocomplete_choices = snapshot(data.get("choices") or [])

        interaction.responded = True
        interaction.response_type = ctype
        interaction.response = snapshot(body)
        interaction.response_delay = delay
        interaction.error = None
        if message is not None:
            interaction.original_message_id = message.id
        self._record(
            "interaction_response",
            body,
            message=message,
            interaction_id=iid,
            status=200 if request.query.get("with_response") else 204,
        )
        if message is not None and ctype in (CB_MESSAGE, CB_DEFERRED_MESSAGE):
            await self._echo("MESSAGE_CREATE", message)
        elif message is not None and ctype == CB_UPDATE:
            self._record("message_update", data, message=message, interaction_id=iid)
            await self._echo("MESSAGE_UPDATE", message)

        if not request.query.get("with_response"):
            return web.Response(status=204)
        resource: JSON = {"type": ctype}
        if message is not None and ctype != CB_DEFERRED_UPDATE:
            resource["message"] = message.payload()
        return _json_response(
            {
                "interaction": {
                    "id": str(iid),
                    "type": interaction.type,
                    "response_message_id": str(message.id) if message else None,
                    "response_message_loading": ctype == CB_DEFERRED_MESSAGE,
                    "response_message_ephemeral": bool(message and message.ephemeral),
                    "activity_instance_id": None,
                },
                "resource": resource,
            }
        )

    def _webhook_interaction(self, request: web.Request) -> FakeInteraction:
        """The interaction behind ``/webhooks/{app}/{token}``. Before the first callback the
        webhook does not exist yet (Discord: 404 Unknown Webhook); it expires after 15 min."""
        interaction = self._by_token.get(request.match_info["token"])
        app_ok = request.match_info["app"] == str(self.application_id)
        if interaction is None or not app_ok or not interaction.responded:
            raise self._fail(interaction, ApiError(404, 10015, "Unknown Webhook"))
        age = asyncio.get_running_loop().time() - interaction.created_at
        if age > self.followup_window:
            raise self._fail(interaction, ApiError(401, 50027, "Invalid Webhook Token"))
        return interaction

    async def _followup(self, request: web.Request) -> web.Response:
        body = self._body(request)
        try:
            interaction = self._webhook_interaction(request)
        except ApiError as exc:
            inter = self._by_token.get(request.match_info["token"])
            self._record(
                "followup",
                body,
                interaction_id=inter.id if inter else None,
                status=exc.status,
                error=exc.body(),
            )
            raise
        try:
            validate_message_body(body, creating=True)
        except ApiError as exc:
            raise self._fail(interaction, exc, "followup", body) from None
        original = self.messages.get(interaction.original_message_id or 0)
        if (
            interaction.response_type == CB_DEFERRED_MESSAGE
            and original is not None
            and original.loading
            and not original.deleted
        ):
            # Discord: the first follow-up after a "thinking" defer fills the loading message,
            # keeping the defer's ephemeral choice.
            self._edit_message(original, body)
            message = original
            self._record("followup", body, message=message, interaction_id=interaction.id)
            await self._echo("MESSAGE_UPDATE", message)
        else:
            ephemeral_for = interaction.user.id if int(body.get("flags") or 0) & EPHEMERAL else None
            channel = self.channels[interaction.channel_id]
            message = self._new_bot_message(
                body, channel, ephemeral_for=ephemeral_for, interaction=interaction
            )
            self._record("followup", body, message=message, interaction_id=interaction.id)
            await self._echo("MESSAGE_CREATE", message)
        interaction.followups.append(message.id)
        if request.query.get("wait") in ("1", "true", "True"):
            return _json_response(message.payload())
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request) -> tuple[FakeInteraction, FakeMessage]:
        interaction = self._webhook_interaction(request)
        raw = request.match_info["mid"]
        if raw == "@original":
            mid = interaction.original_message_id
        else:
            mid = self._snowflake(request, "mid")
            if mid != interaction.original_message_id and mid not in interaction.followups:
                mid = None
        msg = self.messages.get(mid or 0)
        if msg is None or msg.deleted:
            raise self._fail(interaction, ApiError(404, 10008, "Unknown Message"))
        return interaction, msg

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        return _json_response(self._webhook_message(request)[1].payload())

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        interaction, msg = self._webhook_message(request)
        body = self._body(request)
        try:
            self._edit_message(msg, body)
        except ApiError as exc:
            raise self._fail(interaction, exc) from None
        self._record("message_update", body, message=msg, interaction_id=interaction.id)
        await self._echo("MESSAGE_UPDATE", msg)
        return _json_response(msg.payload())

    async def _delete_webhook_message(self, request: web.Request) -> web.Response:
        interaction, msg = self._webhook_message(request)
        msg.deleted = True
        self._record("message_delete", None, message=msg, interaction_id=interaction.id)
        await self._echo("MESSAGE_DELETE", msg)
        return web.Response(status=204)
