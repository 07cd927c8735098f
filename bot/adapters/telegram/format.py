"""How core replies look on Telegram: HTML text, message parts, keyboards and button payloads.

Pure functions, kept apart from the adapter so the rules Telegram enforces (4096 characters a
message, 1-64 bytes of ``callback_data``, strict HTML) are unit-tested without a server. Every
text from content goes through ``html.escape`` here, so a ``<`` or ``&`` in a translation can
never break a message or inject markup.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.adapters.common import BOLD_FIRST_LINE, UNREADABLE, Press, shorten
from bot.adapters.common import split_text as text_parts
from bot.core import sofar
from bot.core.messages import Choice, Reply, ReplyKind

MESSAGE_LIMIT: Final = 4096
CALLBACK_DATA_LIMIT: Final = 64
CALLBACK_ANSWER_LIMIT: Final = 200
CAPTION_LIMIT: Final = 1024
DESCRIPTION_LIMIT: Final = 512
SHORT_LIMIT: Final = 120
#: Labels up to this many characters share a row with a neighbour; longer ones get their own
#: row so a phone shows them whole instead of cutting them with "…".
SHORT_LABEL: Final = 16
SEPARATOR: Final = "|"
#: Keyboards kept as JSON: one per question and language (and country list), so a few
#: hundred in all; the least recently sent goes first.
KEYBOARDS_KEPT: Final = 512
_BOLD_TAGS: Final = len("<b></b>")
_BOT_PATH: Final = re.compile(r"/bot(\{token\})?$")
_SENTINEL: Final = "\x00"
#: The "so far" line is the core's (bot/core/sofar.py), the same on Discord; Telegram reads
#: the previous answers back from the message it edits.
SO_FAR_LIMIT: Final = sofar.LIMIT
add_answer = sofar.add
#: Replies that may be folded into an edited question message; anything else (a warning, a
#: result, a picture) deserves a message of its own.
_FOLDABLE: Final = frozenset({ReplyKind.QUESTION, ReplyKind.INFO})


class CallbackDataTooLong(ValueError):
    """A question id plus choice id does not fit (or cannot be told apart in) Telegram's
    64-byte ``callback_data``."""


def utf16_len(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


# -- button payloads ---------------------------------------------------------------------------


def encode_callback(question: str, choice: str) -> str:
    """``<question>|<choice>``: stable across restarts and naming the question it answers.

    Question ids may contain ``:`` (``confirm:saddle_numbness``); choice ids are snake_case, so
    the last ``|`` always separates the two.
    """
    data = f"{question}{SEPARATOR}{choice}"
    size = len(data.encode("utf-8"))
    if SEPARATOR in choice or not question or not choice or size > CALLBACK_DATA_LIMIT:
        raise CallbackDataTooLong(
            f"button {data!r} ({size} bytes) cannot be a Telegram callback_data: the question "
            f"and choice ids must be non-empty, the choice without {SEPARATOR!r}, and together "
            f"at most {CALLBACK_DATA_LIMIT} bytes; shorten the ids in the flow"
        )
    return data


def decode_callback(data: str | None) -> Press:
    """The inverse of :func:`encode_callback`; anything else becomes :data:`UNREADABLE`."""
    question, separator, choice = (data or "").rpartition(SEPARATOR)
    if not separator or not question or not choice:
        return UNREADABLE
    return Press(question, choice)


# -- keyboards ---------------------------------------------------------------------------------


def layout(labels: Sequence[str], short: int = SHORT_LABEL) -> list[list[int]]:
    """Rows of label indexes, in order: two short labels share a row, a long one is alone."""
    rows: list[list[int]] = []
    for index, label in enumerate(labels):
        fits_beside = len(label) <= short
        last = rows[-1] if rows else None
        if fits_beside and last is not None and len(last) == 1 and len(labels[last[0]]) <= short:
            last.append(index)
        else:
            rows.append([index])
    return rows


def keyboard(question: str, choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """One callback button per choice, laid out by :func:`layout`; None without choices."""
    if not choices:
        return None
    rows = layout([c.label for c in choices])
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    choices[i].label, callback_data=encode_callback(question, choices[i].id)
                )
                for i in row
            ]
            for row in rows
        ]
    )


@functools.lru_cache(maxsize=KEYBOARDS_KEPT)
def keyboard_json(question: str, choices: tuple[Choice, ...]) -> str | None:
    """:func:`keyboard` as the JSON text the Bot API reads, built once per question and
    choices: PTB sends a text parameter as it is, so a message no longer builds and
    serialises an ``InlineKeyboardMarkup`` with a ``TelegramObject`` per button (about 5 % of
    the CPU per update). The text is PTB's own serialisation of the same keyboard."""
    markup = keyboard(question, choices)
    return None if markup is None else json.dumps(markup.to_dict())


@functools.lru_cache(maxsize=16)
def location_keyboard(label: str) -> str:
    """A reply keyboard with one button that shares the location (Telegram asks the person
    first), as JSON: built once per language, not for every "Where are you now?"."""
    button = KeyboardButton(label, request_location=True)
    markup = ReplyKeyboardMarkup([[button]], resize_keyboard=True, one_time_keyboard=True)
    return json.dumps(markup.to_dict())


def link_button(label: str, url: str) -> InlineKeyboardMarkup:
    """A single button that opens ``url`` (the deep link into the private chat)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def private_chat_link(bot_username: str, payload: str = "check") -> str:
    """``https://t.me/<bot>?start=<payload>``: opens the private chat and sends ``/start``."""
    return f"https://t.me/{bot_username}?start={payload}"


