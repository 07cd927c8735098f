"""'Which time zone are you in?': asked once, in a country with several clocks, when a reminder
that keeps quiet hours is scheduled; answered by a button, a typed city or offset, or a shared
location; remembered for the next check and used for quiet hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.countries import CountryCatalog
from bot.core.effects import Schedule
from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.core.prompts import ChooseZone, decode, encode
from bot.core.reminders import CHECKIN, COMPRESS_NEXT, QuietHours
from bot.core.session import Session
from tests.conftest import Chat
from tests.core.walk import walk

LOCALES = ["en", "ru"]
# 2027-01-15 03:00 UTC: late evening in the Americas, day in Asia.
NOW = datetime(2027, 1, 15, 3, 0, tzinfo=ZoneInfo("UTC")).timestamp()
CHECKINS = "checkins"


@pytest.fixture
def quiet(engine: Engine, countries: CountryCatalog) -> Engine:
    """The real flow with quiet hours 22-8 and a fixed clock."""
    return Engine(
        engine.flow,
        engine.catalog,
        engine.listener,
        clock=lambda: NOW,
        countries=countries,
        quiet_hours=QuietHours("UTC", 22, 8),
    )


def at_result(engine: Engine, country: str | None, locale: str = "en") -> Chat:
    chat = Chat(engine, locale=locale)
    chat.start()
    if country:
        chat.send(EventKind.REGION, country)
    walk(chat)
    assert chat.question == "out_self_care"
    return chat


def step(chat: Chat, kind: EventKind, value: str, question: str | None = None) -> list[Schedule]:
    """Send an event; the reminders it scheduled."""
    done = chat.engine.step(chat.session, Event(kind, value, question, locale=chat.locale))
    chat.replies = done.replies
    return [e for e in done.effects if isinstance(e, Schedule)]


def local_hour(schedule: Schedule, zone: str) -> int:
    return datetime.fromtimestamp(schedule.reminder.due, ZoneInfo(zone)).hour


@pytest.mark.parametrize("locale", LOCALES)
def test_asked_once_by_buttons_then_remembered_and_used(quiet: Engine, locale: str) -> None:
    chat = at_result(quiet, "US", locale)
    assert step(chat, EventKind.CHOICE, CHECKINS, "out_self_care") == [], "nothing yet"
    (asked,) = chat.replies
    assert asked.key == "country.choose_zone" and chat.question == "zone:checkins"
    assert chat.choices[:2] == ["America/New_York", "America/Chicago"] and len(chat.choices) == 7
    assert all(len(c.label) <= 40 for c in asked.choices), "short buttons"
    scheduled = step(chat, EventKind.CHOICE, "America/Chicago", chat.question)
    assert chat.session.zone == "America/Chicago"
    assert chat.replies[0].key == "country.zone_set"
    assert quiet.catalog.text("ui.checkins_on", locale)[:15] in chat.text
    assert chat.question == "out_self_care", "the result's buttons again"
    assert [s.reminder.kind for s in scheduled] == [CHECKIN, CHECKIN]
    assert all(not 0 <= local_hour(s, "America/Chicago") < 8 for s in scheduled)
    assert Session.from_json(chat.session.to_json()).zone == "America/Chicago"

    chat.send(EventKind.RESTART)
    walk(chat)
    again = step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    assert len(again) == 2 and "country.choose_zone" not in [r.key for r in chat.replies]


def test_the_zone_moves_quiet_hours(quiet: Engine) -> None:
    """03:00 UTC is 22:00 in New York (quiet) and 19:00 in Los Angeles (not): a check-in 24 h
    later waits for 08:00 in New York but not in Los Angeles."""
    hours = {}
    for zone in ("America/New_York", "America/Los_Angeles"):
        chat = at_result(quiet, "US")
        step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
        first, _ = step(chat, EventKind.CHOICE, zone, chat.question)
        hours[zone] = (first.reminder.due - NOW) / 3600
    assert hours["America/Los_Angeles"] == 24
    assert hours["America/New_York"] == 34, "22:00 -> 08:00 the next morning"


@pytest.mark.parametrize(
    ("locale", "typed", "zone"),
    [
        ("en", "chicago", "America/Chicago"),
        ("en", "I'm in Seattle", "America/Los_Angeles"),
        ("en", "detroit", "America/Detroit"),  # tzdata knows it; no button names it
        ("en", "UTC-5", "America/New_York"),  # January: Eastern
        ("en", "2", "America/Chicago"),
        ("en", "Pacific", "America/Los_Angeles"),
        ("ru", "чикаго", "America/Chicago"),
        ("ru", "Аляска", "America/Anchorage"),
    ],
)
def test_a_typed_city_offset_or_number_answers(
    quiet: Engine, locale: str, typed: str, zone: str
) -> None:
    chat = at_result(quiet, "US", locale)
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    scheduled = step(chat, EventKind.TEXT, typed)
    assert chat.session.zone == zone and len(scheduled) == 2, typed


@pytest.mark.parametrize(
    ("country", "typed", "zone"),
    [
        ("RU", "в Омске", "Asia/Omsk"), ("RU", "новосибирск", "Asia/Novosibirsk"),
        ("RU", "МСК+4", "Asia/Novosibirsk"), ("AU", "perth", "Australia/Perth"),
        ("CA", "calgary", "America/Edmonton"), ("BR", "manaus", "America/Manaus"),
        ("MX", "cancun", "America/Cancun"), ("ID", "bali", "Asia/Makassar"),
    ],
)  # fmt: skip
def test_other_countries_understand_their_cities(
    quiet: Engine, country: str, typed: str, zone: str
) -> None:
    chat = at_result(quiet, country, "ru")
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    assert chat.question == "zone:checkins"
    step(chat, EventKind.TEXT, typed)
    assert chat.session.zone == zone, typed


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("typed", ["atlantis", "GMT-7", "xyz"])  # GMT-7: Denver or Phoenix?
def test_an_unclear_answer_asks_again_and_changes_nothing(
    quiet: Engine, locale: str, typed: str
) -> None:
    chat = at_result(quiet, "US", locale)
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    before = chat.session.to_json()
    assert step(chat, EventKind.TEXT, typed) == []
    assert chat.replies[0].key == "country.zone_unknown" and chat.question == "zone:checkins"
    assert chat.session.zone is None and chat.session.to_json() == before


def test_a_forged_zone_changes_nothing(quiet: Engine) -> None:
    chat = at_result(quiet, "US")
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    assert step(chat, EventKind.CHOICE, "Europe/Berlin", "zone:checkins") == []
    assert chat.session.zone is None and chat.question == "zone:checkins"
    assert chat.replies[0].refused


def test_a_shared_location_answers_it(quiet: Engine) -> None:
    chat = at_result(quiet, "US")
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    scheduled = step(chat, EventKind.LOCATION, "42.33,-83.05")  # Detroit
    assert chat.session.zone == "America/Detroit" and len(scheduled) == 2
    assert "42.3" not in chat.session.to_json()


def test_a_typed_red_flag_still_comes_first(quiet: Engine) -> None:
    chat = at_result(quiet, "US")
    step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
    chat.type("I can't feel my legs")
    assert chat.session.level is not None and chat.session.level.startswith("emergency")
    assert "911" in chat.text and chat.session.pending is None


def test_the_next_cold_pack_asks_too(quiet: Engine) -> None:
    chat = at_result(quiet, "RU", "ru")
    chat.session.pending = None
    replies = quiet.handle(chat.session, Event(EventKind.REMIND, "compress_off"))
    assert replies[0].question == "compress"
    chat.replies = replies
    assert step(chat, EventKind.CHOICE, "remind_next", "compress") == []
    assert chat.question == "zone:remind_next"
    (scheduled,) = step(chat, EventKind.CHOICE, "Asia/Vladivostok", chat.question)
    assert scheduled.reminder.kind == COMPRESS_NEXT
    assert chat.session.zone == "Asia/Vladivostok"


@pytest.mark.parametrize("country", ["DE", "GB", "JP", "KZ", None])
def test_one_clock_or_no_country_asks_nothing(quiet: Engine, country: str | None) -> None:
    chat = at_result(quiet, country)
    assert len(step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")) == 2
    assert "country.choose_zone" not in [r.key for r in chat.replies]


def test_which_countries_ask_comes_from_the_data(quiet: Engine, countries: CountryCatalog) -> None:
    """Every country whose entry in countries.yaml lists several zones is asked, with exactly
    those zones as buttons; every other country is not."""
    asked = set()
    for country in countries:
        chat = at_result(quiet, country.code)
        step(chat, EventKind.CHOICE, CHECKINS, "out_self_care")
        if chat.question == "zone:checkins":
            asked.add(country.code)
            assert chat.choices == [z.zone for z in country.zones]
    assert asked == {c.code for c in countries if len(c.zones) > 1}
    assert {"US", "CA", "RU", "AU", "BR", "MX", "ID"} <= asked


def test_a_location_or_a_zone_from_another_country_is_dropped(quiet: Engine) -> None:
    chat = at_result(quiet, "US")
    chat.session.zone = "America/Chicago"
    chat.send(EventKind.REGION, "ca")
    assert chat.session.country == "CA" and chat.session.zone is None, "asked again in Canada"
    chat.send(EventKind.REGION, "de")
    assert chat.session.zone == "Europe/Berlin"


def test_the_prompt_survives_storage() -> None:
    prompt = ChooseZone("checkins")
    assert encode(prompt) == "zone:checkins" and decode("zone:checkins") == prompt
    assert decode("zone:") is None
    restored = Session.from_json(Session(user="u", pending=prompt).to_json())
    assert restored.pending == prompt
