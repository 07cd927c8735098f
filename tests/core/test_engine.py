"""Transcript tests: events in, replies out, through the real flow and content."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.messages import EventKind, ReplyKind
from tests.conftest import Chat
from tests.core.walk import CALM, walk


def test_start_shows_disclaimer_then_red_flag_screen(chat: Chat) -> None:
    replies = chat.start()
    assert replies[0].kind is ReplyKind.INFO
    assert "not a doctor" in replies[0].text
    assert chat.question == "rf_emergency"
    assert "none_of_these" in chat.choices and "not_sure" in chat.choices


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({}, "self_care"),
        ({"rf_urine": ["sharp"]}, "doctor"),
        ({"rf_urine": ["fever"]}, "urgent_doctor"),
        ({"rf_hospital": "saddle_numb"}, "emergency_department"),
        ({"rf_emergency": "chest_belly"}, "emergency_ambulance"),
    ],
)
def test_every_outcome_is_reachable(chat: Chat, answers: dict[str, object], level: str) -> None:
    assert walk(chat, answers) == level  # type: ignore[arg-type]
    outcome = next(r for r in reversed(chat.seen) if r.kind is ReplyKind.OUTCOME)
    assert "not a diagnosis" in outcome.text
    assert "112" in outcome.text  # the emergency number is always named
    assert chat.choices[-1] == "restart"


def test_emergency_stops_the_questionnaire_at_once(chat: Chat) -> None:
    chat.start()
    replies = chat.press("faint")
    assert chat.level == "emergency_ambulance"
    assert replies[0].kind is ReplyKind.OUTCOME
    lines = [line for line in replies[0].text.splitlines() if line]
    assert lines[0].startswith("📞 Call 112 or your local emergency number now")


def test_self_care_outcome_gives_first_aid(chat: Chat) -> None:
    walk(chat)
    text = chat.replies[0].text
    assert text.startswith("🏠 You can look after this at home.")
    for needle in ("15-20 min", "No heat", "72 hours", "pillow", "pharmacist"):
        assert needle in text
    assert "Why: you said pain that came on the next day." in text


def test_outcome_says_why(chat: Chat) -> None:
    walk(chat, {"rf_urine": ["sharp"]})
    assert "Why: you said sharp or shooting pain." in chat.replies[0].text


def test_not_sure_counts_as_yes(chat: Chat) -> None:
    unsure = {"rf_hospital": "not_sure", "rf_hospital__saddle_numb": "not_sure"}
    assert walk(chat, unsure) == "emergency_department"


def test_multi_question_asks_for_more_and_hides_picked(chat: Chat) -> None:
    walk_to(chat, "rf_urine")
    before = chat.choices
    chat.press("fever")
    assert chat.question == "rf_urine"
    assert chat.choices == [c for c in before if c != "not_sure"], "numbers stay stable"
    labels = {c.id: c.label for c in chat.replies[-1].choices}
    assert labels["fever"].startswith("✓") and labels["none_of_these"] == "Nothing else"
    assert chat.replies[-1].text.startswith("Anything else")
    chat.press("fever")  # a ticked item pressed again changes nothing
    assert [a.choice for a in chat.session.answers].count("fever") == 1
    chat.press("below_knee")  # fever + pain below the knee: possible infection (C4)
    assert chat.question == "ed_transport"  # hospital today: can they get there?
    chat.press("can_travel")
    assert chat.level == "emergency_department"


def walk_to(chat: Chat, question: str) -> None:
    chat.start()
    while chat.question != question:
        chat.press(CALM[chat.question or ""])


def test_back_rewinds_one_answer_and_its_findings(chat: Chat) -> None:
    walk_to(chat, "rf_urine")
    chat.press("burning")
    assert "painful_urination" in chat.session.findings
    chat.send(EventKind.BACK)
    assert chat.question == "rf_urine"
    assert "painful_urination" not in chat.session.findings
    assert "burning" in chat.choices


def test_back_at_the_first_question_says_so(chat: Chat) -> None:
    chat.start()
    replies = chat.send(EventKind.BACK)
    assert "first question" in replies[0].text
    assert chat.question == "rf_emergency"


def test_restart_clears_answers(chat: Chat) -> None:
    walk(chat, {"character": "sharp"})
    chat.send(EventKind.RESTART)
    assert chat.session.answers == [] and chat.session.level is None
    assert chat.question == "rf_emergency"


def test_restart_button_under_the_outcome(chat: Chat) -> None:
    walk(chat)
    chat.press("restart")
    assert chat.question == "rf_emergency"


def test_start_mid_flow_resumes(chat: Chat) -> None:
    walk_to(chat, "rf_hospital")
    replies = chat.start()
    assert "/restart" in replies[0].text
    assert chat.question == "rf_hospital"


def test_text_that_is_no_answer_gets_a_one_line_nudge_and_keeps_the_buttons(chat: Chat) -> None:
    chat.start()
    replies = chat.type("hello?")
    assert [r.key for r in replies] == ["ui.use_buttons"]  # the question is not repeated
    assert "\n" not in replies[0].text
    assert chat.question == "rf_emergency" and "none_of_these" in chat.choices
    assert chat.session.answers == []


@pytest.mark.parametrize("question", ["rf_hospital", "nonsense", None])
def test_stale_or_forged_buttons_never_move_the_flow(chat: Chat, question: str | None) -> None:
    chat.start()
    chat.press("none_of_these")
    before = (chat.session.state, list(chat.session.answers))
    replies = chat.send(
        EventKind.CHOICE, "accident" if question != "rf_hospital" else "x", question
    )
    if question is None:  # the console sends no question id: unknown ids are still refused
        replies = chat.send(EventKind.CHOICE, "'; drop table", None)
    assert replies[0].key == "ui.already_answered"
    assert (chat.session.state, chat.session.answers) == before


def test_double_press_is_answered_once(chat: Chat) -> None:
    chat.start()
    chat.send(EventKind.CHOICE, "none_of_these", "rf_emergency")
    replies = chat.send(EventKind.CHOICE, "none_of_these", "rf_emergency")
    assert replies[0].key == "ui.already_answered"
    assert [a.question for a in chat.session.answers] == ["rf_emergency"]


def test_language_switch_keeps_the_place(chat: Chat) -> None:
    walk_to(chat, "rf_hospital")
    replies = chat.send(EventKind.LANGUAGE, "ru")
    assert chat.session.locale == "ru"
    assert chat.question == "rf_hospital"
    assert replies[-1].text != chat.engine.catalog.text("questions.rf_hospital.text", "en")


def test_language_menu_without_argument(chat: Chat) -> None:
    chat.start()
    chat.send(EventKind.LANGUAGE)
    assert set(chat.choices) == {"en", "ru"}
    chat.press("ru")
    assert chat.session.locale == "ru" and chat.question == "rf_emergency"


def test_platform_locale_picks_the_language_never_the_country(engine: Engine) -> None:
    chat = Chat(engine, locale="ru-RU")
    walk(chat, {"rf_emergency": "faint"})
    assert chat.session.locale == "ru"
    assert chat.session.country is None  # a Russian speaker may be in Israel or Germany
    first = chat.replies[0].text.split("\n")[0]
    assert first == "📞 Звоните 112 или местный номер экстренной помощи сейчас."


def test_region_command_sets_the_number(chat: Chat) -> None:
    chat.start()
    chat.send(EventKind.REGION)
    assert "GB" in chat.choices
    chat.press("GB")
    walk(chat, {"rf_emergency": "accident"})
    assert chat.replies[0].text.startswith("📞 Call 999")


def test_unknown_region_names_112_or_the_local_number_never_a_list(chat: Chat) -> None:
    walk(chat, {"rf_emergency": "accident"})
    first = chat.replies[0].text
    assert "112 or your local emergency number" in first
    for number in ("999", "911", "000", "103"):
        assert number not in first


def test_forget_resets_everything(chat: Chat) -> None:
    walk_to(chat, "rf_urine")
    replies = chat.send(EventKind.FORGET)
    assert replies[0].key == "ui.forgotten"
    assert chat.session.answers == [] and chat.session.state is None


def test_followup_screens(chat: Chat) -> None:
    walk(chat)
    chat.press("doms_vs_injury")
    assert "Muscle soreness or an injury?" in chat.replies[0].text
    assert "lactic" not in chat.replies[0].text.lower()
    chat.press("summary")
    assert "Result: Self-care at home" in chat.replies[0].text
    assert chat.choices[-1] == "restart"


def test_typed_red_flag_mid_flow_goes_to_emergency(chat: Chat) -> None:
    walk_to(chat, "onset")
    replies = chat.type("I wet myself and can't feel my groin")
    assert replies[0].kind is ReplyKind.WARNING
    assert chat.question == "ed_transport"
    replies = chat.press("cannot_travel")  # can't get there: an ambulance (rule C1)
    assert chat.level == "emergency_ambulance"
    assert any(r.kind is ReplyKind.OUTCOME for r in replies)


def test_typed_lesser_red_flag_is_noted_and_flow_continues(chat: Chat) -> None:
    walk_to(chat, "rf_hospital")
    replies = chat.type("I have a fever")
    assert replies[0].kind is ReplyKind.WARNING
    assert "fever_or_chills" in chat.session.noted
    assert chat.question == "rf_hospital", "the cauda-equina signs could still raise it"
    assert walk(chat) == "urgent_doctor"


def test_typed_lesser_red_flag_with_nothing_left_that_could_raise_it(chat: Chat) -> None:
    walk_to(chat, "onset")
    replies = chat.type("I have a fever")
    assert [r.kind for r in replies[:2]] == [ReplyKind.WARNING, ReplyKind.OUTCOME]
    assert chat.session.state == "out_urgent_doctor", "how it started cannot change it"


def test_typed_doubt_asks_a_confirming_question(chat: Chat) -> None:
    chat.start()
    chat.type("not sure if it's numb down there")
    assert chat.question == "confirm:saddle_numbness"
    chat.press("not_sure")
    assert chat.question == "ed_transport"
    chat.press("can_travel")
    assert chat.level == "emergency_department"


def test_confirming_no_carries_on(chat: Chat) -> None:
    chat.start()
    chat.type("not sure if it's numb down there")
    chat.press("confirm_no")
    assert chat.question == "rf_emergency" and chat.level is None


def test_engine_shares_one_machine_and_keeps_sessions_plain(engine: Engine) -> None:
    a, b = Chat(engine, "a"), Chat(engine, "b")
    walk(a, {"rf_emergency": "accident"})
    b.start()
    assert b.question == "rf_emergency"
    assert not engine.machine.models  # no session was ever registered with the Machine


def test_language_menu_before_any_check(chat: Chat) -> None:
    chat.send(EventKind.LANGUAGE)
    replies = chat.press("ru")
    assert chat.session.locale == "ru"
    assert replies[0].text.startswith("Язык")


def test_unknown_region_offers_to_set_it_and_shows_the_exact_number(chat: Chat) -> None:
    walk(chat, {"rf_emergency": "accident"})
    assert chat.choices[0] == "set_region"
    chat.press("set_region")
    replies = chat.press("uk")
    assert replies[1].kind is ReplyKind.OUTCOME
    assert replies[1].text.startswith("📞 Call 999") and "911" not in replies[1].text
    assert chat.replies[-1].choices[0].label == "🇬🇧 Change country"  # shown, changeable


def test_a_session_from_an_older_flow_starts_over_politely(chat: Chat) -> None:
    walk_to(chat, "rf_urine")
    chat.session.state = "a_question_that_was_removed"
    replies = chat.press("none_of_these")
    assert replies[0].key == "ui.flow_updated"
    assert chat.question == "rf_emergency" and chat.session.answers == []


def test_answers_to_removed_choices_are_dropped_not_fatal(chat: Chat) -> None:
    from bot.core.session import Answer

    walk_to(chat, "rf_urine")
    chat.session.answers.insert(0, Answer("rf_saddle", "a_removed_choice", ("saddle_numbness",)))
    replies = chat.press("none_of_these")
    assert replies[0].key == "ui.flow_updated"
    assert chat.question == "ed_transport"  # the kept red flag still escalates
    assert all(a.choice != "a_removed_choice" for a in chat.session.answers)
    assert "saddle_numbness" in chat.session.noted  # a red flag once said keeps counting
