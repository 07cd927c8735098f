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


def language_of(tag: str) -> str:
    """``pt-BR`` -> ``pt``: the language subtag of a BCP 47 tag, lower case."""
    return tag.replace("_", "-").split("-")[0].lower()


def region_of(tag: str) -> str | None:
    """The region subtag of a BCP 47 language tag, if it names a country.

    ``en-GB`` -> GB, ``pt-br`` (Telegram) -> BR, ``zh-Hant-TW`` -> TW, ``sr_Latn_RS`` -> RS;
    ``uk`` (Ukrainian), ``es-419`` (Latin America), ``zh-hans`` (a script) and
    ``en-u-ca-gregory`` (an extension) -> None. Only a two-letter subtag right after the
    language, or after its script, is a region; anything later is a variant or extension.
    """
    parts = tag.replace("_", "-").split("-")[1:3]
    if parts and len(parts[0]) == 4 and parts[0].isalpha():
        parts = parts[1:]  # a script: Latn, Cyrl, Hant
    first = parts[0] if parts else ""
    return first.upper() if len(first) == 2 and first.isascii() and first.isalpha() else None


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
        tags = [t for t in locale_hints if t]
        order = [code for code in map(region_of, tags) if code]
        for tag in tags:
            order.extend(self._data.likely.get(language_of(tag), ()))
        order.extend(self._data.fallback)
        seen: list[str] = []
        for code in order:
            if code in self._data.countries and code not in seen:
                seen.append(code)
        return seen[:limit]

    def suggest(
        self, typed: str, locale_hints: Iterable[str | None], limit: int = 25
    ) -> list[Country]:
        """The countries to offer while someone types (Discord's autocomplete).

        With nothing typed, the likeliest for the hints (the same as the buttons); else the
        country the text names (typos forgiven, a flag, a code) first, then every country
        with a name starting with it, the likeliest for the hints first.
        """
        hints = list(locale_hints)
        if not typed.strip():
            return [c for c in map(self.get, self.likely(hints, limit)) if c is not None]
        named = self.resolve(typed, from_command=True)
        rank = {code: i for i, code in enumerate(self.likely(hints, limit=len(self)))}
        codes = sorted(self._names.starting(typed), key=lambda c: rank.get(c, len(rank)))
        if named is not None:
            codes = [named.code, *(c for c in codes if c != named.code)]
        return [c for c in map(self.get, codes[:limit]) if c is not None]

    def needs_zone_choice(self, country: Country | None) -> tuple[ZoneChoice, ...]:
        """The zones to offer when ``country`` keeps several clocks; empty when it has one."""
        if country is None or len(country.zones) < 2:
            return ()
        return country.zones

    def zone_choice(self, country: Country, zone: str) -> ZoneChoice | None:
        """The choice for ``zone`` if it is one of ``country``'s (a button payload is checked)."""
        return next((z for z in country.zones if z.zone == zone), None)
