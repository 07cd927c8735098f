"""A fake Telegram Bot API server for end-to-end tests.

The real python-telegram-bot (PTB) talks real HTTP to this aiohttp server on 127.0.0.1, so nothing
inside the library is mocked. The fake enforces the Telegram rules that bots most often break in
production (message length, ``callback_data`` size, HTML well-formedness, "message is not
modified", answering a callback query twice, unknown or blocked chats, 429 flood control), so a
bot that passes these tests behaves on the real Telegram.

Typical use::

    async with FakeTelegram() as fake:
        app = (ApplicationBuilder().token(fake.token)
               .base_url(fake.base_url).base_file_url(fake.base_file_url).build())
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0.0)
            fake.inject_message("/start", user=fake.make_user(1001, "Alice", "alice"))
            sent = await fake.wait_for_call("sendMessage")
            fake.press_button(sent, text="Yes")
            await fake.wait_for_call("answerCallbackQuery")
            await app.updater.stop()
            await app.stop()

Wire format (as PTB sends it): every call is a POST to ``/bot<TOKEN>/<method>``. Parameters are
form-encoded (multipart when files are uploaded) with each value JSON-encoded except plain strings,
which are sent raw; JSON bodies and query strings are accepted too. Answers are
``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}`` with
the same HTTP status, which is how PTB picks its exception class (400 BadRequest, 401/404
InvalidToken, 403 Forbidden, 409 Conflict, ``parameters.retry_after`` RetryAfter).

All helpers that inject updates must be called from inside the running event loop, because they
wake pending long polls. Recorded ``Call`` values and queued updates are deep-copied snapshots;
``sent_messages()`` and ``message()`` return the current state of the bot's messages.

Photos: ``sendPhoto`` takes a multipart upload (recorded in ``uploads``, answered with a fresh
``file_id``) or a ``file_id`` the fake issued; anything else is 400, as on Telegram. The bot's
profile (``setMyDescription``, ``setMyShortDescription``, ``setChatMenuButton``) is kept in
``descriptions``, ``short_descriptions`` and ``menu_buttons``.

Known simplifications (deliberate, cheap to add when needed): no other media methods, no inline
mode, no MarkdownV2 validation (only HTML is checked), no per-chat flood limits (429 only through
``fail_next``), webhook URLs may be plain http on any port, and webhook delivery is sequential
(``ConcurrentWebhookTelegram`` delivers concurrently, as Telegram does under load).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import re
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Final

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from tests.fakes.snapshot import snapshot

__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "MAX_CALLBACK_DATA_BYTES",
    "MAX_MESSAGE_LENGTH",
    "ApiError",
    "Call",
    "CallbackQueryState",
    "ConcurrentWebhookTelegram",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "HtmlParseError",
    "SentMessage",
    "Upload",
    "WebhookDelivery",
    "parse_html",
    "unused_tcp_port",
]

JSONDict = dict[str, Any]

DEFAULT_TOKEN: Final = "123456789:AAFakeTelegramTokenForBackcheckTests00"
DEFAULT_BOT_USERNAME: Final = "backcheck_test_bot"
MAX_MESSAGE_LENGTH: Final = 4096
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
MAX_CAPTION_LENGTH: Final = 1024
MAX_DESCRIPTION_LENGTH: Final = 512
MAX_SHORT_DESCRIPTION_LENGTH: Final = 120
MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC: Final = b"\xff\xd8\xff"

#: Form fields that PTB sends as raw strings. Every other form field is JSON-decoded, so that
#: ``chat_id=5`` becomes an int while ``text=42`` stays the string "42".
_STRING_KEYS: Final = frozenset(
    {
        "action",
        "address",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "currency",
        "description",
        "emoji",
        "first_name",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "payload",
        "phone_number",
        "photo",
        "provider_token",
        "query",
        "secret_token",
        "short_description",
        "text",
        "title",
        "url",
    }
)

#: Fields that hold JSON objects; JSON-body clients may also send them as JSON text.
_JSON_OBJECT_KEYS: Final = frozenset(
    {
        "allowed_updates",
        "commands",
        "entities",
        "caption_entities",
        "link_preview_options",
        "menu_button",
        "reply_markup",
        "reply_parameters",
        "scope",
    }
)

#: Update kinds Telegram leaves out unless ``allowed_updates`` names them explicitly.
_OPT_IN_UPDATE_KINDS: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)

_CHAT_ACTIONS: Final = frozenset(
    {
        "choose_sticker",
        "find_location",
        "record_video",
        "record_video_note",
        "record_voice",
        "typing",
        "upload_document",
        "upload_photo",
        "upload_video",
        "upload_video_note",
        "upload_voice",
    }
)

_INLINE_BUTTON_ACTIONS: Final = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

_COMMAND_SCOPES: Final = frozenset(
    {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
)
_COMMAND_NAME_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOT_COMMAND_RE: Final = re.compile(r"(?<!\S)/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")

_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_WEBHOOK_CONFLICT: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_POLL_CONFLICT: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    """A realistic Unix date. Never 0: PTB turns ``date == 0`` into an InaccessibleMessage."""
    return int(time.time())


def unused_tcp_port(host: str = "127.0.0.1") -> int:
    """Return a port that was free a moment ago, e.g. for PTB's webhook server in tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------
