"""A press read from the raw update says what PTB's ``Update`` would have said."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from telegram import Message, Update

from bot.adapters.telegram.press import pressed_label, read_press

KEYBOARD = {
    "inline_keyboard": [
        [
            {"text": "Under 20", "callback_data": "age|under_20"},
            {"text": "50 or over", "callback_data": "age|over_50"},
        ],
        [{"text": "Help", "url": "https://example.org"}],
    ]
}


def press_update(**message: Any) -> dict[str, Any]:
    carrier = {
        "message_id": 77,
        "date": 1_700_000_000,
        "chat": {"id": 1001, "type": "private", "first_name": "Alice"},
        "from": {"id": 42, "is_bot": True, "first_name": "backcheck"},
        "text": "So far: yes\n\nHow old are you? 😀",
        "entities": [
            {"type": "italic", "offset": 0, "length": 12},
            {"type": "bold", "offset": 14, "length": 16},
        ],
        "reply_markup": KEYBOARD,
    }
    carrier.update(message)
    return {
        "update_id": 5,
        "callback_query": {
            "id": "q1",
            "from": {"id": 1001, "is_bot": False, "first_name": "Alice", "language_code": "ru"},
            "chat_instance": "c",
            "data": "age|over_50",
            "message": carrier,
        },
    }


def test_a_press_reads_like_ptbs_update() -> None:
    raw = press_update()
    press = read_press(raw)
    update = Update.de_json(copy.deepcopy(raw), None)
    query = update.callback_query
    assert press is not None and query is not None and isinstance(query.message, Message)
    assert (press.update_id, press.query_id, press.data) == (
        update.update_id,
        query.id,
        "age|over_50",
    )
    assert (press.user_id, press.language) == (query.from_user.id, "ru")
    assert (press.chat_id, press.chat_type) == (1001, "private")
    assert press.message is not None
    assert press.message.chat_id == query.message.chat_id
    assert press.message.message_id == query.message.message_id
    assert press.message.text == query.message.text
    assert press.message.text_html() == query.message.text_html
    assert press.label == "50 or over"
    assert raw == press_update(), "the raw update is left as it came"


def test_a_message_too_old_to_show_has_a_chat_but_is_not_the_pressed_message() -> None:
    press = read_press(press_update(date=0))
    assert press is not None
    assert (press.chat_id, press.chat_type, press.message, press.label) == (
        1001,
        "private",
        None,
        None,
    )


def test_a_button_on_an_inline_message_has_no_chat() -> None:
    raw = press_update()
    del raw["callback_query"]["message"]
    raw["callback_query"]["inline_message_id"] = "inline-1"
    press = read_press(raw)
    assert press is not None
    assert (press.chat_id, press.chat_type, press.message) == (None, None, None)


def test_a_group_press_names_its_chat_type() -> None:
    press = read_press(press_update(chat={"id": -5, "type": "supergroup", "title": "Gym"}))
    assert press is not None and press.chat_type == "supergroup"


@pytest.mark.parametrize(
    "damage",
    [
        lambda q: q.pop("from"),
        lambda q: q.pop("id"),
        lambda q: q["message"].pop("date"),
        lambda q: q["message"].pop("chat"),
        lambda q: q["message"].update(message_id="seventy"),
    ],
)
def test_what_the_bot_api_always_sends_must_be_there(damage: Any) -> None:
    raw = press_update()
    damage(raw["callback_query"])
    assert read_press(raw) is None


def test_only_a_press_is_a_press() -> None:
    assert read_press({"update_id": 1, "message": {"message_id": 1}}) is None


def test_the_pressed_label_is_read_from_the_keyboard() -> None:
    assert pressed_label(KEYBOARD, "age|over_50") == "50 or over"
    assert pressed_label(KEYBOARD, "age|forged") is None
    assert pressed_label(None, "age|over_50") is None
    assert pressed_label(KEYBOARD, None) is None
    assert pressed_label({"inline_keyboard": "broken"}, "age|over_50") is None
