"""``content/countries.yaml`` -> checked, frozen :class:`Country` records.

The file is untrusted operator input, so it is read through pydantic models and every problem
is reported with the file, the line and the key. What leaves this module is plain frozen
dataclasses: the rest of the bot never sees the YAML shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.core.errors import ContentError
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml, parse

LOCALES = ("en", "ru")
_CODE = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")  # ISO 639-1 or -3: "en", "ru", "fil"
Number = Annotated[str, StringConstraints(pattern=r"^#?[0-9][0-9 ]*[0-9]$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


@dataclass(frozen=True, slots=True)
class MedicalLine:
    """A line for problems that are not life-threatening (NHS 111, 116 117, 811, ...)."""

    number: str
    name: Mapping[str, str]
    note: Mapping[str, str]

    def text(self, locale: str) -> str:
        """``NHS 111`` or ``811 (health line) — the service ... varies by province``."""
        name = self.name.get(locale) or self.name["en"]
        note = self.note.get(locale) or self.note.get("en")
        return f"{name} — {note}" if note else name


@dataclass(frozen=True, slots=True)
class ZoneChoice:
    """One time zone a person in a multi-zone country can pick, with its button labels."""

    zone: str
    en: str
    ru: str

    def label(self, locale: str) -> str:
        """The button label in ``locale`` (English when we have no other)."""
        return self.ru if locale == "ru" else self.en


@dataclass(frozen=True, slots=True)
class Country:
    """Where the person is, as far as emergency numbers and the clock go."""

    code: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    ambulance: str | None
    also: tuple[str, ...]
    non_urgent: MedicalLine | None
    zones: tuple[ZoneChoice, ...]

    def name(self, locale: str) -> str:
        """The country's name in ``locale`` (English when we have no other)."""
        return self.names.get(locale) or self.names["en"]

    @property
    def zone(self) -> str:
        """The time zone to use until the person picks one."""
        return self.zones[0].zone

    @property
    def flag(self) -> str:
        """🇩🇪 for DE: two regional-indicator letters."""
        return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in self.code)

    @property
    def emergency_numbers(self) -> tuple[str, ...]:
        """Every number that reaches an ambulance, the one to call first first."""
        return (self.ambulance, *self.also) if self.ambulance else ()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Note(_Strict):
    en: Text
    ru: Text


class _MedicalLine(_Strict):
    number: Number
    name: Text | _Note
    note: _Note | None = None


class _Zone(_Strict):
    zone: Text
    en: Text
    ru: Text


class _Country(_Strict):
    en: Text
    ru: Text
    aliases: list[Text] = Field(default_factory=list)
    ambulance: Number | None = None
    also: list[Number] = Field(default_factory=list)
    non_urgent: _MedicalLine | None = None
    zones: list[Text | _Zone] = Field(min_length=1)
    sources: dict[str, Text] = Field(default_factory=dict)


class _File(_Strict):
    likely: dict[str, list[str]] = Field(default_factory=dict)
    fallback: list[str] = Field(default_factory=list)
    countries: dict[str, _Country] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CountryData:
    """Everything the file says: countries by code and the button order per language."""

    countries: Mapping[str, Country]
    likely: Mapping[str, tuple[str, ...]]
    fallback: tuple[str, ...]
    sources: Mapping[str, Mapping[str, str]]  # code -> number -> where it comes from
    lines: Mapping[str, int]  # code -> the line of its key, for errors found later


def load_country_data(path: Path) -> CountryData:
    """Read and check ``path``; the first problem raises ContentError with file:line:key."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise ContentError(exc.problem, file=path, line=exc.line) from exc
    raw = parse(_File, doc, ContentError)
    countries = {code: _country(doc, code, spec) for code, spec in raw.countries.items()}
    for lang in raw.likely:
        if not _LANGUAGE.match(lang):
            raise _fail(
                doc, "a language key is an ISO 639 code in lower case: en, ru", "likely", lang
            )
    for key, codes in (
        ("fallback", raw.fallback),
        *((f"likely.{lang}", codes) for lang, codes in raw.likely.items()),
    ):
        for code in codes:
            if code not in countries:
                raise _fail(doc, f"{code!r} is not a country in this file", *key.split("."))
    return CountryData(
        countries=countries,
        likely={lang: tuple(codes) for lang, codes in raw.likely.items()},
        fallback=tuple(raw.fallback),
        sources={code: dict(spec.sources) for code, spec in raw.countries.items()},
        lines={code: doc.line("countries", code) or 1 for code in raw.countries},
    )


def _country(doc: YamlDoc, code: str, spec: _Country) -> Country:
    if not _CODE.match(code):
        raise _fail(
            doc, "a country key is an ISO 3166-1 alpha-2 code in capitals", "countries", code
        )
    numbers = [*([spec.ambulance] if spec.ambulance else []), *spec.also]
    if spec.also and not spec.ambulance:
        raise _fail(doc, "'also' needs an 'ambulance' number first", "countries", code, "also")
    if len(set(numbers)) != len(numbers):
        raise _fail(doc, "a number is listed twice", "countries", code)
    if spec.non_urgent:
        numbers.append(spec.non_urgent.number)
    for number in numbers:
        if number not in spec.sources:
            raise _fail(doc, f"number {number!r} needs a source", "countries", code, "sources")
    for number in spec.sources:
        if number not in numbers:
            raise _fail(
                doc,
                f"a source for {number!r}, which is not listed",
                "countries",
                code,
                "sources",
                number,
            )
    zones = tuple(
        ZoneChoice(z, spec.en, spec.ru) if isinstance(z, str) else ZoneChoice(z.zone, z.en, z.ru)
        for z in spec.zones
    )
    line = spec.non_urgent
    return Country(
        code=code,
        names={"en": spec.en, "ru": spec.ru},
        aliases=tuple(spec.aliases),
        ambulance=spec.ambulance,
        also=tuple(spec.also),
        non_urgent=MedicalLine(
            number=line.number,
            name=_texts(line.name),
            note=_texts(line.note) if line.note else {},
        )
        if line
        else None,
        zones=zones,
    )


def _texts(value: str | _Note) -> dict[str, str]:
    if isinstance(value, str):
        return dict.fromkeys(LOCALES, value)
    return {"en": value.en, "ru": value.ru}


def _fail(doc: YamlDoc, message: str, *keys: str | int) -> ContentError:
    key = ".".join(str(k) for k in keys) or None
    return ContentError(message, file=doc.path, line=doc.line(*keys), key=key)
