"""A shared location -> country and zone, offline; nothing but those two comes back."""

from __future__ import annotations

import math

import pytest

from bot.core.countries import CountryCatalog, from_location


@pytest.mark.parametrize(
    ("lat", "lon", "code", "zone"),
    [
        (52.52, 13.40, "DE", "Europe/Berlin"),  # Berlin
        (55.75, 37.62, "RU", "Europe/Moscow"),  # Moscow
        (43.24, 76.95, "KZ", "Asia/Almaty"),  # Almaty
        (32.08, 34.78, "IL", "Asia/Jerusalem"),  # Tel Aviv
        (25.20, 55.27, "AE", "Asia/Dubai"),  # Dubai
        (-33.87, 151.21, "AU", "Australia/Sydney"),  # Sydney
        (40.71, -74.01, "US", "America/New_York"),  # New York
        (47.14, 9.52, "LI", "Europe/Vaduz"),  # Vaduz: a small country with its own zone
    ],
)
def test_cities(lat: float, lon: float, code: str, zone: str) -> None:
    assert from_location(lat, lon) == (code, zone)


@pytest.mark.parametrize(
    ("lat", "lon", "code"),
    [
        (48.58, 7.75, "FR"),  # Strasbourg ...
        (48.57, 7.82, "DE"),  # ... and Kehl, across the Rhine
        (59.377, 28.19, "EE"),  # Narva ...
        (59.375, 28.215, "RU"),  # ... and Ivangorod, across the Narva river
        (47.56, 7.59, "CH"),  # Basel ...
        (47.59, 7.56, "FR"),  # ... and Saint-Louis
    ],
)
def test_both_sides_of_a_border(lat: float, lon: float, code: str) -> None:
    assert from_location(lat, lon)[0] == code


def test_the_open_sea_gives_nothing() -> None:
    assert from_location(40.0, -40.0) == (None, None)  # mid-Atlantic
    assert from_location(-30.0, 80.0) == (None, None)  # Indian Ocean


def test_antarctica_gives_nothing() -> None:
    assert from_location(-80.0, 0.0) == (None, None)


def test_a_contested_zone_keeps_the_zone_but_asks_for_the_country() -> None:
    assert from_location(44.95, 34.10) == (None, "Europe/Simferopol")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91.0, 0.0), (-91.0, 0.0), (0.0, 181.0), (math.nan, 0.0), (0.0, math.inf)],
)
def test_invalid_coordinates_give_nothing(lat: float, lon: float) -> None:
    assert from_location(lat, lon) == (None, None)


def test_a_country_we_have_no_data_for_still_gives_its_code_and_zone(
    countries: CountryCatalog,
) -> None:
    code, zone = from_location(-1.29, 36.82)  # Nairobi
    assert (code, zone) == ("KE", "Africa/Nairobi")
    assert countries.get(code) is None  # the caller keeps the zone and asks for the country