# Telegram's HTML subset
# --------------------------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is what Telegram puts after
    "Bad Request: can't parse entities: "."""


_HTML_TAGS: Final = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-spoiler",
        "u",
    }
)
_TAG_ENTITY_TYPES: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
    "a": "text_link",
}
_HTML_ENTITY_RE: Final = re.compile(
    r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot)(?![A-Za-z]));?"
)
_NAMED_HTML_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_SPACE: Final = " \t\r\n\v\f"


@dataclass
class _OpenTag:
    name: str
    argument: str
    start: int  # UTF-16 offset in the plain text
    start_index: int  # index into the plain-text character list
    expandable: bool = False


def _decode_html_entity(match: re.Match[str]) -> str | None:
    hex_digits, dec_digits, name = match.group(1), match.group(2), match.group(3)
    if name:
        return _NAMED_HTML_ENTITIES[name]
    value = int(hex_digits, 16) if hex_digits else int(dec_digits)
    if value == 0 or value >= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return None
    return chr(value)


def parse_html(text: str, *, strict_escaping: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram's HTML subset into ``(plain_text, entities)``.

    Modelled on tdlib's ``parse_html`` (what the Bot API server runs), including its error
    messages. Entity offsets and lengths are in UTF-16 code units, as Telegram sends them.

    With ``strict_escaping`` (the default) a bare ``&`` that is not a supported entity (``&lt;``,
    ``&gt;``, ``&amp;``, ``&quot;``, numeric) and a bare ``>`` are errors, as Telegram's
    documentation demands. The real server tolerates them; being stricter here means text that
    passes the fake is safe on Telegram whatever it does tomorrow.
    """
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []
    n = len(text)
    i = 0

    def byte_offset(index: int) -> int:
        return len(text[:index].encode("utf-8"))

    def emit(chars: str) -> None:
        nonlocal utf16
        out.append(chars)
        utf16 += _utf16_len(chars)

    while i < n:
        c = text[i]
        if c == "&":
            match = _HTML_ENTITY_RE.match(text, i)
            decoded = _decode_html_entity(match) if match else None
            if match is not None and decoded is not None:
                emit(decoded)
                i = match.end()
                continue
            if strict_escaping:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)}: use "&amp;" or a '
                    "supported entity (&lt; &gt; &amp; &quot; &#N;)"
                )
            emit(c)
            i += 1
            continue
        if c == ">":
            if strict_escaping:
                raise HtmlParseError(f'Unescaped ">" at byte offset {byte_offset(i)}: use "&gt;"')
            emit(c)
            i += 1
            continue
        if c != "<":
            emit(c)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and text[i] == "/":
            # End tag.
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            j = i + 1
            while j < n and text[j] not in _HTML_SPACE and text[j] != ">":
                j += 1
            end_name = text[i + 1 : j]
            while j < n and text[j] in _HTML_SPACE:
                j += 1
            if j >= n or text[j] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            tag = stack.pop()
            if end_name and end_name.lower() != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                    f'expected "</{tag.name}>", found "</{end_name}>"'
                )
            i = j + 1
            _close_tag(tag, stack, out, utf16, entities)
            continue

        # Start tag.
        j = i
        while j < n and text[j] not in _HTML_SPACE and text[j] != ">":
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
        name = text[i:j].lower()
        if name not in _HTML_TAGS:
            raise HtmlParseError(
                f'Unsupported start tag "{name}" at byte offset {byte_offset(begin)}'
            )
        i = j
        argument = ""
        expandable = False
        while True:
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            if text[i] == ">":
                i += 1
                break
            attr_begin = i
            while i < n and text[i] not in _HTML_SPACE and text[i] not in "=>":
                i += 1
            attr_name = text[attr_begin:i].lower()
            if not attr_name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {byte_offset(begin)}'
                )
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n or text[i] != "=":
                if name == "blockquote" and attr_name == "expandable":
                    expandable = True
                    continue
                raise HtmlParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{name}" '
                    f"at byte offset {byte_offset(begin)}"
                )
            i += 1
            while i < n and text[i] in _HTML_SPACE:
                i += 1
            if i >= n:
                raise HtmlParseError(
                    f'Unclosed start tag "{name}" at byte offset {byte_offset(begin)}'
                )
            value_chars: list[str] = []
            if text[i] in "'\"":
                quote = text[i]
                i += 1
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        match = _HTML_ENTITY_RE.match(text, i)
                        decoded = _decode_html_entity(match) if match else None
                        if match is not None and decoded is not None:
                            value_chars.append(decoded)
                            i = match.end()
                            continue
                    value_chars.append(text[i])
                    i += 1
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
                i += 1
                value = "".join(value_chars)
            else:
                token_begin = i
                while i < n and (text[i].isalnum() or text[i] in ".-"):
                    i += 1
                value = text[token_begin:i].lower()
                if i < n and text[i] not in _HTML_SPACE and text[i] != ">":
                    raise HtmlParseError(
                        f"Unexpected end of name token at byte offset {byte_offset(token_begin)}"
                    )
            if name == "a" and attr_name == "href":
                argument = value
            elif name == "code" and attr_name == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif name == "span" and attr_name == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
        if name == "span" and argument != "spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
            )
        stack.append(_OpenTag(name, argument, utf16, len(out), expandable))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_tag(
    tag: _OpenTag, stack: list[_OpenTag], out: list[str], utf16: int, entities: list[JSONDict]
) -> None:
    """Turn a closed tag into a message entity, as Telegram does (empty entities vanish)."""
    length = utf16 - tag.start
    if tag.name == "code" and tag.argument and stack and stack[-1].name == "pre":
        # <pre><code class="language-x">: the language moves to the enclosing pre entity.
        stack[-1].argument = tag.argument
        return
    if length <= 0:
        return
    entity: JSONDict = {"type": _TAG_ENTITY_TYPES[tag.name], "offset": tag.start, "length": length}
    if tag.name == "a":
        url = tag.argument or "".join(out[tag.start_index :])
        if not url.strip():
            return
        entity["url"] = url
    elif tag.name == "pre" and tag.argument:
        entity["language"] = tag.argument
    elif tag.name == "blockquote" and tag.expandable:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)


# --------------------------------------------------------------------------------------------
# Value types handed to tests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiError:
    """An error answer of the fake, exactly as sent on the wire (same HTTP status as ``code``)."""

    code: int
    description: str
    parameters: JSONDict | None = None

    def to_body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = dict(self.parameters)
        return body


class _Reject(Exception):
    """Raised by method implementations to answer with an error."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.error = ApiError(code, description, parameters)


@dataclass
class Call:
    """One Bot API request the fake received, with what it answered.

    ``params`` are the decoded parameters, ``result`` the ``result`` of a successful answer and
    ``error`` the error answer; exactly one of ``result``/``error`` is meaningful. Both are
    deep-copied snapshots. ``at`` is ``time.monotonic()`` when the answer was produced, so tests
    can assert on delays (e.g. a retry after ``retry_after``).
    """

    method: str
    params: JSONDict
    result: Any = None
    error: ApiError | None = None
    at: float = 0.0
    claimed: bool = field(default=False, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        """A one-line summary for assertion messages."""
        shown = {k: v for k, v in self.params.items() if k in ("chat_id", "text", "message_id")}
        args = ", ".join(f"{k}={v!r:.60}" for k, v in shown.items())
        outcome = "ok" if self.error is None else f"{self.error.code} {self.error.description}"
        return f"{self.method}({args}) -> {outcome}{' [claimed]' if self.claimed else ''}"


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user (a human unless ``is_bot``)."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "en"
    last_name: str | None = None
    is_bot: bool = False

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class FakeChat:
    """A chat as it appears in ``message.chat``. Private chats share the user's id."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_api(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass
class SentMessage:
    """The current state of a message the bot sent (edits applied, ``deleted`` when deleted).

    ``text`` is what the bot sent (with markup, before ``parse_mode``); ``plain_text`` is what the
    user sees (tags stripped, entities unescaped), which is what Telegram echoes back as
    ``message.text``. ``reply_markup`` is the attached inline keyboard or ``None``: reply
    keyboards are not part of a Telegram message, find them in the ``sendMessage`` call params.
    """

    chat: JSONDict
    message_id: int
    date: int
    text: str
    plain_text: str
    parse_mode: str | None
    entities: list[JSONDict]
    reply_markup: JSONDict | None
    sender: JSONDict
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False
    #: For a photo: its sizes (``text``/``plain_text``/``entities`` then hold the caption).
    photo: list[JSONDict] | None = None

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def buttons(self) -> list[JSONDict]:
        """The inline keyboard's buttons, row by row, flattened."""
        if not self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    def to_api(self) -> JSONDict:
        """The message as the Bot API shows it (the text after parse_mode, plus entities)."""
        data: JSONDict = {
            "message_id": self.message_id,
            "from": snapshot(self.sender),
            "chat": snapshot(self.chat),
            "date": self.date,
        }
        if self.photo is not None:
            data["photo"] = snapshot(self.photo)
            if self.plain_text:
                data["caption"] = self.plain_text
            if self.entities:
                data["caption_entities"] = snapshot(self.entities)
        else:
            data["text"] = self.plain_text
            if self.entities:
                data["entities"] = snapshot(self.entities)
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if self.reply_markup is not None:
            data["reply_markup"] = snapshot(self.reply_markup)
        return data


