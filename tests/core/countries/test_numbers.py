"""The number a screen names: the person's own country's, or the generic line."""

from __future__ import annotations

import pytest

from bot.core.content import Catalog
from bot.core.countries import TEXT_KEYS, CountryCatalog, Numbers


@pytest.fixture
def numbers(catalog: Catalog) -> Numbers:
    return Numbers(catalog)


@pytest.mark.parametrize(
    ("code", "en", "ru"),
    [
        ("RU", "103 or 112", "103 или 112"),
        ("DE", "112", "112"),
        ("IL", "101", "101"),
        ("US", "911", "911"),
        ("GB", "999 or 112", "999 или 112"),
        ("ZA", "10177 or 112", "10177 или 112"),
        ("ID", "119 or 112", "119 или 112"),  # one alternative at most
    ],
)
def test_the_ambulance_number_comes_first(
    numbers: Numbers, countries: CountryCatalog, code: str, en: str, ru: str
) -> None:
    country = countries.get(code)
    assert numbers.emergency_line(country, "en") == en
    assert numbers.emergency_line(country, "ru") == ru
    assert country is not None and numbers.ambulance(country) == en.split()[0]


def test_no_country_gets_112_or_the_local_number_never_a_list(numbers: Numbers) -> None:
    assert numbers.emergency_line(None, "en") == "112 or your local emergency number"
    assert numbers.emergency_line(None, "ru") == "112 или по местному номеру экстренной помощи"
    assert numbers.ambulance(None) == "112"


def test_a_country_without_a_verified_number_gets_the_generic_line(
    numbers: Numbers, countries: CountryCatalog
) -> None:
    serbia = countries.get("RS")
    assert numbers.emergency_line(serbia, "en") == numbers.emergency_line(None, "en")
    assert numbers.emergency_line(serbia, "ru") == numbers.emergency_line(None, "ru")


def test_non_urgent_lines(numbers: Numbers, countries: CountryCatalog) -> None:
    gb = countries.get("GB")
    line = numbers.non_urgent(gb)
    assert line is not None and line.number == "111"
    assert numbers.non_urgent_sentence(gb, "en") == (
        "For urgent problems that are not life-threatening: "
        "NHS 111 — in Northern Ireland, your GP's out-of-hours service."
    )
    ru_text = numbers.non_urgent_sentence(countries.get("CA"), "ru")
    assert ru_text is not None and "811" in ru_text and "провинции" in ru_text
    ru_line = numbers.non_urgent_sentence(countries.get("RU"), "ru")
    assert ru_line is not None and "вызов врача на дом" in ru_line and "doctor" not in ru_line


def test_a_country_without_a_non_urgent_line_gets_none(
    numbers: Numbers, countries: CountryCatalog
) -> None:
    assert numbers.non_urgent(countries.get("TR")) is None
    assert numbers.non_urgent_sentence(countries.get("TR"), "ru") is None
    assert numbers.non_urgent_sentence(None, "en") is None


def test_the_texts_exist_in_every_locale(catalog: Catalog) -> None:
    keys = (*TEXT_KEYS, "country.ask", "country.unknown", "country.location_privacy")
    for locale in catalog.locales:
        for key in keys:
            assert catalog.has(key, locale), (locale, key)
    assert catalog.text("country.unknown", "en", country="/country") == (
        "I don't know that country: type its name, or send /country to pick."
    )
