"""Every number a screen names follows the person's country (content/countries.yaml)."""

from __future__ import annotations

import re

import pytest

from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.messages import EventKind, ReplyKind
from bot.core.session import Session
from tests.conftest import Chat
from tests.core.walk import walk


def first_line(chat: Chat) -> str:
    return next(r for r in chat.replies if r.kind is ReplyKind.OUTCOME).text.split("\n")[0]


@pytest.mark.parametrize(
    ("typed", "locale", "line"),
    [
        ("de", "en", "📞 Call 112 now."),
        ("germany", "en", "📞 Call 112 now."),
        ("🇮🇱", "ru", "📞 Звоните 101"),
        ("израиль", "ru", "📞 Звоните 101"),
        ("казахстан", "ru", "📞 Звоните 103"),
        ("ru", "en", "📞 Call 103"),
    ],
)
def test_the_ambulance_line_carries_the_countrys_number(
    engine: Engine, typed: str, locale: str, line: str
) -> None:
    chat = Chat(engine, locale=locale)
    chat.send(EventKind.REGION, typed)
    assert chat.session.country is not None
    walk(chat, {"rf_emergency": "faint"})
    assert first_line(chat).startswith(line)


@pytest.mark.parametrize(
    ("code", "line"),
    [("GB", "111"), ("DE", "116 117"), ("CA", "811"), ("AU", "1800 022 222"), ("RU", "122")],
)
def test_doctor_screens_name_the_countrys_non_urgent_line(
    engine: Engine, code: str, line: str
) -> None:
    chat = Chat(engine)
    chat.send(EventKind.REGION, code)
    walk(chat, {"course": "over_three_days"})
    assert line in next(r for r in chat.replies if r.kind is ReplyKind.OUTCOME).text


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_an_unknown_country_changes_nothing_and_asks_again(engine: Engine, locale: str) -> None:
    chat = Chat(engine, locale=locale)
    chat.start()
    replies = chat.send(EventKind.REGION, "atlantis")
    assert replies[0].key == "country.unknown"
    assert chat.session.country is None
    assert chat.question == "region" and len(chat.choices) >= 3


def test_the_menu_lists_likely_countries_for_the_language(engine: Engine) -> None:
    chat = Chat(engine, locale="ru")
    chat.start()
    chat.send(EventKind.REGION)
    assert "RU" in chat.choices and any("🇷🇺" in c.label for c in chat.replies[-1].choices)
    chat.press("KZ")
    assert chat.session.country == "KZ"
    assert chat.question == "rf_emergency", "back to where they were"


def test_the_country_survives_storage(engine: Engine) -> None:
    from bot.core.session import Session

    chat = Chat(engine)
    chat.send(EventKind.REGION, "de")
    assert Session.from_json(chat.session.to_json()).country == "DE"


def test_the_result_shows_the_country_with_a_change_button(engine: Engine) -> None:
    chat = Chat(engine)
    chat.send(EventKind.REGION, "de")
    walk(chat)
    labels = {c.id: c.label for c in chat.replies[-1].choices}
    assert labels["set_region"] == "🇩🇪 Change country"
    chat.press("set_region")
    chat.press("AT")
    assert chat.session.country == "AT"
    assert any(r.kind is ReplyKind.OUTCOME for r in chat.replies), "the result, renumbered"


SAMPLE = ["US", "GB", "DE", "RU", "IL", "AU", "IN", "KZ", "JP", "NZ", "BR", "TR", None]


def _has(text: str, number: str) -> bool:
    return re.search(rf"(?<!\d){re.escape(number)}(?![\d])", text) is not None


@pytest.mark.parametrize("locale", ["en", "ru"])
@pytest.mark.parametrize("code", SAMPLE)
def test_every_text_naming_a_number_names_only_the_persons(
    engine: Engine, countries: CountryCatalog, locale: str, code: str | None
) -> None:
    """Each text with ``{number}`` (welcome, warnings, the hospital question, results,
    reminders, /about, errors, the summary...) rendered for a person in ``code``: it names
    their country's number, or "112 or your local emergency number" with none, and never
    another country's emergency number."""
    country = countries.get(code)
    own = set(country.emergency_numbers) if country else {"112"}
    foreign = {n for c in countries for n in c.emergency_numbers if len(n) >= 3 and n not in own}
    session = Session(user="u", locale=locale, country=code)
    expected = engine.render.numbers(session)["number"]
    keys = [
        k for k in engine.catalog.texts[locale] if "{number}" in str(engine.catalog.raw(k, locale))
    ]
    assert len(keys) >= 15
    for key in keys:
        text = engine.render.t(key, session, **_FILLERS)
        assert expected in text, key
        wrong = sorted(n for n in foreign if _has(text, n))
        assert wrong == [], f"{key} names {wrong} for {code}"
    if country is None:
        assert expected == engine.catalog.text("ui.number_unknown", locale)


_FILLERS = {
    "finding": "x", "facts": "x", "label": "x", "date": "x", "level": "x", "answer": "x",
    "answers": "x", "country": "x", "zone": "x", "line": "x",
}  # fmt: skip
