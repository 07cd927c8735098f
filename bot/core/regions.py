"""Emergency numbers by region: every escalation names the number the person must call.

The numbers are facts, not wording, so they live here as data; region names and the sentences
around them (and each region's non-urgent line) are content. When the region is unknown the
bot says "112 or your local emergency number" and offers ``/region``; it never guesses a
number from the language of the chat.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    """Where the person is, as far as emergency services go."""

    id: str
    emergency: str
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
        Region("uk", "999", zone="Europe/London"),
        Region("us", "911"),
        Region("ca", "911"),
        Region("ru", "112", also="103", zone="Europe/Moscow"),
        Region("au", "000", also="112", zone="Australia/Sydney"),
    )
}
