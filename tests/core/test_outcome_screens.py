"""Transcript tests of the result screens, in English and Russian, on the real flow and content.

What clinical.md (sections 1, 2, 6 and 7) and the one-phone-screen design require: the action
on the first line (with the number for the two emergency levels), "call" and never "go" or a
taxi for someone who can't walk, no "see a doctor" on the ambulance screen, at most five
numbered first-aid steps tailored to the answers, the medicines line and the non-urgent line
of the person's country on every non-emergency result, "why" and "not a diagnosis", the
detail screens one tap away (pictures first), and the summary card.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pytest

from bot.core.engine import Engine
from bot.core.messages import EventKind, Reply, ReplyKind
from bot.core.session import LEGACY_REGIONS
from tests.conftest import Chat
from tests.core.walk import walk

AMB, ED, URGENT, DOCTOR, SELF = (
    "emergency_ambulance",
    "emergency_department",
    "urgent_doctor",
    "doctor",
    "self_care",
)
LEVELS = (AMB, ED, URGENT, DOCTOR, SELF)
NON_EMERGENCY = (URGENT, DOCTOR, SELF)
ANSWERS: Mapping[str, Mapping[str, str | Sequence[str]]] = {
    AMB: {"rf_emergency": "accident"},
    ED: {"rf_hospital": "saddle_numb"},
    URGENT: {"rf_urine": ["fever"]},
    DOCTOR: {"rf_urine": ["sharp"]},
    SELF: {},
}
FIRST_LINE = {
    "en": {
        AMB: "📞 Call {n} now.",
        ED: "🏥 Go to the emergency department today. If you can't get there safely, call {n}.",
        URGENT: "🩺 Book a doctor within 24 hours.",
        DOCTOR: "🏠 Start first aid at home now; book a doctor in the coming days.",
        SELF: "🏠 You can look after this at home.",
    },
    "ru": {
        AMB: "📞 Звоните {n} сейчас.",
        ED: "🏥 Поезжайте в приёмное отделение больницы сегодня. Если не можете добраться "
        "безопасно, звоните {n}.",
        URGENT: "🩺 Запишитесь к врачу в ближайшие 24 часа.",
        DOCTOR: "🏠 Первая помощь дома; в ближайшие дни — к терапевту или неврологу в поликлинике.",
        SELF: "🏠 С этим можно справиться дома.",
    },
}
NUMBER = {"uk": "999", "ru": "103", "au": "000", "ca": "911"}  # the one to call first
NON_URGENT = {
    "uk": "NHS 111",
    "ru": "122",
    "ca": "811",
    "au": "healthdirect (1800 022 222)",
}


def result(engine: Engine, level: str, locale: str = "en", region: str | None = None) -> Chat:
    chat = Chat(engine, locale=locale)
    chat.session.country = LEGACY_REGIONS.get(region or "")
    assert walk(chat, ANSWERS[level]) == level
    return chat


def outcome(chat: Chat) -> Reply:
    """The last result shown (an urgent one is shown early, while the questions go on)."""
    return next(r for r in reversed(chat.seen) if r.kind is ReplyKind.OUTCOME)


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("region", [None, "uk", "ru"])
def test_the_first_line_is_the_action_with_the_persons_number(
    engine: Engine, locale: str, level: str, region: str | None
) -> None:
    chat = result(engine, level, locale, region)
    text = outcome(chat).text
    unknown = engine.catalog.text("ui.number_unknown", locale)
    number = engine.render.numbers(chat.session)["number"] if chat.session.country else unknown
    assert number.startswith(NUMBER.get(region or "", unknown))
    assert text.split("\n")[0] == FIRST_LINE[locale][level].format(n=number)
    assert len(text) <= 900, "the first result fits one phone screen"
    assert text.endswith(engine.catalog.text("ui.not_a_diagnosis", locale))
    assert engine.catalog.text("ui.because", locale) in text


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_ambulance_screen_never_says_go_or_see_a_doctor(engine: Engine, locale: str) -> None:
    for sign in ("chest_belly", "faint", "confused", "accident", "legs_paralysed"):
        chat = Chat(engine, locale=locale)
        walk(chat, {"rf_emergency": sign})
        text = outcome(chat).text.lower()
        for banned in ("go to", "take you", "taxi", "see a doctor", "book a", "поезжайте", "такси"):
            assert banned not in text, (sign, banned)
        assert "unlock the door" in text or "откройте дверь" in text


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_someone_who_cannot_walk_is_told_to_call_never_a_taxi(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    walk(chat, {"rf_hospital": "cannot_walk", "rf_walk_more": "none_of_these"})
    assert chat.level == ED
    first = outcome(chat).text.split("\n")[0]
    assert first.startswith(("📞 Call 112", "📞 Звоните 112"))
    assert "taxi" not in first and "такси" not in first


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_can_you_get_there_question_shows_the_number(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.session.country = "GB"
    chat.start()
    chat.answer("none_of_these", "none_of_these", "saddle_numb")
    assert chat.question == "ed_transport"
    assert "999" in chat.replies[-1].text


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize("level", NON_EMERGENCY)
def test_non_emergency_results_give_at_most_five_steps_and_the_medicines_line(
    engine: Engine, locale: str, level: str
) -> None:
    text = outcome(result(engine, level, locale)).text
    steps = re.findall(r"^(\d)\. ", text, re.M)
    assert 3 <= len(steps) <= 5 and steps == [str(i) for i in range(1, len(steps) + 1)]
    assert "💊" in text and ("pharmacist" in text or "фармацевт" in text)
    assert "15-20" in text and "72" in text


def test_stop_training_only_if_it_started_today(engine: Engine) -> None:
    today, earlier = Chat(engine), Chat(engine)
    walk(today, {"course": "today"})
    walk(earlier, {"course": "improving"})
    assert "Stop training today" in outcome(today).text
    assert "Stop training" not in outcome(earlier).text


def test_after_three_days_no_cold_pack_step(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"course": "over_three_improving"})
    text = outcome(chat).text
    assert "past 72 hours" in text and "every 2-3 hours" not in text


def test_an_older_lifter_with_a_next_day_ache_gets_first_aid_first(engine: Engine) -> None:
    chat = Chat(engine)
    assert walk(chat, {"age": "over_50"}) == DOCTOR  # age alone is still "doctor"
    lines = outcome(chat).text.split("\n")
    assert lines[1].startswith("1. ")
    assert lines[0].endswith("book a doctor in the coming days.")
    doctor = next(i for i, line in enumerate(lines) if line.startswith("🩺"))
    assert doctor > 4, "the doctor line comes after the first-aid steps"


@pytest.mark.parametrize(("region", "line"), NON_URGENT.items())
@pytest.mark.parametrize("level", (URGENT, DOCTOR))
def test_doctor_screens_name_the_countrys_non_urgent_line(
    engine: Engine, region: str, line: str, level: str
) -> None:
    assert line in outcome(result(engine, level, "en", region)).text


def test_the_number_follows_the_country_not_the_language(engine: Engine) -> None:
    russian_in_uk = outcome(result(engine, AMB, "ru", "uk")).text
    assert russian_in_uk.startswith("📞 Звоните 999 или 112 сейчас.") and "103" not in russian_in_uk
    english_in_russia = outcome(result(engine, AMB, "en", "ru")).text
    assert english_in_russia.startswith("📞 Call 103 or 112 now.")


def test_dark_urine_hospital_screen_asks_for_a_ck_test(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"rf_urine": ["dark_urine"]})
    text = outcome(chat).text
    assert '"dark urine after hard exercise"' in text and "CK blood test" in text
    assert "Sip water" in text and "No anti-inflammatory" in text


def test_swollen_muscles_get_a_same_day_ck_test_and_no_nsaids(engine: Engine) -> None:
    chat = Chat(engine)
    assert walk(chat, {"rf_urine": ["swollen_muscles"]}) == URGENT
    text = outcome(chat).text
    assert "CK blood test today" in text and "no anti-inflammatory" in text
    assert "Ask a pharmacist if an anti-inflammatory" not in text


def test_pregnancy_changes_positions_and_medicines(engine: Engine) -> None:
    chat = Chat(engine)
    walk(chat, {"about": ["pregnant"], "pregnancy_signs": "none_of_these"})
    text = outcome(chat).text
    assert "not flat on your back" in text and "calves on a chair" not in text
    assert "no anti-inflammatory painkillers, including gels" in text
    chat.press("positions")
    pictures = [r.image for r in chat.replies if r.kind is ReplyKind.IMAGE]
    assert pictures == ["side_pillow_between_knees"]


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_details_are_one_tap_away_pictures_first(engine: Engine, locale: str) -> None:
    chat = result(engine, SELF, locale)
    offered = chat.choices
    for detail in ("cold", "positions", "no_heat", "avoid", "medicines", "safety_net"):
        assert detail in offered
    assert offered[0] == "set_region" and offered[-1] == "restart"
    replies = chat.press("cold")
    assert replies[0].kind is ReplyKind.IMAGE and replies[0].image == "cold_pack_lower_back"
    assert replies[0].alt and replies[0].text and replies[0].text != replies[0].alt
    assert replies[1].kind is ReplyKind.INFO and "15" in replies[1].text
    assert chat.choices == offered, "the menu stays"
    avoid = chat.press("avoid")[0].text
    assert "diclofenac" in avoid or "диклофенак" in avoid  # no self-given shots


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize("level", LEVELS)
def test_summary_lists_every_answer_and_the_level(engine: Engine, locale: str, level: str) -> None:
    chat = result(engine, level, locale)
    answers = len(chat.session.answers)
    card = chat.press("summary")[0].text
    assert card.count("\n• ") == answers
    assert engine.catalog.text(f"levels.{level}", locale) in card


def test_summary_lists_typed_red_flags(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start()
    chat.type("I have a fever")
    walk(chat)
    card = chat.press("summary")[0].text
    assert "you wrote: fever or chills" in card


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_welcome_is_short_and_names_the_number(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    welcome = chat.start()[0].text
    assert len(welcome) <= 400
    assert engine.catalog.text("ui.number_unknown", locale) in welcome
    about = chat.send(EventKind.ABOUT)[0].text
    assert "112" in about