@dataclass
class CallbackQueryState:
    """A callback query created by ``press_button`` and whether the bot answered it."""

    id: str
    chat_id: int
    message_id: int
    data: str
    user_id: int
    answered: bool = False
    answer: JSONDict | None = None


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (multipart), with the ``file_id`` the fake issued for it."""

    method: str
    field: str
    filename: str
    size: int
    file_id: str


@dataclass(frozen=True)
class WebhookDelivery:
    """One attempt to POST an update to the bot's webhook; ``status`` 0 means no connection."""

    update_id: int
    url: str
    status: int
    attempt: int


MessageRef = SentMessage | Call | JSONDict | int
_MISSING: Final[Any] = object()


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------


class FakeTelegram:
    """An in-process fake of the Telegram Bot API (``https://api.telegram.org``).

    State survives bot restarts within one ``async with`` block, like the real Telegram, so
    "button pressed after a restart" can be tested. Inspect it through ``calls``,
    ``sent_messages()``, ``message()``, ``commands``, ``callback_queries``, ``known_chats``,
    ``pending_updates`` and ``webhook_deliveries``; shape it through ``blocked_chats``,
    ``register_chat()`` and ``fail_next()``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = "Backcheck Test",
        host: str = "127.0.0.1",
        strict_html_escaping: bool = True,
        webhook_retry_interval: float = 0.2,
        webhook_max_attempts: int = 25,
    ) -> None:
        self.token: str = token
        self.bot_username: str = bot_username
        self.host: str = host
        self.strict_html_escaping: bool = strict_html_escaping
        self.webhook_retry_interval: float = webhook_retry_interval
        self.webhook_max_attempts: int = webhook_max_attempts
        bot_id_text = token.split(":", 1)[0]
        self.bot_user: FakeUser = FakeUser(
            id=int(bot_id_text) if bot_id_text.isdigit() else 123456789,
            first_name=bot_first_name,
            username=bot_username,
            language_code=None,
            is_bot=True,
        )
        #: Every request, in arrival order of its answer (long polls are recorded when they end).
        self.calls: list[Call] = []
        #: Method names the fake does not implement (answered 404, which PTB calls InvalidToken).
        self.unknown_methods: list[str] = []
        #: Chats that blocked the bot (or removed it from the group): sending there gives 403.
        self.blocked_chats: set[int] = set()
        #: Chats the bot may write to: a user wrote from them, or a test registered them.
        self.known_chats: dict[int, FakeChat] = {}
        #: Registered commands, keyed by ``(scope, language_code)``; scope is "default",
        #: "all_private_chats", "chat:<id>", "chat_member:<chat>:<user>", ...; language "" = all.
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.callback_queries: dict[str, CallbackQueryState] = {}
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        #: Methods the bot's webhook returned in its responses, which the fake ran.
        self.webhook_replies: list[Call] = []
        self.default_user: FakeUser = FakeUser(1001, "Alice", "alice", "en")
        #: Files uploaded by the bot, oldest first; ``file_id`` re-sends are not uploads.
        self.uploads: list[Upload] = []
        #: The bot's profile texts by language code ("" = every language without its own).
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        #: The menu button by chat id (None = the default for every private chat).
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self._files: dict[str, bytes] = {}
        self._file_ids = itertools.count(1)

        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._queue: list[JSONDict] = []
        self._allowed_updates: list[str] | None = None
        self._webhook_settings: JSONDict = {}
        self._webhook_last_error: tuple[int, str] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._messages: dict[tuple[int, int], SentMessage] = {}
        self._user_messages: dict[tuple[int, int], JSONDict] = {}
        self._deleted_user_messages: set[tuple[int, int]] = set()
        self._private_users: dict[int, FakeUser] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._stalls: dict[str, list[float]] = {}
        self._drops: dict[str, int] = {}
        self._polls: list[dict[str, bool]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._methods: dict[str, tuple[str, Callable[[JSONDict], Awaitable[Any]]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._log_out,
                "close": self._close,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "getChat": self._get_chat,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
                "answerCallbackQuery": self._answer_callback_query,
                "sendPhoto": self._send_photo,
                "setMyDescription": self._set_my_description,
                "getMyDescription": self._get_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "getMyShortDescription": self._get_my_short_description,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
            }.items()
        }

    # ---------------------------------------------------------------- lifecycle and addresses

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on a random port of ``host``."""
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._handle_file)
        # handler_cancellation: a long poll whose client hung up (PTB cancels it on stop) ends at
        # once instead of lingering until its timeout. shutdown_timeout: never wait 60 s on exit.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._session = ClientSession(timeout=ClientTimeout(total=5))

    async def stop(self) -> None:
        """Wake pending long polls, stop webhook delivery and close the server."""
        self._closing = True
        self._notify()
        await self._stop_webhook_task()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not running; use `async with FakeTelegram()`")
        return self._port

    @property
    def url(self) -> str:
        """The server root, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``: PTB appends ``<token>/<method>``."""
        return f"{self.url}/bot"

    def bot_environment(self, db: str, python_path: str, **extra: str) -> dict[str, str]:
        """The environment for a ``backcheck run`` process served by this fake: this
        process's own, without any messenger, Redis or backcheck setting it may carry, then
        the fake's token and URL, the SQLite file ``db`` and quiet logs."""
        own = ("TELEGRAM_", "DISCORD_", "REDIS_", "BACKCHECK_")
        env = {key: value for key, value in os.environ.items() if not key.startswith(own)}
        return env | {
            "TELEGRAM_TOKEN": self.token,
            "TELEGRAM_BASE_URL": self.base_url,
            "BACKCHECK_DB": db,
            "BACKCHECK_LOG_LEVEL": "WARNING",
            "PYTHONPATH": python_path,
            "NO_PROXY": "127.0.0.1,localhost",
            **extra,
        }

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url()`` (file downloads answer 404 for now)."""
        return f"{self.url}/file/bot"

    @property
    def api_url(self) -> str:
        """The URL prefix of this bot's methods: ``<base_url><token>/``."""
        return f"{self.base_url}{self.token}/"

    # ---------------------------------------------------------------- users and chats

    def make_user(
        self,
        id: int,
        first_name: str,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        last_name: str | None = None,
    ) -> FakeUser:
        """A human user; ``language_code`` ends up in ``update.effective_user.language_code``."""
        return FakeUser(id, first_name, username, language_code, last_name)

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The user's private chat with the bot (same id as the user)."""
        return FakeChat(
            user.id,
            "private",
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
        )

    def group_chat(self, id: int, title: str, *, type: str = "supergroup") -> FakeChat:
        """A group chat; supergroup ids look like ``-100...``."""
        if type not in ("group", "supergroup"):
            raise ValueError(f"group chat type must be 'group' or 'supergroup', not {type!r}")
        return FakeChat(id, type, title=title)

    def register_chat(self, chat: FakeChat, user: FakeUser | None = None) -> None:
        """Make a chat known without a user message (e.g. a chat from an earlier session)."""
        self.known_chats[chat.id] = chat
        if chat.type == "private" and user is not None:
            self._private_users[chat.id] = user

    # ---------------------------------------------------------------- injecting updates

    def make_message_update(
        self,
        text: str,
        *,
        user: FakeUser | None = None,
        chat: FakeChat | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Build a user's message update (fresh update and message ids) without queueing it.

        Use it with ``post_to_webhook``. A ``bot_command`` entity is added for each ``/command``
        (also ``/start@botname``) unless ``entities`` is given: CommandHandler ignores a command
        without one.
        """
        user = user or self.default_user
        chat = chat or self.private_chat(user)
        message_id = next(self._message_ids)
        message: JSONDict = {
            "message_id": message_id,
            "from": user.to_api(),
            "chat": chat.to_api(),
            "date": _now(),
            "text": text,
        }
        if entities is None:
            entities = [
                {
                    "type": "bot_command",
                    "offset": _utf16_len(text[: m.start()]),
                    "length": _utf16_len(m.group()),
                }
                for m in _BOT_COMMAND_RE.finditer(text)
            ]
        if entities:
            message["entities"] = snapshot(entities)
        return {"update_id": next(self._update_ids), "message": message}

    def inject_message(
        self,
        text: str,
        *,
        user: FakeUser | None = None,
        chat: FakeChat | None = None,
        entities: list[JSONDict] | None = None,
    ) -> JSONDict:
        """Queue a message from ``user`` (default ``default_user``) in ``chat`` (default: the
        user's private chat) and wake the bot's long poll. The chat becomes known to the fake, so
        the bot may answer there. Returns a copy of the update."""
        update = self.make_message_update(text, user=user, chat=chat, entities=entities)
        message = update["message"]
        sender = user or self.default_user
        chat_obj = chat or self.private_chat(sender)
        self.known_chats[chat_obj.id] = chat_obj
        if chat_obj.type == "private":
            self._private_users[chat_obj.id] = sender
        self._user_messages[(chat_obj.id, message["message_id"])] = snapshot(message)
        return self.inject_update(update)

    def inject_edit(self, update: JSONDict, text: str) -> JSONDict:
        """Queue the ``edited_message`` update of a message a user sent (``update`` as returned
        by ``inject_message``): same message id, new ``text``, an ``edit_date``. Telegram sends
        it only to a bot whose ``allowed_updates`` names ``edited_message`` (or is empty)."""
        message = snapshot(update["message"])
        message["text"] = text
        message.pop("entities", None)
        message["edit_date"] = _now()
        self._user_messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
        return self.inject_update({"edited_message": message})

    def inject_payload(
        self, payload: JSONDict, *, user: FakeUser | None = None, chat: FakeChat | None = None
    ) -> JSONDict:
        """Queue a user's message whose content is ``payload`` instead of a text: a photo with
        a ``caption``, a ``location``, ``forward_origin`` with a ``text``, a ``sticker``…"""
        update = self.make_message_update("-", user=user, chat=chat, entities=[])
        message = update["message"]
        del message["text"]
        message.update(snapshot(payload))
        sender = user or self.default_user
        chat_obj = chat or self.private_chat(sender)
        self.known_chats[chat_obj.id] = chat_obj
        if chat_obj.type == "private":
            self._private_users[chat_obj.id] = sender
        self._user_messages[(chat_obj.id, message["message_id"])] = snapshot(message)
        return self.inject_update(update)

    def photo_payload(self, caption: str | None = None) -> JSONDict:
        """A user's photo (one size), with ``caption`` when given, for ``inject_payload``."""
        size = {"file_id": "AgACAgUser1", "file_unique_id": "AQADUser1", "width": 90, "height": 90}
        return {"photo": [size], **({"caption": caption} if caption is not None else {})}

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue any update (``update_id`` is assigned when missing). Returns a copy."""
        update = snapshot(update)
        update.setdefault("update_id", next(self._update_ids))
        self._queue.append(update)
        self._queue.sort(key=lambda u: int(u["update_id"]))
        self._notify()
        return snapshot(update)

    def inject_updates(self, updates: list[JSONDict]) -> None:
        """Queue many updates at once (a burst): one sort and one wake-up for all of them.
        ``update_id`` is assigned where missing; the dicts are queued as given, not copied."""
        for update in updates:
            update.setdefault("update_id", next(self._update_ids))
        self._queue.extend(updates)
        self._queue.sort(key=lambda u: int(u["update_id"]))
        self._notify()

    def press_button(
        self,
        message: MessageRef,
        text: str | None = None,
        *,
        callback_data: str | None = None,
        user: FakeUser | None = None,
        force_data: str | None = None,
    ) -> JSONDict:
        """Queue a ``callback_query`` as if ``user`` pressed an inline button of a bot message.

        ``message`` is a ``SentMessage``, a ``sendMessage``/edit ``Call``, its result dict, or a
        message id. The button is found by ``text`` or ``callback_data`` on the message's
        *current* keyboard (so a keyboard removed by an edit cannot be pressed).
        ``force_data`` sends that payload whatever the keyboard holds, as a modified client or a
        stale keyboard would. The user defaults to the private chat's user. Returns the update.
        """
        stored = self._find_message(message)
        if stored.deleted:
            raise AssertionError(f"message {stored.message_id} was deleted; it has no buttons")
        if force_data is not None:
            data = force_data
        else:
            if (text is None) == (callback_data is None):
                raise ValueError("pass exactly one of text= or callback_data= (or force_data=)")
            buttons = stored.buttons
            matches = [
                b
                for b in buttons
                if (text is not None and b.get("text") == text)
                or (callback_data is not None and b.get("callback_data") == callback_data)
            ]
            if not matches:
                shown = [(b.get("text"), b.get("callback_data")) for b in buttons]
                raise AssertionError(
                    f"no button with text={text!r} callback_data={callback_data!r} on message "
                    f"{stored.message_id}; its buttons (text, callback_data) are {shown}"
                )
            if "callback_data" not in matches[0]:
                raise AssertionError(f"button {matches[0]!r} is not a callback button")
            data = str(matches[0]["callback_data"])
        presser = user or self._private_users.get(stored.chat_id) or self.default_user
        query_id = str(4_300_000_000_000_000_000 + next(self._query_ids))
        self.callback_queries[query_id] = CallbackQueryState(
            query_id, stored.chat_id, stored.message_id, data, presser.id
        )
        update: JSONDict = {
            "callback_query": {
                "id": query_id,
                "from": presser.to_api(),
                "message": stored.to_api(),
                "chat_instance": str(-7_000_000_000_000_000_000 - stored.chat_id),
                "data": data,
            }
        }
        return self.inject_update(update)

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates the bot has not confirmed yet (copies)."""
        return snapshot(self._queue)

    # ---------------------------------------------------------------- observing the bot

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,
    ) -> Call:
        """Return the oldest not yet returned ``method`` call matching ``predicate``.

        Each call is handed out once, so successive waits see successive calls; failed calls
        (``call.error``) count too, so a retried request shows up twice. On timeout raises
        AssertionError listing every call seen and any unknown methods.
        """
        name = self._canonical(method)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for call in self.calls:
                if call.claimed or call.method != name:
                    continue
                if predicate is not None and not predicate(call):
                    continue
                call.claimed = True
                return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(self._describe_wait_failure(name, timeout))
            await self._wait_for_change(remaining)

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return as soon as ``condition()`` holds, checking it after each change the fake
        sees (a call, an update queued, confirmed or delivered) instead of on a timer; raise
        AssertionError when it still does not after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"condition still false after {timeout} s")
            await self._wait_for_change(remaining)

    async def expect_no_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        within: float = 0.2,
    ) -> None:
        """Assert that no unclaimed matching call arrives within ``within`` seconds.

        Negative checks need some wait; prefer waiting for a positive signal first (e.g. the
        ``answerCallbackQuery`` of a forged press) and keep ``within`` small.
        """
        try:
            call = await self.wait_for_call(method, predicate, timeout=within)
        except AssertionError:
            return
        raise AssertionError(f"unexpected call: {call.describe()}")

    def sent_messages(
        self, chat_id: int | None = None, *, include_deleted: bool = False
    ) -> list[SentMessage]:
        """Snapshots of the bot's messages (current state after edits), oldest first."""
        return [
            snapshot(m)
            for m in sorted(self._messages.values(), key=lambda m: m.message_id)
            if (chat_id is None or m.chat_id == chat_id) and (include_deleted or not m.deleted)
        ]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """A snapshot of one bot message (also when deleted; see ``.deleted``)."""
        try:
            return snapshot(self._messages[(chat_id, message_id)])
        except KeyError:
            known = sorted(self._messages)
            raise KeyError(
                f"the bot sent no message {message_id} in chat {chat_id}; known: {known}"
            ) from None

    def fail_next(
        self,
        method: str,
        code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``code`` (HTTP status too).

        For 429 the answer carries ``parameters.retry_after`` (whole seconds, as on Telegram),
        which PTB raises as RetryAfter and ``AIORateLimiter`` waits out and retries.
        """
        parameters: JSONDict | None = None
        if description is None:
            description = {
                400: "Bad Request",
                403: "Forbidden: bot was blocked by the user",
                409: _POLL_CONFLICT,
                429: f"Too Many Requests: retry after {retry_after}",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(code, "Error")
        if code == 429:
            parameters = {"retry_after": retry_after}
        queue = self._failures.setdefault(self._canonical(method), [])
        queue.extend(ApiError(code, description, parameters) for _ in range(times))

    def stall_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` after ``seconds`` (client timeouts)."""
        self._stalls.setdefault(self._canonical(method), []).extend([seconds] * times)

    def drop_next(self, method: str, times: int = 1) -> None:
        """Close the connection instead of answering the next ``times`` calls of ``method``."""
        name = self._canonical(method)
        self._drops[name] = self._drops.get(name, 0) + times

    async def post_to_webhook(
        self, update: JSONDict, *, secret: str | None = _MISSING, url: str | None = None
    ) -> int:
        """POST an update to the bot's webhook yourself and return the HTTP status.

        ``secret`` defaults to the one from ``setWebhook``; pass another string (or ``None`` to
        omit the header) to check the bot rejects forged deliveries. The update is not queued.
        """
        target = url or self.webhook_url
        if not target:
            raise AssertionError("no webhook is set (the bot never called setWebhook)")
        token = self.webhook_secret if secret is _MISSING else secret
        return await self._post_update(target, update, token)

    # ---------------------------------------------------------------- plumbing

    def _notify(self) -> None:
        """Wake everything waiting for news (long polls, waits, webhook delivery)."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for_change(self, timeout: float | None) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)

    def _canonical(self, method: str) -> str:
        """Bot API method names are case-insensitive; record them as documented."""
        entry = self._methods.get(method.lower())
        return entry[0] if entry else method

    def _record(self, method: str, params: JSONDict, result: Any, error: ApiError | None) -> None:
        self.calls.append(
            Call(
                method,
                snapshot(params),
                snapshot(result),
                error,
                at=time.monotonic(),
            )
        )
        self._notify()

    def _describe_wait_failure(self, method: str, timeout: float) -> str:
        lines = [f"no unclaimed {method!r} call (matching the predicate) within {timeout} s."]
        polls = sum(1 for c in self.calls if c.method == "getUpdates")
        others = [c for c in self.calls if c.method != "getUpdates"]
        lines.append(f"Calls seen ({len(self.calls)}; {polls} getUpdates not listed):")
        lines.extend(f"  {c.describe()}" for c in others)
        if self.unknown_methods:
            lines.append(f"Unknown (unimplemented, answered 404) methods: {self.unknown_methods}")
        if self._queue:
            lines.append(f"Updates not yet confirmed by the bot: {len(self._queue)}")
        return "\n".join(lines)

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = {k: _coerce(k, v) for k, v in request.query.items()}
        if not request.can_read_body:
            return params
        ctype = request.content_type
        if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, str):
                    params[key] = _coerce(key, value)
                elif isinstance(value, bytes | bytearray):
                    params[key] = _coerce(key, bytes(value).decode("utf-8", "replace"))
                else:  # an uploaded file: keep its name and bytes for assertions
                    params[key] = {"filename": value.filename, "content": value.file.read()}
            return params
        body = await request.read()
        if not body.strip():
            return params
        try:
            data = json.loads(body)
        except ValueError:
            raise _Reject(400, "Bad Request: can't parse JSON object") from None
        if not isinstance(data, dict):
            raise _Reject(400, "Bad Request: parameters must be a JSON object")
        for key, value in data.items():
            params[key] = _coerce(key, value) if key in _JSON_OBJECT_KEYS else value
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except _Reject as reject:
            self._record(method, {}, None, reject.error)
            return _error_response(reject.error)
        if request.match_info["token"] != self.token:
            error = ApiError(401, "Unauthorized")
            self._record(method, params, None, error)
            return _error_response(error)
        entry = self._methods.get(method.lower())
        if entry is None:
            self.unknown_methods.append(method)
            error = ApiError(404, "Not Found")
            self._record(method, params, None, error)
            return _error_response(error)
        name, handler = entry
        stalls = self._stalls.get(name)
        if stalls:
            await asyncio.sleep(stalls.pop(0))
        if self._drops.get(name) and request.transport is not None:
            self._drops[name] -= 1
            request.transport.close()  # the client sees the server hang up mid-request
            return web.Response(status=500)
        failures = self._failures.get(name)
        if failures:
            error = failures.pop(0)
            self._record(name, params, None, error)
            return _error_response(error)
        try:
            result = await handler(params)
        except _Reject as reject:
            self._record(name, params, None, reject.error)
            return _error_response(reject.error)
        self._record(name, params, result, None)
        return web.json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.Response:
        return _error_response(ApiError(404, "Not Found"))

    def _resolve_chat(self, params: JSONDict) -> FakeChat:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _Reject(400, "Bad Request: chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for known in self.known_chats.values():
                if known.username and f"@{known.username}".lower() == raw.lower():
                    return known
            raise _Reject(400, "Bad Request: chat not found")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise _Reject(400, "Bad Request: chat not found") from None
        chat = self.known_chats.get(chat_id)
        if chat is None:
            raise _Reject(400, "Bad Request: chat not found")
        return chat

    def _check_not_blocked(self, chat: FakeChat) -> None:
        if chat.id not in self.blocked_chats:
            return
        if chat.type == "private":
            raise _Reject(403, "Forbidden: bot was blocked by the user")
        raise _Reject(403, f"Forbidden: bot was kicked from the {chat.type} chat")

    def _render_text(self, params: JSONDict) -> tuple[str, str, str | None, list[JSONDict]]:
        """Validate text + parse_mode; return (raw text, plain text, parse_mode, entities)."""
        raw = params.get("text")
        text = "" if raw is None else str(raw)
        if not text.strip():
            raise _Reject(400, "Bad Request: message text is empty")
        if len(text) > MAX_MESSAGE_LENGTH:
            raise _Reject(400, "Bad Request: message is too long")
        parse_mode = params.get("parse_mode") or None
        entities = params.get("entities")
        plain = text
        parsed: list[JSONDict] = list(entities) if isinstance(entities, list) else []
        if parse_mode is not None:
            mode = str(parse_mode).lower()
            if mode not in ("html", "markdown", "markdownv2"):
                raise _Reject(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")
            if mode == "html" and not entities:
                try:
                    plain, parsed = parse_html(text, strict_escaping=self.strict_html_escaping)
                except HtmlParseError as exc:
                    raise _Reject(400, f"Bad Request: can't parse entities: {exc}") from None
                if not plain.strip():
                    raise _Reject(400, "Bad Request: message text is empty")
        return text, plain, parse_mode, parsed

    def _check_markup(self, markup: Any, *, inline_only: bool) -> JSONDict | None:
        """Validate reply_markup; return the inline keyboard that gets attached, if any."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _Reject(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            if inline_only:
                raise _Reject(400, "Bad Request: inline keyboard expected")
            if not {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
                raise _Reject(400, "Bad Request: can't parse reply keyboard markup JSON object")
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _Reject(400, 'Bad Request: field "inline_keyboard" must be an Array of Arrays')
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                    raise _Reject(400, "Bad Request: can't parse inline keyboard button: text")
                actions = [a for a in _INLINE_BUTTON_ACTIONS if a in button]
                if len(actions) != 1:
                    raise _Reject(
                        400,
                        "Bad Request: can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard",
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode("utf-8")) if isinstance(data, str) else 0
                    if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                        raise _Reject(400, "Bad Request: BUTTON_DATA_INVALID")
        if not any(rows):
            return None
        return snapshot(markup)

    def _find_message(self, ref: MessageRef) -> SentMessage:
        if isinstance(ref, SentMessage):
            key = (ref.chat_id, ref.message_id)
        elif isinstance(ref, Call):
            if not isinstance(ref.result, dict):
                raise AssertionError(f"{ref.describe()} did not return a message")
            key = (int(ref.result["chat"]["id"]), int(ref.result["message_id"]))
        elif isinstance(ref, dict):
            key = (int(ref["chat"]["id"]), int(ref["message_id"]))
        else:
            found = [k for k in self._messages if k[1] == int(ref)]
            if not found:
                raise AssertionError(f"the bot sent no message with id {ref}")
            key = found[0]
        stored = self._messages.get(key)
        if stored is None:
            raise AssertionError(f"the bot sent no message {key[1]} in chat {key[0]}")
        return stored

    def _message_for_edit(self, params: JSONDict) -> SentMessage:
        if params.get("inline_message_id"):
            raise _Reject(400, "Bad Request: inline messages are not supported by the fake")
        chat = self._resolve_chat(params)
        self._check_not_blocked(chat)
        raw_id = params.get("message_id")
        if raw_id is None:
            raise _Reject(400, "Bad Request: message identifier is not specified")
        try:
            key = (chat.id, int(raw_id))
        except (TypeError, ValueError):
            raise _Reject(400, "Bad Request: message to edit not found") from None
        stored = self._messages.get(key)
        if stored is None or stored.deleted:
            if key in self._user_messages:
                raise _Reject(400, "Bad Request: message can't be edited")
            raise _Reject(400, "Bad Request: message to edit not found")
        return stored

    def _deliverable(self, limit: int) -> list[JSONDict]:
        """Queued updates the bot is allowed to get; drops kinds it did not subscribe to."""
        allowed = self._allowed_updates
        kept: list[JSONDict] = []
        for update in self._queue:
            kind = next((k for k in update if k != "update_id"), "")
            wanted = kind in allowed if allowed else kind not in _OPT_IN_UPDATE_KINDS
            if wanted:
                kept.append(update)
        self._queue = kept
        return snapshot(kept[:limit])

    def _confirm(self, offset: int) -> None:
        """getUpdates semantics: updates below a positive offset are forgotten; a negative
        offset keeps only the last ``-offset`` updates."""
        if offset > 0:
            self._queue = [u for u in self._queue if int(u["update_id"]) >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    # ---------------------------------------------------------------- webhook delivery

    async def _post_update(self, url: str, update: JSONDict, secret: str | None) -> int:
        if self._session is None:
            raise RuntimeError("FakeTelegram is not running")
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        try:
            async with self._session.post(url, json=update, headers=headers) as response:
                body = await response.read()
                status = response.status
        except (ClientError, OSError, TimeoutError):
            return 0
        if status == 200:
            await self._run_webhook_reply(response.content_type, body)
        return status

    async def _run_webhook_reply(self, content_type: str, body: bytes) -> None:
        """Telegram runs one Bot API method given in a webhook's 200 response body
        (``{"method": "answerCallbackQuery", ...}``), as if the bot had called it, and tells
        the bot nothing about the result. The call is recorded like any other and listed in
        ``webhook_replies``."""
        if content_type != "application/json" or not body.strip():
            return
        try:
            data = json.loads(body)
        except ValueError:
            return
        if not isinstance(data, dict) or not isinstance(data.get("method"), str):
            return
        params = {k: _coerce(k, v) if k in _JSON_OBJECT_KEYS else v for k, v in data.items()}
        entry = self._methods.get(str(params.pop("method")).lower())
        if entry is None:
            return
        name, handler = entry
        try:
            result, error = await handler(params), None
        except _Reject as reject:
            result, error = None, reject.error
        recorded = len(self.calls)
        self._record(name, params, result, error)
        if len(self.calls) > recorded:  # a benchmark's fake may count calls instead of keeping them
            self.webhook_replies.append(self.calls[-1])

    async def _deliver_webhook(self, url: str, secret: str | None) -> None:
        """Deliver queued updates one by one; retry non-200 every ``webhook_retry_interval``
        and give up on an update after ``webhook_max_attempts`` (recorded in getWebhookInfo)."""
        attempts: dict[int, int] = {}
        while not self._closing and self.webhook_url == url:
            ready = self._deliverable(1)
            if not ready:
                await self._wait_for_change(None)
                continue
            update = ready[0]
            update_id = int(update["update_id"])
            attempt = attempts.get(update_id, 0) + 1
            attempts[update_id] = attempt
            status = await self._post_update(url, update, secret)
            self.webhook_deliveries.append(WebhookDelivery(update_id, url, status, attempt))
            self._notify()
            if status == 200:
                self._queue = [u for u in self._queue if int(u["update_id"]) != update_id]
                continue
            reason = (
                f"Wrong response from the webhook: {status}" if status else "Connection refused"
            )
            self._webhook_last_error = (_now(), reason)
            if attempt >= self.webhook_max_attempts:
                self._queue = [u for u in self._queue if int(u["update_id"]) != update_id]
                continue
            await asyncio.sleep(self.webhook_retry_interval)

    async def _stop_webhook_task(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # ---------------------------------------------------------------- Bot API methods

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _log_out(self, params: JSONDict) -> bool:
        return True

    async def _close(self, params: JSONDict) -> bool:
        return True

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _Reject(409, _WEBHOOK_CONFLICT)
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._confirm(offset)
        # Telegram serves one long poll per bot: a newer request terminates an older one.
        for older in self._polls:
            older["superseded"] = True
        me = {"superseded": False}
        self._polls.append(me)
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                if me["superseded"]:
                    raise _Reject(409, _POLL_CONFLICT)
                if self.webhook_url:
                    raise _Reject(409, _WEBHOOK_CONFLICT)
                ready = self._deliverable(limit)
                remaining = deadline - loop.time()
                if ready or self._closing or remaining <= 0:
                    return ready
                await self._wait_for_change(remaining)
        finally:
            self._polls.remove(me)

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return await self._delete_webhook(params)
        if not url.startswith(("http://", "https://")):
            raise _Reject(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(str(secret)):
            raise _Reject(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        await self._stop_webhook_task()
        self.webhook_url = url
        self.webhook_secret = str(secret) if secret is not None else None
        self._webhook_settings = {
            "max_connections": int(params.get("max_connections") or 40),
            "ip_address": params.get("ip_address"),
        }
        self._webhook_last_error = None
        self._webhook_task = asyncio.get_running_loop().create_task(
            self._deliver_webhook(url, self.webhook_secret)
        )
        self._notify()
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        await self._stop_webhook_task()
        self.webhook_url = None
        self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self._notify()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }
        if self.webhook_url:
            info["max_connections"] = self._webhook_settings.get("max_connections", 40)
            if self._webhook_settings.get("ip_address"):
                info["ip_address"] = self._webhook_settings["ip_address"]
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params)
        return {
            **chat.to_api(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params)
        self._check_not_blocked(chat)
        text, plain, parse_mode, entities = self._render_text(params)
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        reply_to = _reply_target(params)
        if reply_to is not None and not self._message_exists(chat.id, reply_to):
            reply = params.get("reply_parameters")
            allow = params.get("allow_sending_without_reply") or (
                isinstance(reply, dict) and reply.get("allow_sending_without_reply")
            )
            if not allow:
                raise _Reject(400, "Bad Request: message to be replied not found")
            reply_to = None
        message = self._store_sent(
            chat,
            (text, plain, parse_mode, entities),
            markup,
            reply_to_message_id=reply_to,
        )
        result = message.to_api()
        if reply_to is not None:
            target = self._user_messages.get((chat.id, reply_to))
            if target is None and (chat.id, reply_to) in self._messages:
                target = self._messages[(chat.id, reply_to)].to_api()
            if target is not None:
                result["reply_to_message"] = snapshot(target)
        return result

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        """A photo by upload (a new ``file_id``) or by a ``file_id`` issued before."""
        chat = self._resolve_chat(params)
        self._check_not_blocked(chat)
        file_id, data = self._photo_file(params.get("photo"))
        caption, plain, parse_mode = "", "", None
        entities: list[JSONDict] = []
        if params.get("caption"):
            fields = {
                "text": params["caption"],
                "parse_mode": params.get("parse_mode"),
                "entities": params.get("caption_entities"),
            }
            caption, plain, parse_mode, entities = self._render_text(fields)
            if _utf16_len(plain) > MAX_CAPTION_LENGTH:
                raise _Reject(400, "Bad Request: message caption is too long")
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        width = _png_width(data) or 800
        size = {
            "file_id": file_id,
            "file_unique_id": f"AQAD{file_id}",
            "file_size": len(data),
            "width": width,
            "height": width,
        }
        message = self._store_sent(
            chat, (caption, plain, parse_mode, entities), markup, photo=[size]
        )
        return message.to_api()

    def _store_sent(
        self,
        chat: FakeChat,
        rendered: tuple[str, str, str | None, list[JSONDict]],
        markup: Any,
        **extra: Any,
    ) -> SentMessage:
        """A message the bot sent (text or photo), kept so edits and replies can find it."""
        text, plain, parse_mode, entities = rendered
        message = SentMessage(
            chat=chat.to_api(),
            message_id=next(self._message_ids),
            date=_now(),
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            sender=self.bot_user.to_api(),
            **extra,
        )
        self._messages[(chat.id, message.message_id)] = message
        return message

    def _photo_file(self, photo: Any) -> tuple[str, bytes]:
        if isinstance(photo, dict) and isinstance(photo.get("content"), bytes):
            data: bytes = photo["content"]
            if not data.startswith((_PNG_MAGIC, _JPEG_MAGIC)):
                raise _Reject(400, "Bad Request: IMAGE_PROCESS_FAILED")
            if len(data) > MAX_PHOTO_BYTES:
                raise _Reject(400, "Bad Request: file is too big")
            file_id = f"AgACAgFakePhoto{next(self._file_ids)}"
            self._files[file_id] = data
            self.uploads.append(
                Upload("sendPhoto", "photo", str(photo.get("filename") or ""), len(data), file_id)
            )
            return file_id, data
        if isinstance(photo, str) and photo in self._files:
            return photo, self._files[photo]
        if not photo:
            raise _Reject(400, "Bad Request: there is no photo in the request")
        raise _Reject(400, "Bad Request: wrong file identifier/HTTP URL specified")

    async def _set_my_description(self, params: JSONDict) -> bool:
        self._set_profile_text(self.descriptions, params, "description", MAX_DESCRIPTION_LENGTH)
        return True

    async def _get_my_description(self, params: JSONDict) -> JSONDict:
        language = self._language_code(params)
        return {"description": self.descriptions.get(language, self.descriptions.get("", ""))}

    async def _set_my_short_description(self, params: JSONDict) -> bool:
        self._set_profile_text(
            self.short_descriptions, params, "short_description", MAX_SHORT_DESCRIPTION_LENGTH
        )
        return True

    async def _get_my_short_description(self, params: JSONDict) -> JSONDict:
        language = self._language_code(params)
        texts = self.short_descriptions
        return {"short_description": texts.get(language, texts.get("", ""))}

    def _set_profile_text(
        self, texts: dict[str, str], params: JSONDict, field: str, limit: int
    ) -> None:
        language = self._language_code(params)
        text = str(params.get(field) or "")
        if len(text) > limit:
            raise _Reject(400, f"Bad Request: {field} is too long")
        if text:
            texts[language] = text
        else:
            texts.pop(language, None)

    async def _set_chat_menu_button(self, params: JSONDict) -> bool:
        raw = params.get("chat_id")
        chat_id = None if raw in (None, "") else self._resolve_chat(params).id
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "commands",
            "web_app",
            "default",
        ):
            raise _Reject(400, "Bad Request: can't parse menu button")
        self.menu_buttons[chat_id] = snapshot(button)
        return True

    async def _get_chat_menu_button(self, params: JSONDict) -> JSONDict:
        raw = params.get("chat_id")
        chat_id = None if raw in (None, "") else self._resolve_chat(params).id
        found = self.menu_buttons.get(chat_id) or self.menu_buttons.get(None)
        return snapshot(found or {"type": "default"})

    def _message_exists(self, chat_id: int, message_id: int) -> bool:
        key = (chat_id, message_id)
        if key in self._user_messages:
            return key not in self._deleted_user_messages
        return key in self._messages and not self._messages[key].deleted

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        stored = self._message_for_edit(params)
        if stored.photo is not None:
            raise _Reject(400, "Bad Request: there is no text in the message to edit")
        text, plain, parse_mode, entities = self._render_text(params)
        # Telegram semantics: an edit without reply_markup removes the inline keyboard.
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if (plain, entities, markup) == (stored.plain_text, stored.entities, stored.reply_markup):
            raise _Reject(400, _NOT_MODIFIED)
        stored.text, stored.plain_text, stored.parse_mode = text, plain, parse_mode
        stored.entities, stored.reply_markup = entities, markup
        stored.edit_date = _now()
        stored.edit_count += 1
        return stored.to_api()

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        stored = self._message_for_edit(params)
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if markup == stored.reply_markup:
            raise _Reject(400, _NOT_MODIFIED)
        stored.reply_markup = markup
        stored.edit_date = _now()
        stored.edit_count += 1
        return stored.to_api()

    async def _delete_message(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params)
        try:
            key = (chat.id, int(params.get("message_id") or 0))
        except (TypeError, ValueError):
            raise _Reject(400, "Bad Request: message to delete not found") from None
        if key in self._messages and not self._messages[key].deleted:
            self._messages[key].deleted = True
            return True
        if key in self._user_messages and key not in self._deleted_user_messages:
            self._deleted_user_messages.add(key)
            return True
        raise _Reject(400, "Bad Request: message to delete not found")

    async def _send_chat_action(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params)
        self._check_not_blocked(chat)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _Reject(400, "Bad Request: wrong parameter action in request")
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query = self.callback_queries.get(str(params.get("callback_query_id") or ""))
        if query is None or query.answered:
            raise _Reject(400, _QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _Reject(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answered = True
        query.answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        return True

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _Reject(400, "Bad Request: commands must be an Array of at most 100 commands")
        for command in commands:
            if not isinstance(command, dict):
                raise _Reject(400, "Bad Request: can't parse BotCommand")
            if not _COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
                raise _Reject(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _Reject(400, "Bad Request: command description must be 1-256 characters")
        key = self._commands_key(params)
        if commands:
            self.commands[key] = [
                {"command": str(c["command"]), "description": str(c["description"])}
                for c in commands
            ]
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return snapshot(self.commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def _language_code(self, params: JSONDict) -> str:
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _Reject(400, "Bad Request: invalid language code specified")
        return language

    def _commands_key(self, params: JSONDict) -> tuple[str, str]:
        language = self._language_code(params)
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _Reject(400, "Bad Request: can't parse BotCommandScope")
        kind = str(scope["type"])
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope.get('chat_id')}", language
        if kind == "chat_member":
            return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}", language
        if kind not in _COMMAND_SCOPES:
            raise _Reject(400, "Bad Request: wrong BotCommandScope type specified")
        return kind, language


class ConcurrentWebhookTelegram(FakeTelegram):
    """The fake with webhook delivery as Telegram does it under load: up to setWebhook's
    ``max_connections`` updates in flight at once, one at a time per chat (so a chat's updates
    arrive in order), each retried every ``webhook_retry_interval`` until it gets a 200."""

    async def _deliver_webhook(self, url: str, secret: str | None) -> None:
        loop = asyncio.get_running_loop()
        limit = int(self._webhook_settings.get("max_connections") or 40)
        attempts: dict[int, int] = {}
        not_before: dict[int, float] = {}
        busy: set[int] = set()
        running: dict[int, asyncio.Task[None]] = {}
        finished: set[int] = set()  # delivered or given up: leave the queue on the next pass

        async def deliver(update: JSONDict, chat: int) -> None:
            update_id = int(update["update_id"])
            try:
                attempt = attempts[update_id] = attempts.get(update_id, 0) + 1
                status = await self._post_update(url, update, secret)
                self.webhook_deliveries.append(WebhookDelivery(update_id, url, status, attempt))
                if status == 200 or attempt >= self.webhook_max_attempts:
                    finished.add(update_id)
                else:
                    reason = (
                        f"Wrong response from the webhook: {status}"
                        if status
                        else ("Connection refused")
                    )
                    self._webhook_last_error = (_now(), reason)
                    not_before[update_id] = loop.time() + self.webhook_retry_interval
            finally:
                busy.discard(chat)
                running.pop(update_id, None)
                self._notify()

        # One pass per wake-up, however many deliveries ended meanwhile: a burst of thousands
        # of updates costs passes over the queue, not one per update and per recorded call.
        filtered = -1
        try:
            while not self._closing and self.webhook_url == url:
                if finished:
                    self._queue = [u for u in self._queue if int(u["update_id"]) not in finished]
                    finished.clear()
                    self._notify()  # waiters on pending_updates see the queue shrink
                if len(self._queue) != filtered:
                    self._deliverable(0)  # drops kinds the bot did not subscribe to
                    filtered = len(self._queue)
                now, waits, held = loop.time(), [], set()
                for update in self._queue:
                    if len(running) >= limit:
                        break
                    update_id, chat = int(update["update_id"]), _update_chat(update)
                    if update_id in running or chat in busy or chat in held:
                        continue
                    if not_before.get(update_id, 0.0) > now:
                        held.add(chat)  # later updates of this chat wait for this one
                        waits.append(not_before[update_id] - now)
                        continue
                    busy.add(chat)
                    running[update_id] = loop.create_task(deliver(snapshot(update), chat))
                await self._wait_for_change(min(waits) if waits else None)
        finally:
            for task in list(running.values()):
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)


def _update_chat(update: JSONDict) -> int:
    """The chat an update belongs to (its sender for updates without one)."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message") or {}
        return int((message.get("chat") or query["from"])["id"])
    for kind, value in update.items():
        if kind != "update_id" and isinstance(value, dict):
            chat = value.get("chat") or value.get("from") or {}
            return int(chat.get("id", 0))
    return 0


def _coerce(key: str, value: Any) -> Any:
    """Undo PTB's form encoding: JSON-decode every field except the raw string ones."""
    if not isinstance(value, str) or key in _STRING_KEYS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _png_width(data: bytes) -> int | None:
    """The width from a PNG's IHDR chunk, which Telegram reports in ``PhotoSize.width``."""
    if data.startswith(_PNG_MAGIC) and len(data) >= 24:
        return int.from_bytes(data[16:20], "big")
    return None


def _reply_target(params: JSONDict) -> int | None:
    reply = params.get("reply_parameters")
    if isinstance(reply, dict) and reply.get("message_id") is not None:
        return int(reply["message_id"])
    if params.get("reply_to_message_id") is not None:
        return int(params["reply_to_message_id"])
    return None


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.to_body(), status=error.code)