@dataclass(frozen=True, slots=True)
class DeepLink:
    """What ``t.me/<bot>?start=<payload>`` asks for: a language, a country, both, or nothing.

    The payload is a locale we speak (``ru``), an ISO 3166-1 alpha-2 country code (``de``),
    or both joined by ``_`` or ``-`` (``ru_de``); anything else (``check``) only opens the chat.
    """

    locale: str | None = None
    country: str | None = None

    def hint(self, platform_tag: str | None) -> str | None:
        """The language hint for the core: the link's locale, else the platform's, with the
        link's country as its region (``ru-DE``) when the link names one."""
        language = self.locale or (platform_tag or "").replace("_", "-").split("-")[0] or None
        if self.country is None:
            return language if self.locale else platform_tag
        return f"{language or 'und'}-{self.country}"


_COUNTRY_CODE: Final = re.compile(r"[a-z]{2}")


def deep_link(payload: str | None, locales: Sequence[str]) -> DeepLink:
    """Read a /start payload; see :class:`DeepLink`."""
    parts = (payload or "").strip().lower().replace("-", "_").split("_")
    if not parts or len(parts) > 2 or not all(parts):
        return DeepLink()
    locale = parts[0] if parts[0] in locales else None
    rest = parts[1:] if locale else parts
    if len(rest) > 1 or (rest and not _COUNTRY_CODE.fullmatch(rest[0])):
        return DeepLink()
    return DeepLink(locale, rest[0].upper() if rest else None)


def file_url(base_url: str) -> str | None:
    """The file-download base matching an API base (``…/bot`` -> ``…/file/bot``), if any."""
    if not _BOT_PATH.search(base_url):
        return None
    return _BOT_PATH.sub(lambda m: f"/file/bot{m.group(1) or ''}", base_url)


# -- text --------------------------------------------------------------------------------------


def format_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A reply as one or more HTML message texts, each within ``limit``.

    Warnings and outcomes get a bold first line, the way a person scans for "what now".
    """
    bold = reply.kind in BOLD_FIRST_LINE
    parts = split_text(reply.text, limit - (_BOLD_TAGS if bold else 0))
    rendered = [html.escape(part, quote=False) for part in parts]
    if bold and parts:
        rendered[0] = _bold_first_line(parts[0])
    return rendered


def _bold_first_line(text: str) -> str:
    first, newline, rest = text.partition("\n")
    if not first.strip():
        return html.escape(text, quote=False)
    return f"<b>{html.escape(first, quote=False)}</b>{newline}{html.escape(rest, quote=False)}"


def escape(text: str) -> str:
    """Plain text made safe for ``parse_mode=HTML``."""
    return html.escape(text, quote=False)


def answered(question_html: str, answer: str, limit: int = MESSAGE_LIMIT) -> str | None:
    """The question message with the chosen answer appended; None if it would be too long."""
    text = f"{question_html}\n\n<i>{html.escape(answer, quote=False)}</i>"
    return text if utf16_len(text) <= limit else None


def answers_template(rendered_with_sentinel: str) -> tuple[str, str]:
    """The text around ``{answers}`` in the "so far" line, from the line rendered with
    :data:`SENTINEL` as its answers: how a message's first line is recognised in any language."""
    prefix, _, suffix = rendered_with_sentinel.partition(_SENTINEL)
    return prefix, suffix


SENTINEL: Final = _SENTINEL


def read_so_far(text: str, template: tuple[str, str]) -> tuple[str | None, str]:
    """``(answers, rest)`` of a message whose first line is a "so far" line, else
    ``(None, text)``. ``text`` is the plain text Telegram echoes back."""
    prefix, suffix = template
    first, _, rest = text.partition("\n\n")
    if "\n" in first or not first.startswith(prefix) or not first.endswith(suffix):
        return None, text
    if len(first) < len(prefix) + len(suffix):
        return None, text
    return first[len(prefix) : len(first) - len(suffix)], rest


def folds_into_edit(replies: Sequence[Reply]) -> bool:
    """Whether a press's replies can replace the pressed message: plain notes and questions
    only, ending in a question with buttons (so the edited message keeps a keyboard)."""
    return (
        bool(replies)
        and all(r.kind in _FOLDABLE for r in replies)
        and replies[-1].kind is ReplyKind.QUESTION
        and bool(replies[-1].choices)
    )


def with_so_far(so_far: str, body_html: str, limit: int = MESSAGE_LIMIT) -> str | None:
    """The "so far" line (italic) above ``body_html``; None when it would be too long."""
    text = f"<i>{html.escape(so_far, quote=False)}</i>\n\n{body_html}"
    return text if utf16_len(text) <= limit else None


def folded(replies: Sequence[Reply], limit: int = MESSAGE_LIMIT) -> str | None:
    """The replies as one HTML text, or None when one of them needs several messages."""
    parts = [format_reply(r, limit) for r in replies]
    if any(len(p) != 1 for p in parts):
        return None
    text = "\n\n".join(p[0] for p in parts)
    return text if utf16_len(text) <= limit else None


def caption(reply: Reply, limit: int = CAPTION_LIMIT) -> str | None:
    """A picture's HTML caption (the alt text on Telegram), or None when it does not fit."""
    text = escape(reply.text)
    return text if text and utf16_len(text) <= limit else None


def toast(text: str, limit: int = CALLBACK_ANSWER_LIMIT) -> str:
    """A callback answer text (plain, at most ``limit`` characters)."""
    return shorten(text, limit)


def split_text(text: str, budget: int = MESSAGE_LIMIT) -> list[str]:
    """Plain text in parts whose escaped HTML fits ``budget`` (Telegram counts UTF-16)."""
    return text_parts(text, budget, _size)


def _size(text: str) -> int:
    return utf16_len(html.escape(text, quote=False))
