"""The countries the bot knows, and the questions screens ask about them.

Language and platform hints (``en-GB``, ``pt-BR``, a Telegram ``language_code``) only order
the buttons the person picks from; they never choose a country for anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from bot.core.countries.model import Country, CountryData, ZoneChoice, load_country_data
from bot.core.countries.names import NameClash, NameIndex
from bot.core.errors import ContentError

FILE_NAME = "countries.yaml"


class CountryCatalog:
    """Countries by ISO 3166-1 alpha-2 code, with name lookup and button ordering."""

    def __init__(self, data: CountryData) -> None:
        self._data = data
        self._names = NameIndex(data.countries)

    @classmethod
    def load(cls, content: Path) -> CountryCatalog:
        """Read ``<content>/countries.yaml`` (the content folder holds it next to en/ru).

        Any problem raises ContentError naming the file, the line and the key.
        """
        path = content / FILE_NAME
        data = load_country_data(path)
        try:
            return cls(data)
        except NameClash as exc:
            raise ContentError(
                str(exc), file=path, line=data.lines.get(exc.second), key=f"countries.{exc.second}"
            ) from exc

    def __len__(self) -> int:
        return len(self._data.countries)

    def __iter__(self) -> Iterator[Country]:
        return iter(self._data.countries.values())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self._data.countries

    @property
    def sources(self) -> Mapping[str, Mapping[str, str]]:
        """Code -> number -> the official page it was taken from."""
        return self._data.sources

    def get(self, code: str | None) -> Country | None:
        """The country for ``code`` (any case), None for no code or one we have no data for."""
        return self._data.countries.get(code.upper()) if code else None

    def resolve(self, text: str, *, from_command: bool = False) -> Country | None:
        """What the person typed ("de", "🇩🇪", "germany", "в германии", "германя") -> Country.

        None means unknown or unclear: ask again rather than guess. ``from_command`` says the
        text is the argument of ``/country``, where a bare code such as "no" is Norway.
        """
        return self.get(self._names.resolve(text, from_command=from_command))

    def likely(self, locale_hints: Iterable[str | None], limit: int = 6) -> list[str]:
        """Codes for the country buttons, the likeliest first.

        A region in a hint comes first (``en-GB`` -> GB, ``pt-BR`` -> BR), then the countries
        that speak each hint's language, then the file's fallback list.
        """
        tags = [t.replace("_", "-").split("-") for t in locale_hints if t]
        order: list[str] = []
        for parts in tags:
            order.extend(p.upper() for p in parts[1:] if len(p) == 2)
        for parts in tags:
            order.extend(self._data.likely.get(parts[0].lower(), ()))
        order.extend(self._data.fallback)
        seen: list[str] = []
        for code in order:
            if code in self._data.countries and code not in seen:
                seen.append(code)
        return seen[:limit]

    def needs_zone_choice(self, country: Country | None) -> tuple[ZoneChoice, ...]:
        """The zones to offer when ``country`` keeps several clocks; empty when it has one."""
        if country is None or len(country.zones) < 2:
            return ()
        return country.zones

    def zone_choice(self, country: Country, zone: str) -> ZoneChoice | None:
        """The choice for ``zone`` if it is one of ``country``'s (a button payload is checked)."""
        return next((z for z in country.zones if z.zone == zone), None)
