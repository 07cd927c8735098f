"""The emergency number a screen names, always the person's own country's.

With no country the bot says "112 or your local emergency number" (112 reaches emergency
services from mobile phones in most countries) and never lists other countries' numbers:
a list of four foreign numbers slows down a person in danger.
"""

from __future__ import annotations

from bot.core.content import Catalog
from bot.core.countries.model import Country, MedicalLine

# The texts these functions need; every locale must have them (tests/core check it).
TEXT_KEYS = ("country.number_or", "country.local_number", "country.non_urgent")


class Numbers:
    """Emergency and non-urgent lines as text pieces for the screens' sentences."""

    def __init__(self, texts: Catalog) -> None:
        self._texts = texts

    def emergency_line(self, country: Country | None, locale: str) -> str:
        """``103 or 112`` for Russia, ``112`` for Germany, the generic line for no country.

        At most one other number follows the first. A country whose ambulance number we
        cannot verify gets the generic line too.
        """
        if country is None or country.ambulance is None:
            return self._texts.text("country.local_number", locale)
        if not country.also:
            return country.ambulance
        # One alternative at most: a list of numbers slows down someone in danger.
        return self._texts.text(
            "country.number_or", locale, first=country.ambulance, other=country.also[0]
        )

    def ambulance(self, country: Country | None) -> str:
        """The one number to call first, for a button or a first line; 112 when unknown."""
        return country.ambulance if country and country.ambulance else "112"

    def non_urgent(self, country: Country | None) -> MedicalLine | None:
        """The national line for problems that are not life-threatening, if there is one."""
        return country.non_urgent if country else None

    def non_urgent_sentence(self, country: Country | None, locale: str) -> str | None:
        """ "For urgent problems that are not life-threatening: NHS 111." or None."""
        line = self.non_urgent(country)
        if line is None:
            return None
        return self._texts.text("country.non_urgent", locale, line=line.text(locale))
