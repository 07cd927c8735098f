"""A shared location -> country and time zone, offline, keeping nothing else.

tzfpy finds the IANA zone of a point from boundary data inside its wheel (no network, no
numpy); tzdata's ``zone.tab`` then names the country of that zone. Only the code and the zone
leave this module: the coordinates are never stored or logged.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources

# Zones the tz database assigns to more than one country in dispute: we ask instead.
_CONTESTED = frozenset({"Europe/Simferopol"})
# South of 60°S (the Antarctic Treaty area) the boundary data names the zones of claimants'
# stations (-80, 0 is "Africa/Johannesburg"), which would put a person in the wrong country.
_ANTARCTIC = -60.0


def from_location(lat: float, lon: float) -> tuple[str | None, str | None]:
    """``(country_code, zone)`` for a point; ``(None, None)`` at sea, in Antarctica, or for
    invalid input.

    The code is any ISO 3166-1 alpha-2 code, including countries the catalog has no data for
    (the caller then keeps the zone and asks for the country). A contested zone gives
    ``(None, zone)``.
    """
    if not _valid(lat, lon) or lat < _ANTARCTIC:
        return None, None
    import tzfpy  # on first use: its boundary data costs ~30 MB and ~1 s to load

    zone = tzfpy.get_tz(lon, lat)
    if not zone or zone.startswith("Etc/"):  # open sea: nautical zones only
        return None, None
    if zone in _CONTESTED:
        return None, zone
    return _zone_countries().get(zone), zone


def country_of_zone(zone: str) -> str | None:
    """The country tzdata's ``zone.tab`` gives ``zone`` (``America/Detroit`` -> US)."""
    return _zone_countries().get(zone)


def zones_of(code: str) -> list[str]:
    """Every zone ``zone.tab`` lists for the country ``code``, in the file's order."""
    return [zone for zone, country in _zone_countries().items() if country == code]


def _valid(lat: float, lon: float) -> bool:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


@cache
def _zone_countries() -> dict[str, str]:
    """Zone -> country from tzdata's ``zone.tab`` (one country per zone)."""
    table = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    result: dict[str, str] = {}
    for row in table.splitlines():
        if row and not row.startswith("#"):
            code, _coords, zone, *_ = row.split("\t")
            result[zone] = code
    return result
