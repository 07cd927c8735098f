"""#13 on Telegram: an urgent answer's result arrives at once, then the quick check."""

from __future__ import annotations

from tests.adapters.conftest import Bot, Person, plain, question_id
from tests.fakes.telegram_api import FakeTelegram


async def test_an_urgent_answer_shows_its_result_then_the_quick_check(
    bot: Bot, tg: FakeTelegram
) -> None:
    person = Person(tg, tg.make_user(2077, "Uri", "uri", "en"))
    person.say("/start")
    _, first = await person.replies()
    second = await person.first_answer(first)
    person.tap(second, "fever")
    shown = await person.next_screen()  # the question closed, the result as a new message
    say = bot.app.conversations.say
    assert plain(shown[0]).startswith("🩺"), "the action on the first line"
    assert say("ui.quick_check") in "\n".join(plain(m) for m in shown)
    assert question_id(shown[-1]) == "rf_urine"
    person.tap(shown[-1], "none_of_these")
    (hospital,) = await person.next_screen()  # edited in place, with the so-far line
    assert question_id(hospital) == "rf_hospital"
    line = plain(hospital).split("\n")[0]  # the whole check so far, as on Discord
    assert line.startswith(say("ui.so_far", answers="")) and "Fever or shivers" in line
    person.tap(hospital, "none_of_these")
    (about,) = await person.next_screen()
    assert question_id(about) == "about", "age, onset and course cannot raise it: skipped"
    person.tap(about, "none_of_these")
    end = await person.next_screen()
    assert plain(end[0]).startswith("✅")
    assert question_id(end[-1]) == "out_urgent_doctor"
