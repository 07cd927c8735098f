"""Emergency numbers by region: every escalation names the number the person must call.

The numbers are facts, not wording, so they live here as data; region names and the sentences
around them are content. When the region is unknown the bot lists every number and offers
``/region``; it never guesses a single number for someone it cannot place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    """Where the person is, as far as emergency services go."""

    id: str
    emergency: str
    urgent: str | None = None
    also: str | None = None  # a second emergency number people there also know
    zone: str | None = None  # the time zone most people there live in (None: too many)

    @property
    def call(self) -> str:
        """The number(s) to print in "call ... now"."""
        return f"{self.emergency} / {self.also}" if self.also else self.emergency


REGIONS: dict[str, Region] = {
    r.id: r
    for r in (
        Region("eu", "112", zone="Europe/Berlin"),
        Region("uk", "999", "111", zone="Europe/London"),
        Region("us", "911"),
        Region("ca", "911"),
        Region("ru", "112", "103", also="103", zone="Europe/Moscow"),
        Region("au", "000", also="112", zone="Australia/Sydney"),
    )
}

_BY_COUNTRY = {"gb": "uk", "uk": "uk", "us": "us", "ca": "ca", "ru": "ru", "au": "au"}
_EU_LANGUAGES = frozenset(
    [
        "bg",
        "cs",
        "da",
        "de",
        "el",
        "es",
        "et",
        "fi",
        "fr",
        "ga",
        "hr",
        "hu",
        "it",
        "lt",
        "lv",
        "mt",
        "nl",
        "pl",
        "pt",
        "ro",
        "sk",
        "sl",
        "sv",
    ]
)


def region_from_locale(tag: str | None) -> str | None:
    """A region from a language tag such as ``en-GB`` or ``ru``; None when unsure.

    A bare ``en`` could be anywhere, so it gives None and the bot shows every number.
    """
    if not tag:
        return None
    parts = tag.replace("_", "-").lower().split("-")
    if len(parts) > 1 and parts[-1] in _BY_COUNTRY:
        return _BY_COUNTRY[parts[-1]]
    if parts[0] == "ru":
        return "ru"
    if parts[0] in _EU_LANGUAGES:
        return "eu"
    return None


_EU_COUNTRIES = frozenset(
    {"at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu"}
    | {"ie", "it", "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si", "sk"}
)


def region_from_country(code: str | None) -> str | None:
    """The region of an ISO 3166-1 alpha-2 code (a deep link, a shared location); None when
    no region fits, so the bot keeps listing every number rather than guess one."""
    if not code:
        return None
    code = code.lower()
    return _BY_COUNTRY.get(code) or ("eu" if code in _EU_COUNTRIES else None)
