"""Which of a country's clocks someone means: a button, a typed city or a UTC offset.

The buttons name the zones most people live in (``content/countries.yaml``). People also
type: a city on a button ("chicago", "новосибирск"), a city tzdata knows in that country but
no button names ("detroit" keeps Eastern time, so it is stored as America/Detroit), or an
offset ("UTC-5", "GMT+10", "MSK+4"). When two clocks fit equally well the answer is None and
the buttons are offered again: a wrong zone would wake someone at night.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.countries.location import zones_of
from bot.core.countries.model import Country
from bot.core.countries.names import normalize, russian_forms

_OFFSET = re.compile(
    r"^\s*(?P<base>utc|gmt|msk|мск)?\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>[0-5]\d))?\s*$",
    re.IGNORECASE,
)
_MOSCOW = timedelta(hours=3)
# Leading words: "in Chicago", "near Perth", "я в Омске", "город Самара".
_LEAD = re.compile(r"^(?:(?:i am|i'm|im|in|near|at|the|city|я|в|во|под|город|г)\s+)+")
_FUZZY_FROM = 5


def city_of(zone: str) -> str:
    """``America/Los_Angeles`` -> "Los Angeles"; ``America/Indiana/Indianapolis`` ->
    "Indianapolis"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def match_zone(country: Country, text: str, when: float) -> str | None:
    """The IANA zone ``text`` picks in ``country`` (at time ``when``), or None if unclear."""
    offset = _offset(text)
    if offset is not None:
        return _by_offset(country, offset, when)
    key = normalize(text)
    key = _LEAD.sub("", key) or key
    if not key:
        return None
    names = _names(country)
    if key in names:
        return names[key]
    return _closest(key, names)


def _offset(text: str) -> timedelta | None:
    found = _OFFSET.match(text)
    if found is None:
        return None
    sign = -1 if found["sign"] in "-−" else 1
    delta = sign * timedelta(hours=int(found["h"]), minutes=int(found["m"] or 0))
    moscow = (found["base"] or "").lower() in ("msk", "мск")
    return delta + _MOSCOW if moscow else delta


def _by_offset(country: Country, offset: timedelta, when: float) -> str | None:
    """The one button (else the one tzdata zone of the country) on that clock right now."""
    moment = datetime.fromtimestamp(when, ZoneInfo("UTC"))

    def fits(zones: list[str]) -> list[str]:
        return [z for z in zones if moment.astimezone(ZoneInfo(z)).utcoffset() == offset]

    buttons = fits([z.zone for z in country.zones])
    if len(buttons) == 1:
        return buttons[0]
    if buttons:
        return None  # two buttons keep that clock now (Mountain and Arizona in winter)
    others = fits(zones_of(country.code))
    return others[0] if len(others) == 1 else None


def _names(country: Country) -> dict[str, str | None]:
    """Every typed form -> its zone; a form two zones share maps to None (ask again)."""
    names: dict[str, str | None] = {}

    def add(text: str, zone: str) -> None:
        for form in russian_forms(text.strip()):  # "Омск" -> омск, омске
            if form:
                names[form] = zone if names.get(form, zone) == zone else None

    listed = {z.zone for z in country.zones}
    for choice in country.zones:
        for label in (choice.en, choice.ru):
            add(label, choice.zone)
            for piece in re.split(r"[(),/]|\band\b|\bи\b", label):
                add(piece, choice.zone)
        add(city_of(choice.zone), choice.zone)
    for zone in zones_of(country.code):
        if zone not in listed:
            names.setdefault(normalize(city_of(zone)), zone)
    return names


def _closest(key: str, names: dict[str, str | None]) -> str | None:
    """A typo of one name, when no other zone's name is about as close."""
    if len(key) < _FUZZY_FROM:
        return None
    allowed = 1 if len(key) <= 7 else 2
    forms = [form for form, zone in names.items() if zone is not None]
    hits = process.extract(key, forms, scorer=OSA.distance, limit=None, score_cutoff=allowed + 1)
    if not hits:
        return None
    best_form, best, _ = min(hits, key=lambda hit: hit[1])
    if best > allowed or best_form[0] != key[0]:
        return None
    zone = names[best_form]
    if any(names[form] != zone and dist <= best + 1 for form, dist, _ in hits):
        return None
    return zone
