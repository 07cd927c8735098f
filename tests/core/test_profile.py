"""About you: remembered for the next check, confirmed in one tap, deleted by /forget."""

from __future__ import annotations

from bot.core.engine import Engine
from bot.core.messages import EventKind
from bot.core.session import Session
from tests.conftest import Chat
from tests.core.walk import walk


def test_the_profile_is_offered_next_time_and_still_counts(engine: Engine) -> None:
    chat = Chat(engine)
    assert walk(chat, {"age": "over_50", "about": ["pregnant"]}) == "doctor"
    chat.press("restart")
    walk_to_profile(chat)
    text = chat.replies[-1].text
    assert "50 or over" in text and "Pregnant, or might be" in text
    assert chat.choices == ["still_true", "change"]
    chat.press("still_true")
    assert chat.question == "pregnancy_signs"  # asked every time, never remembered


def test_a_remembered_fact_counts_at_once(engine: Engine) -> None:
    chat = Chat(engine)
    assert walk(chat, {"about": ["cancer"]}) == "urgent_doctor"
    chat.press("restart")
    walk_to_profile(chat)
    assert "Cancer, now or before" in chat.replies[-1].text
    replies = chat.press("still_true")
    assert replies[0].key == "outcomes.urgent_doctor.text", "the remembered history counts"
    assert [a.question for a in chat.session.answers][-2:] == ["about", "about"]


def test_a_question_skipped_this_time_keeps_its_remembered_answer(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"age": "over_50"})
    chat.press("restart")
    walk_to_profile(chat)
    chat.press("change")
    chat.press("cancer")  # urgent at once; the age cannot raise it any more, so it is skipped
    chat.press("none_of_these")
    assert chat.session.state == "out_urgent_doctor"
    assert [a.choice for a in chat.session.profile] == ["cancer", "none_of_these", "over_50"]


def test_change_asks_again(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"age": "over_50"})
    chat.press("restart")
    walk_to_profile(chat)
    chat.press("change")
    assert chat.question == "about"
    chat.press("none_of_these")
    chat.press("age_20_49")
    walk(chat)
    assert chat.level == "self_care"
    assert [a.choice for a in chat.session.profile] == ["none_of_these", "age_20_49"]


def test_a_remembered_pregnancy_asks_the_warning_signs_again(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"about": ["pregnant"], "pregnancy_signs": "none_of_these"})
    chat.press("restart")
    walk_to_profile(chat)
    chat.press("still_true")
    assert chat.question == "pregnancy_signs"


def test_the_profile_survives_storage_and_forget_deletes_it(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"age": "under_20"})
    stored = Session.from_json(chat.session.to_json())
    assert [a.choice for a in stored.profile] == ["none_of_these", "under_20"]
    chat.send(EventKind.FORGET)
    assert chat.session.profile == []


def test_the_second_check_asks_about_you_in_one_tap(engine: Engine) -> None:
    first, second = Chat(engine, "a"), Chat(engine, "b")
    walk(first)
    taps_first = len(first.session.answers)
    walk(second)
    second.press("restart")
    walk(second)  # CALM confirms the profile: "still true"
    assert len(second.session.answers) == taps_first  # the same answers count, tapped once
    assert second.level == "self_care"


def walk_to_profile(chat: Chat) -> None:
    for _ in range(20):
        if chat.question == "profile":
            return
        calm = {"onset": "next_day", "course": "improving"}.get(chat.question or "")
        chat.press(calm or "none_of_these")
    raise AssertionError("the profile was not offered")


def test_a_fact_given_on_an_unfolded_question_is_named_by_its_label(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"about": ["not_sure"], "about__cancer": "present"})
    chat.press("restart")
    walk_to_profile(chat)
    text = chat.replies[-1].text
    assert "Cancer, now or before" in text and "Yes" not in text
