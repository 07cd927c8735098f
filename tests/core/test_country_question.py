"""'Where are you now?': asked once, after the first screen, remembered; bad input is safe."""

from __future__ import annotations

import pytest

from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.messages import EventKind, ReplyKind
from bot.core.session import Session
from tests.conftest import Chat

LOCALES = ["en", "ru"]


@pytest.fixture
def asking(engine: Engine, countries: CountryCatalog) -> Engine:
    return Engine(
        engine.flow,
        engine.catalog,
        engine.listener,
        clock=engine.clock,
        countries=countries,
        ask_country=True,
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_asked_once_after_the_first_screen_and_remembered(asking: Engine, locale: str) -> None:
    chat = Chat(asking, locale=locale, first_time=True)
    welcome = chat.start()[0].text
    assert asking.catalog.text("ui.number_unknown", locale) in welcome
    assert chat.question == "rf_emergency", "the danger checklist comes first"
    chat.press("none_of_these")
    assert chat.question == "region" and chat.replies[-1].key == "country.ask"
    assert "skip" in chat.choices and len(chat.choices) >= 4
    chat.press("DE")
    assert (chat.session.country, chat.session.zone) == ("DE", "Europe/Berlin")
    assert chat.question not in (None, "region", "rf_emergency")
    chat.send(EventKind.RESTART)
    chat.press("none_of_these")
    assert chat.question != "region", "a returning person is not asked again"
    restored = Session.from_json(chat.session.to_json())
    assert restored.country == "DE" and restored.asked_country


@pytest.mark.parametrize(("locale", "typed"), [("en", "germny"), ("ru", "германия")])
def test_a_typed_name_or_flag_answers_the_question(asking: Engine, locale: str, typed: str) -> None:
    for text in (typed, "🇩🇪"):
        chat = Chat(asking, locale=locale, first_time=True)
        chat.start()
        chat.press("none_of_these")
        chat.type(text)
        assert chat.session.country == "DE", text


@pytest.mark.parametrize("locale", LOCALES)
def test_skip_is_remembered_and_screens_say_112(asking: Engine, locale: str) -> None:
    chat = Chat(asking, locale=locale, first_time=True)
    chat.start()
    chat.press("none_of_these")
    chat.press("skip")
    assert chat.session.country is None and chat.session.asked_country
    assert chat.question not in ("region", "rf_emergency")
    chat.send(EventKind.RESTART)
    chat.press("none_of_these")
    assert chat.question != "region"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_danger_sign_before_the_country_stops_at_once_then_asks(
    asking: Engine, locale: str
) -> None:
    chat = Chat(asking, locale=locale, first_time=True)
    chat.start()
    replies = chat.press("legs_paralysed")
    first = next(r for r in replies if r.kind is ReplyKind.OUTCOME)
    assert asking.catalog.text("ui.number_unknown", locale) in first.text.split("\n")[0]
    assert replies[-1].key == "country.ask", "the country is one tap away, under the result"
    chat.press("GB")
    assert chat.session.country == "GB"
    again = next(r for r in chat.replies if r.kind is ReplyKind.OUTCOME)
    assert "999" in again.text.split("\n")[0]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("value", "key"),
    [("atlantis", "country.unknown"), ("zz", "country.no_data"), ("KE", "country.no_data")],
)
def test_bad_countries_change_nothing(engine: Engine, locale: str, value: str, key: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.start()
    chat.send(EventKind.REGION, "de")
    before = chat.session.to_json()
    replies = chat.send(EventKind.REGION, value)
    assert replies[0].key == key
    if key == "country.no_data":
        assert "112" in replies[0].text
    assert chat.session.country == "DE" and chat.session.zone == "Europe/Berlin"
    assert chat.question == "region"
    assert Session.from_json(before).country == chat.session.country


@pytest.mark.parametrize("locale", LOCALES)
def test_a_location_in_the_sea_changes_nothing(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.start()
    replies = chat.send(EventKind.LOCATION, "0.0,-30.0")
    assert replies[0].key == "country.no_location"
    assert chat.session.country is None and chat.session.zone is None
    assert chat.question == "rf_emergency"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_location_keeps_the_country_and_its_zone_only(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.start()
    chat.send(EventKind.LOCATION, "56.84,60.6")  # Yekaterinburg
    assert (chat.session.country, chat.session.zone) == ("RU", "Asia/Yekaterinburg")
    assert "56.8" not in chat.session.to_json()


def test_several_zones_are_not_guessed(engine: Engine) -> None:
    chat = Chat(engine)
    chat.start()
    chat.send(EventKind.REGION, "us")
    assert chat.session.country == "US" and chat.session.zone is None


@pytest.mark.parametrize(
    ("old", "country"), [("uk", "GB"), ("us", "US"), ("ru", "RU"), ("au", "AU"), ("eu", None)]
)
def test_old_records_with_a_region_still_load(old: str, country: str | None) -> None:
    session = Session.from_json(f'{{"s":1,"u":"x","r":"{old}"}}')
    assert session.country == country and session.asked_country


@pytest.mark.parametrize("locale", LOCALES)
def test_region_de_puts_112_on_every_emergency_first_line(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.start()
    chat.send(EventKind.REGION, "de")
    replies = chat.press("legs_paralysed")
    first = next(r for r in replies if r.kind is ReplyKind.OUTCOME).text.split("\n")[0]
    assert "112" in first and "local" not in first and "местн" not in first


@pytest.mark.parametrize(
    ("tag", "first"),
    [
        ("en-GB", "GB"), ("en-IN", "IN"), ("pt-BR", "BR"), ("pt-br", "BR"), ("pt-PT", "PT"),
        ("es-ES", "ES"), ("es-MX", "MX"), ("zh-TW", "TW"), ("sv-SE", "SE"), ("fr-CA", "CA"),
        ("de-CH", "CH"), ("ru-KZ", "KZ"), ("uk", "UA"), ("hi", "IN"), ("ja", "JP"),
    ],
)  # fmt: skip
def test_a_platform_region_orders_the_buttons_and_decides_nothing(
    asking: Engine, tag: str, first: str
) -> None:
    """Discord's locale (``en-GB``) or Telegram's ``language_code`` (``pt-br``): that
    country is the first button; the person still picks (or skips)."""
    chat = Chat(asking, locale=tag, first_time=True)
    chat.start()
    chat.press("none_of_these")
    assert chat.question == "region"
    assert chat.choices[0] == first and chat.choices[-1] == "skip"
    assert len(chat.choices) == len(set(chat.choices)) >= 4
    assert chat.session.country is None, "a language or locale never sets the country"
    assert tag not in chat.session.to_json(), "the tag is not kept"
    chat.press("skip")
    assert chat.session.country is None and chat.question == "rf_urine"


def test_the_language_we_speak_fills_the_buttons_after_the_tag(asking: Engine) -> None:
    chat = Chat(asking, locale="pt-BR", first_time=True)  # we speak English to them
    chat.start()
    chat.press("none_of_these")
    assert chat.choices[:2] == ["BR", "PT"] and "US" in chat.choices
    assert asking.render.locale(chat.session) == "en"


@pytest.mark.parametrize(
    ("locale", "typed"), [("en", "I can't feel my legs"), ("ru", "не чувствую ног")]
)
def test_a_danger_sign_typed_first_stops_at_once_then_asks(
    asking: Engine, locale: str, typed: str
) -> None:
    chat = Chat(asking, locale=locale, first_time=True)
    replies = chat.type(typed)  # the very first message
    assert replies[0].kind is ReplyKind.WARNING
    first = next(r for r in replies if r.kind is ReplyKind.OUTCOME)
    assert asking.catalog.text("ui.number_unknown", locale) in first.text.split("\n")[0]
    assert replies[-1].key == "country.ask" and chat.question == "region"
    chat.type("🇮🇱")
    again = next(r for r in chat.replies if r.kind is ReplyKind.OUTCOME)
    assert "101" in again.text.split("\n")[0], "now the exact number: Israel's ambulance"


def test_the_real_bot_asks(app_engine: Engine) -> None:
    engine = app_engine  # what ``backcheck run`` builds from the default settings
    assert engine.ask_country and engine.default_country is None
    chat = Chat(engine, first_time=True)
    chat.start()
    chat.press("none_of_these")
    assert chat.question == "region" and chat.session.pending is not None


def test_an_old_button_leaves_the_country_question_waiting(asking: Engine) -> None:
    chat = Chat(asking, first_time=True)
    chat.start()
    chat.press("none_of_these")
    replies = chat.send(EventKind.CHOICE, "none_of_these", "rf_emergency")  # pressed twice
    assert replies[0].refused and replies[-1].key == "country.ask"
    chat.press("DE")
    assert chat.session.country == "DE" and chat.question == "rf_urine"
