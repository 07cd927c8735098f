"""Typed pregnancy warning signs (clinical.md 3: pain in waves or tightenings of the bump,
bleeding, leaking fluid or the waters breaking, the baby moving less).

The buttons ask about them only after a pregnancy "yes"; typed, the pregnancy is in the words,
so a person who writes "32 weeks pregnant and bleeding" at any point is sent to the hospital
(the maternity unit) at once, with their country's number.
"""

from __future__ import annotations

import pytest

from bot.core.messages import EventKind, ReplyKind
from bot.core.redflags.detector import RedFlagDetector
from tests.conftest import Chat
from tests.core.walk import CALM

FINDING = "pregnancy_warning_signs"


@pytest.mark.parametrize(
    "text",
    [
        "I'm 32 weeks pregnant, bleeding and my back is cramping in waves",
        "pain comes in waves and im pregnant",
        "my waters broke and my back is killing me",
        "baby moving less than usual today",
        "pregnant and some spotting since the gym",
        "беременна, 30 недель, подтекают воды и тянет поясницу",
        "на сроке 34 недели мажет кровью и болит спина",
        "малыш меньше шевелится сегодня",
        "беременна и живот каменеет волнами",
        "beremenna i otoshli vody",
    ],
)
def test_a_warning_sign_told_with_the_pregnancy_is_certain(
    detector: RedFlagDetector, text: str
) -> None:
    hits = {h.finding: h.certain for h in detector.detect(text)}
    assert hits.get(FINDING) is True, (text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "im 32 weeks and bleeding a little",  # weeks without "pregnant": asked
        "my wife is pregnant and bleeding",  # a partner may be typing: the number, asked
        "у жены беременность и кровотечение",
    ],
)
def test_a_sign_that_may_be_someone_elses_or_unclear_is_asked(
    detector: RedFlagDetector, text: str
) -> None:
    hits = {h.finding: h.certain for h in detector.detect(text)}
    assert hits.get(FINDING) is False, (text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "bled when I was pregnant with my first, now fine",
        "когда была беременна первым, была кровь, сейчас всё хорошо",
        "on my period, cramps and back pain",
        "месячные, тянет живот и поясницу",
        "that was a pregnant pause",
        "eccentric contractions make my back sore",
        "the baby kicks a lot and my back aches",
        "nosebleed after deadlifts",
        "my gums have been bleeding for 2 weeks",
        "20 weeks pregnant, is it ok to deadlift",
        "pregnant and my lower back hurts",
        "пью много воды",
    ],
)
def test_past_pregnancies_periods_and_gym_words_stay_quiet(
    detector: RedFlagDetector, text: str
) -> None:
    assert FINDING not in {h.finding for h in detector.detect(text)}, text


def test_typed_mid_check_it_sends_to_the_maternity_unit_with_the_countrys_number(
    chat: Chat,
) -> None:
    chat.start()
    chat.send(EventKind.REGION)
    chat.press("GB")
    while chat.question != "onset":
        chat.press(CALM[chat.question or ""])
    replies = chat.type("I'm 30 weeks pregnant and my waters are leaking")
    assert replies[0].kind is ReplyKind.WARNING
    assert "999" in replies[0].text
    assert chat.question == "ed_transport"
    replies = chat.press("can_travel")
    assert chat.level == "emergency_department"
    outcome = next(r for r in replies if r.kind is ReplyKind.OUTCOME)
    assert "maternity unit" in outcome.text and "999" in outcome.text
