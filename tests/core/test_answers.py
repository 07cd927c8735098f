"""Typed answers: numbers, labels with typos, yes / no / not sure in both languages, an age.

The red-flag detector reads typed text first; only text that is no danger sign is read as an
answer, and text that is no answer gets a one-line nudge with the same buttons.
"""

from __future__ import annotations

import pytest

from bot.core.answers import match, normalise
from bot.core.engine import Engine
from bot.core.messages import Choice, ReplyKind
from tests.conftest import Chat

SINGLE = (Choice("present", "Yes"), Choice("absent", "No"), Choice("not_sure", "Not sure"))
CHECKLIST = (
    Choice("none_of_these", "None of these"),
    Choice("fever", "Fever or shivers"),
    Choice("night_pain", "Worse at night"),
    Choice("not_sure", "Not sure"),
)
AGES = (Choice("under_20", "Under 20"), Choice("age_20_49", "20 to 49"), Choice("over_50", "50+"))


@pytest.mark.parametrize("word", ["yes", "Yeah", "y", "да", "Ага", "ДА!"])
def test_yes_words(word: str) -> None:
    assert match(word, SINGLE) == "present"


@pytest.mark.parametrize("word", ["no", "Nope", "нет", "не", "n"])
def test_no_words(word: str) -> None:
    assert match(word, SINGLE) == "absent"
    assert match(word, CHECKLIST) == "none_of_these"


@pytest.mark.parametrize("word", ["not sure", "dunno", "Не знаю", "хз", "не уверена"])
def test_not_sure_words(word: str) -> None:
    assert match(word, SINGLE) == "not_sure"
    assert match(word, CHECKLIST) == "not_sure"


def test_yes_on_a_checklist_is_not_guessed() -> None:
    assert match("yes", CHECKLIST) is None


@pytest.mark.parametrize(
    ("text", "choice"),
    [("2", "fever"), ("fever or shivers", "fever"), ("FEVER OR SHIVRES", "fever"),
     ("worse at nigth", "night_pain"), ("✓ Worse at night", "night_pain"), ("feve", "fever")],
)  # fmt: skip
def test_numbers_and_labels_with_typos(text: str, choice: str) -> None:
    assert match(text, CHECKLIST) == choice


@pytest.mark.parametrize(
    ("text", "choice"),
    [("17", "under_20"), ("25", "age_20_49"), ("50", "over_50"), ("73", "over_50"),
     ("2", "age_20_49")],
)  # fmt: skip
def test_an_age_at_the_age_question(text: str, choice: str) -> None:
    assert match(text, AGES, age=True) == choice


def test_nonsense_and_out_of_range_numbers_match_nothing() -> None:
    assert match("hello?", CHECKLIST) is None
    assert match("9", CHECKLIST) is None
    assert match("25", CHECKLIST) is None  # an age only where age is asked
    assert match("", CHECKLIST) is None


def test_normalise_drops_accents_case_and_yo() -> None:
    assert normalise("  Ёлка  Café ") == "елка cafe"


def test_a_calm_check_typed_in_words(chat: Chat) -> None:
    chat.start()
    for text in ("none of these", "no", "нет", "None of thse"):
        chat.type(text)
    assert chat.question == "age"
    chat.type("34")
    chat.type("gradually")
    chat.type("It started today")
    assert chat.level == "self_care"


def test_russian_words_and_age(engine: Engine) -> None:
    chat = Chat(engine, locale="ru")
    chat.start()
    for text in ("нет", "ничего из этого", "нет"):
        chat.type(text)
    chat.type("не знаю")  # "not sure" on About you unfolds it
    assert chat.question == "about__pregnant"
    for _ in range(6):
        chat.type("нет")
    chat.type("55")
    assert [a.choice for a in chat.session.answers][-1] == "over_50"


def test_not_sure_typed_on_a_single_question_counts_as_yes(chat: Chat) -> None:
    chat.start()
    chat.type("not sure")
    assert chat.question == "rf_emergency__accident"
    chat.type("dunno")
    assert chat.level == "emergency_ambulance"


def test_a_typed_red_flag_interrupts_before_any_answer_is_read(chat: Chat) -> None:
    chat.start()
    replies = chat.type("no, but I have chest pain")
    assert replies[0].kind is ReplyKind.WARNING
    assert chat.level == "emergency_ambulance"


def test_the_nudge_keeps_the_buttons_and_the_place(chat: Chat) -> None:
    chat.start()
    replies = chat.type("what do you mean?")
    assert len(replies) == 1 and replies[0].key == "ui.use_buttons"
    assert replies[0].choices and replies[0].question == "rf_emergency"
    assert chat.session.answers == []
