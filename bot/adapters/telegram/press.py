"""A button press read straight from the raw update, without python-telegram-bot's objects.

Presses are most of what the bot receives, and building PTB's ``Update`` for one (the
callback query, the message it sits on, that message's whole keyboard, two users and a chat,
every field a ``TelegramObject`` with its own checks) was about a tenth of the bot's CPU per
press, more than the step itself. A press needs a handful of fields; they are read here, the
way PTB reads them: the person is the query's sender, the chat is the message's (also for a
message too old to be shown again, which Telegram sends with ``date`` 0), and the message
counts as the pressed one only when it is accessible. Anything PTB's ``Update`` is still
needed for (an apology after an error) is parsed from the same raw update on that path only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Message, MessageEntity
from telegram._utils.entities import parse_message_entities

JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class PressedMessage:
    """The message whose button was pressed: where it is, its plain text and, built only
    when asked, its HTML: the text with its entities, by PTB's own ``Message.text_html``
    steps, from the entities alone (parsing the whole message with its keyboard for it cost
    7 % of the CPU per update)."""

    chat_id: int
    message_id: int
    text: str
    raw: JSONDict

    def text_html(self) -> str:
        found = self.raw.get("entities")
        entities = MessageEntity.de_list(found if isinstance(found, list) else [], None)
        parsed = parse_message_entities(self.text, entities)
        return Message._parse_html(self.text, parsed, urled=False) or ""


@dataclass(frozen=True, slots=True)
class ButtonPress:
    """A callback query: who pressed what, in which chat, on which message.

    ``chat_id`` and ``chat_type`` are None for a button on an inline message (no chat);
    ``message`` is None then, and for a message Telegram no longer shows the bot (``date``
    0). ``label`` is the pressed button's text on that message's keyboard, if it is there.
    """

    update_id: int
    query_id: str
    data: str | None
    user_id: int
    language: str | None
    chat_id: int | None
    chat_type: str | None
    message: PressedMessage | None
    label: str | None


def read_press(raw: Mapping[str, Any]) -> ButtonPress | None:
    """The press in ``raw``, or None when it is no press or lacks what the Bot API always
    sends with one (its id, the sender's id, a message's chat, id and date)."""
    query = raw.get("callback_query")
    if not isinstance(query, dict):
        return None
    try:
        sender = query["from"]
        user_id, query_id = sender["id"], query["id"]
        chat_id: int | None = None
        chat_type: str | None = None
        message: PressedMessage | None = None
        label: str | None = None
        data = query.get("data")
        carrier = query.get("message")
        if carrier is not None:
            chat = carrier["chat"]
            chat_id, chat_type = int(chat["id"]), str(chat["type"])
            if carrier["date"] != 0:
                text = carrier.get("text")
                message = PressedMessage(
                    chat_id,
                    int(carrier["message_id"]),
                    text if isinstance(text, str) else "",
                    carrier,
                )
                label = pressed_label(carrier.get("reply_markup"), data)
        language = sender.get("language_code")
        return ButtonPress(
            int(raw["update_id"]),
            str(query_id),
            data if isinstance(data, str) else None,
            int(user_id),
            language if isinstance(language, str) else None,
            chat_id,
            chat_type,
            message,
            label,
        )
    except (KeyError, TypeError, ValueError):
        return None


def pressed_label(markup: object, data: str | None) -> str | None:
    """The text of the first button carrying ``data`` on a keyboard as the Bot API sends it
    (``{"inline_keyboard": [[{"text": …, "callback_data": …}, …], …]}``), if it is there."""
    if not data or not isinstance(markup, dict):
        return None
    rows = markup.get("inline_keyboard")
    for row in rows if isinstance(rows, list) else ():
        for button in row if isinstance(row, list) else ():
            if isinstance(button, dict) and button.get("callback_data") == data:
                text = button.get("text")
                return text if isinstance(text, str) else None
    return None
