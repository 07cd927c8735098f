"""How core replies look on Telegram: HTML text, message parts, keyboards and button payloads.

Pure functions, kept apart from the adapter so the rules Telegram enforces (4096 characters a
message, 1-64 bytes of ``callback_data``, strict HTML) are unit-tested without a server. Every
text from content goes through ``html.escape`` here, so a ``<`` or ``&`` in a translation can
never break a message or inject markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.common import BOLD_FIRST_LINE, UNREADABLE, Press, shorten
from bot.adapters.common import split_text as text_parts
from bot.core.messages import Choice, Reply

MESSAGE_LIMIT: Final = 4096
CALLBACK_DATA_LIMIT: Final = 64
CALLBACK_ANSWER_LIMIT: Final = 200
#: Labels up to this many characters share a row with a neighbour; longer ones get their own
#: row so a phone shows them whole instead of cutting them with "…".
SHORT_LABEL: Final = 16
SEPARATOR: Final = "|"
_BOLD_TAGS: Final = len("<b></b>")
_BOT_PATH: Final = re.compile(r"/bot(\{token\})?$")


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


def pressed_label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the button carrying ``data`` on a message's keyboard, if it is there."""
    buttons = [b for row in (markup.inline_keyboard if markup else ()) for b in row]
    return next((b.text for b in buttons if data and b.callback_data == data), None)


def link_button(label: str, url: str) -> InlineKeyboardMarkup:
    """A single button that opens ``url`` (the deep link into the private chat)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def private_chat_link(bot_username: str, payload: str = "check") -> str:
    """``https://t.me/<bot>?start=<payload>``: opens the private chat and sends ``/start``."""
    return f"https://t.me/{bot_username}?start={payload}"


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


def toast(text: str, limit: int = CALLBACK_ANSWER_LIMIT) -> str:
    """A callback answer text (plain, at most ``limit`` characters)."""
    return shorten(text, limit)


def split_text(text: str, budget: int = MESSAGE_LIMIT) -> list[str]:
    """Plain text in parts whose escaped HTML fits ``budget`` (Telegram counts UTF-16)."""
    return text_parts(text, budget, _size)


def _size(text: str) -> int:
    return utf16_len(html.escape(text, quote=False))
