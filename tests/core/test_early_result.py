"""An urgent answer shows its result at once; only questions that could raise it follow.

clinical.md 1 ("Stop the questionnaire early") for emergencies, in the same spirit for a
doctor within 24 hours: the advice comes first, then a quick check of what could still change
it, read from the rule table (bot/core/flow/ahead.py), then one line if nothing did.
"""

from __future__ import annotations

import copy
import dataclasses
import random

from bot.core.engine import Engine
from bot.core.messages import EventKind, ReplyKind
from tests.conftest import Chat


def fever(chat: Chat) -> list[str]:
    chat.start()
    chat.press("none_of_these")
    replies = chat.press("fever")
    return [r.key for r in replies]


def test_the_result_comes_with_the_answer_that_makes_it_urgent(chat: Chat) -> None:
    keys = fever(chat)
    assert keys == ["outcomes.urgent_doctor.text", "ui.quick_check", "questions.rf_urine.text"]
    assert chat.replies[0].text.startswith("🩺")
    assert chat.level == "urgent_doctor", "the stored level is what was just said"
    assert chat.session.triaged_at is not None


def test_only_questions_that_could_raise_it_are_asked(chat: Chat) -> None:
    fever(chat)
    asked = []
    for _ in range(10):
        if chat.session.state == "out_urgent_doctor":
            break
        asked.append(chat.question)
        chat.press("none_of_these")
    # the cauda-equina signs always; About you can (C3, pregnancy); age, onset, course can't
    assert asked == ["rf_urine", "rf_hospital", "about"]
    assert [r.key for r in chat.replies] == ["ui.advice_stays", "ui.followups"]
    assert "🩺 Book a doctor within 24 hours." in chat.replies[0].text
    assert "compress_timer" in chat.choices and "checkins" in chat.choices
    assert chat.session.state == "out_urgent_doctor" and chat.level == "urgent_doctor"


def test_an_answer_that_raises_it_shows_the_new_result(chat: Chat) -> None:
    fever(chat)
    chat.answer("none_of_these", "none_of_these")
    chat.press("weak_immunity")  # C3: fever and a weak immune system
    assert chat.question == "ed_transport", "hospital today: can you get there, as ever"
    replies = chat.press("can_travel")
    assert replies[0].kind is ReplyKind.OUTCOME and replies[0].text.startswith("🏥")
    assert chat.level == "emergency_department"


def test_an_emergency_after_an_early_result_stops_exactly_as_before(chat: Chat) -> None:
    fever(chat)
    chat.press("none_of_these")
    replies = chat.press("saddle_numb")
    assert chat.question == "ed_transport", "can the person get there: asked as ever"
    assert replies[-1].text.startswith("🏥")


def test_with_nothing_left_to_ask_the_whole_result_comes_at_the_end(chat: Chat) -> None:
    chat.start()
    chat.answer("none_of_these", "none_of_these", "none_of_these", "none_of_these")
    chat.press("over_50")
    replies = chat.press("small_fall")  # C12 at the last but one question: course can't raise
    assert replies[0].kind is ReplyKind.OUTCOME and chat.session.state == "out_urgent_doctor"
    assert replies[-1].key == "ui.followups"


def test_summary_and_back_during_the_quick_check(chat: Chat) -> None:
    fever(chat)
    chat.press("none_of_these")
    card = chat.send(EventKind.SUMMARY)[0]
    assert "Fever or shivers" in card.text
    chat.send(EventKind.BACK)
    assert chat.question == "rf_urine" and chat.level == "urgent_doctor", "still said"
    chat.send(EventKind.BACK)
    assert chat.level is None, "back past the answer that made it urgent"


def test_a_typed_answer_reaches_the_same_result(engine: Engine) -> None:
    chat = Chat(engine, locale="ru")
    chat.start()
    chat.type("нет")
    replies = chat.press("burning")
    assert replies[0].kind is ReplyKind.OUTCOME and chat.level == "urgent_doctor"
    assert chat.replies[1].text == engine.catalog.text("ui.quick_check", "ru")


def test_an_urgent_sign_typed_in_words_shows_the_result_at_once(chat: Chat) -> None:
    chat.start()
    chat.press("none_of_these")
    replies = chat.type("I have a fever")
    assert [r.kind for r in replies[:2]] == [ReplyKind.WARNING, ReplyKind.OUTCOME]
    assert chat.level == "urgent_doctor" and chat.question == "rf_urine"


def _person(engine: Engine, rng: random.Random) -> dict[str, list[str]]:
    """What one person would answer to every question: a few ticks per checklist, one
    button elsewhere (danger signs rarer than calm answers, as in life)."""
    story: dict[str, list[str]] = {}
    for name, state in engine.flow.states.items():
        ids = [c.id for c in state.choices if c.id != "not_sure" or not state.multi]
        if not ids:
            continue
        if state.multi:
            items = [i for i in ids if i != "none_of_these"]
            story[name] = rng.sample(items, k=rng.choice([0, 0, 1, 1, 2, 3]))
        else:
            calm = "none_of_these" if "none_of_these" in ids else None
            story[name] = [calm if calm and rng.random() < 0.6 else rng.choice(ids)]
    return story


def _tell(engine: Engine, story: dict[str, list[str]]) -> str | None:
    chat = Chat(engine)
    chat.start()
    queued = {name: list(picks) for name, picks in story.items()}
    for _ in range(80):
        state = engine.flow.states[chat.session.state or engine.flow.start]
        if state.outcome is not None:
            return chat.level
        question = chat.question or ""
        picks = queued.get(question, [])
        calm = "none_of_these" if "none_of_these" in chat.choices else chat.choices[0]
        chat.press(picks.pop(0) if picks else calm)
    raise AssertionError("no end")


def test_skipping_never_changes_the_final_level(engine: Engine) -> None:
    """The same people, with and without early results: skipped questions could not have
    raised anybody's level (bot/core/flow/ahead.py), so every final level is the same."""
    flow = copy.copy(engine.flow)
    flow.rules = dataclasses.replace(flow.rules, early_levels=frozenset())
    asked_all = Engine(flow, engine.catalog, engine.listener, clock=engine.clock)
    rng = random.Random(13)
    urgent = 0
    for _ in range(1500):
        story = _person(engine, rng)
        level = _tell(engine, story)
        assert level == _tell(asked_all, story), story
        urgent += level == "urgent_doctor"
    assert urgent > 100, "enough people see an early result"
