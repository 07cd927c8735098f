"""content/countries.yaml: every number is a real emergency number of its country.

The reference is the short-number emergency metadata of the phonenumbers library
(libphonenumber's ShortNumberMetadata). A number it does not know as an emergency number for
that country fails the test: fix the number, or leave it out (see README, "Adding a country").
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from phonenumbers import shortnumberinfo

from bot.core.countries import Country, CountryCatalog
from bot.core.countries.location import _zone_countries

CONTENT = Path(__file__).resolve().parents[2] / "content"
CATALOG = CountryCatalog.load(CONTENT)
COUNTRIES = sorted(CATALOG, key=lambda c: c.code)

EU = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE"
REQUIRED = (
    f"{EU} IS LI NO GB CH US CA MX BR AR AU NZ RU UA BY KZ UZ KG TJ AM AZ GE MD RS TR IL AE IN "
    "TH ID VN JP KR CN ZA"
).split()
# Countries whose ambulance number phonenumbers does not know: screens give them the generic
# "112 or your local emergency number". Serbia's 194 (since 2017) is missing upstream.
NO_VERIFIED_AMBULANCE = {"RS"}
MULTI_ZONE = {"US", "CA", "RU", "AU", "BR", "MX", "ID", "ES", "PT", "CL", "MN"}
# Clocks tzdata keeps in a country that get no button of their own (a typed city or a shared
# location still sets them): tiny places, an unofficial clock, a contested one.
NO_BUTTON = {
    "America/Adak": "the Aleutian Islands west of 169°W, a few hundred people",
    "Australia/Lord_Howe": "Lord Howe Island, a few hundred people",
    "Australia/Eucla": "Eucla, an unofficial clock of a few hundred people",
    "Pacific/Chatham": "the Chatham Islands, some 600 people",
    "Asia/Urumqi": "Xinjiang time, unofficial: China keeps one official clock",
    "Europe/Simferopol": "contested (see bot/core/countries/location.py)",
    "America/Blanc-Sablon": "Quebec's Lower North Shore, a few thousand people",
    "America/Atikokan": "northwestern Ontario without daylight saving, a few thousand",
    "America/Creston": "Creston, British Columbia",
    "America/Dawson_Creek": "northeastern British Columbia",
    "America/Fort_Nelson": "northeastern British Columbia",
    "America/Whitehorse": "Yukon, some 45,000 people",
    "America/Dawson": "Yukon",
    "America/Ojinaga": "Ojinaga, Chihuahua, on the Texas border",
}


def _digits(number: str) -> str:
    return number.replace(" ", "")


def test_every_required_country_is_covered() -> None:
    assert not set(REQUIRED) - {c.code for c in COUNTRIES}
    assert len(COUNTRIES) >= 80


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_every_emergency_number_is_known_to_phonenumbers(country: Country) -> None:
    for number in country.emergency_numbers:
        assert shortnumberinfo.is_emergency_number(_digits(number), country.code), (
            f"{country.code}: {number} is not an emergency number for this country in phonenumbers"
        )


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_the_non_urgent_line_is_not_an_emergency_number(country: Country) -> None:
    line = country.non_urgent
    if line is not None:
        assert not shortnumberinfo.is_emergency_number(_digits(line.number), country.code)


def test_only_the_known_gaps_lack_an_ambulance_number() -> None:
    assert {c.code for c in COUNTRIES if c.ambulance is None} == NO_VERIFIED_AMBULANCE


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_every_number_has_a_source(country: Country) -> None:
    numbers = [*country.emergency_numbers]
    if country.non_urgent:
        numbers.append(country.non_urgent.number)
    sources = CATALOG.sources[country.code]
    assert sorted(numbers) == sorted(sources)
    assert all(len(text) > 10 for text in sources.values())


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_both_names(country: Country) -> None:
    assert country.name("en").isascii()
    assert any("а" <= ch <= "я" for ch in country.name("ru").lower())


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_time_zones_exist_and_belong_to_the_country(country: Country) -> None:
    zones = available_timezones()
    for choice in country.zones:
        assert choice.zone in zones
        ZoneInfo(choice.zone)
        assert _zone_countries().get(choice.zone) == country.code, choice.zone


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda c: c.code)
def test_every_clock_tzdata_keeps_in_a_country_has_a_button(country: Country) -> None:
    """Zones keeping a different clock (January or July offset) in tzdata's zone.tab need a
    button, so the question is asked wherever it matters: the list follows the data."""

    def clock(zone: str) -> tuple[object, ...]:
        return tuple(ZoneInfo(zone).utcoffset(datetime(2026, m, 15)) for m in (1, 7))

    ours = {clock(z.zone) for z in country.zones}
    missing = [
        zone
        for zone, code in _zone_countries().items()
        if code == country.code and clock(zone) not in ours and zone not in NO_BUTTON
    ]
    assert missing == [], f"{country.code}: add a zone button for {missing}"


def test_multi_zone_countries_offer_a_choice() -> None:
    assert {c.code for c in COUNTRIES if len(c.zones) > 1} >= MULTI_ZONE
    # Kazakhstan has kept one clock since March 2024: no question to ask.
    kz = CATALOG.get("KZ")
    assert kz is not None and CATALOG.needs_zone_choice(kz) == ()
