"""Typed prompts and effects: what a step asks the service to do, and side questions as data."""

from __future__ import annotations

import pytest

from bot.core.effects import Cancel, Schedule
from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.core.prompts import (
    CheckIn,
    ChooseLanguage,
    ChooseRegion,
    Compress,
    Confirm,
    ProfileCheck,
    Prompt,
    decode,
    encode,
)
from bot.core.reminders import CHECKIN, COMPRESS_OFF
from bot.core.session import Session
from tests.conftest import Chat
from tests.core.walk import walk


@pytest.mark.parametrize(
    "prompt",
    [Confirm("saddle_numbness"), ChooseLanguage(), ChooseRegion(), Compress(), CheckIn(),
     ProfileCheck()],
)  # fmt: skip
def test_a_prompt_survives_storage(prompt: Prompt) -> None:
    assert decode(encode(prompt)) == prompt
    session = Session(user="u", pending=prompt)
    assert Session.from_json(session.to_json()).pending == prompt


@pytest.mark.parametrize("raw", [None, "", "confirm:", "no_such_prompt"])
def test_an_unknown_stored_prompt_is_no_prompt(raw: str | None) -> None:
    assert decode(raw) is None


def test_the_timer_schedules_and_a_second_tap_replaces_the_first(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat)
    first = engine.step(chat.session, Event(EventKind.CHOICE, "compress_timer", "out_self_care"))
    assert first.effects[0] == Cancel(chat.session.user, COMPRESS_OFF)
    assert isinstance(first.effects[1], Schedule)
    assert first.effects[1].reminder.kind == COMPRESS_OFF
    again = engine.step(chat.session, Event(EventKind.CHOICE, "compress_timer", "out_self_care"))
    assert again.effects[0] == Cancel(chat.session.user, COMPRESS_OFF), "replaces, not adds"


def test_checkins_replace_earlier_ones_and_stop_cancels_all(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat)
    step = engine.step(chat.session, Event(EventKind.CHOICE, "checkins", "out_self_care"))
    assert step.effects[0] == Cancel(chat.session.user, CHECKIN)
    assert [e.reminder.kind for e in step.effects[1:] if isinstance(e, Schedule)] == [CHECKIN] * 2
    stop = engine.step(chat.session, Event(EventKind.STOP))
    assert stop.effects == (Cancel(chat.session.user),)


def test_a_question_has_no_effects(engine: Engine) -> None:
    session = engine.new_session("u")
    assert engine.step(session, Event(EventKind.START)).effects == ()
