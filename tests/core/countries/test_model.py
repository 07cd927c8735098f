"""A broken countries file: one precise line for the operator (file, line, key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.countries import CountryCatalog, load_country_data
from bot.core.errors import ContentError

GOOD = """\
likely:
  de: [DE]
fallback: [DE]
countries:
  DE:
    en: Germany
    ru: Германия
    ambulance: "112"
    zones: [Europe/Berlin]
    sources:
      "112": "bbk.bund.de, Notruf 112"
"""


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "countries.yaml"
    path.write_text(text, encoding="utf-8")
    load_country_data(path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ContentError) as info:
        _load(tmp_path, text)
    return str(info.value).removeprefix(str(tmp_path) + "/")


def test_the_good_file_loads(tmp_path: Path) -> None:
    _load(tmp_path, GOOD)


def test_a_number_with_letters(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace('ambulance: "112"', 'ambulance: "11two"'))
    assert message.startswith("countries.yaml:8: countries.DE.ambulance: String should match")


def test_a_number_without_a_source(tmp_path: Path) -> None:
    text = GOOD.replace('ambulance: "112"', 'ambulance: "112"\n    also: ["110"]')
    assert _error(tmp_path, text) == (
        "countries.yaml:11: countries.DE.sources: number '110' needs a source"
    )


def test_a_source_for_a_number_not_listed(tmp_path: Path) -> None:
    text = GOOD + '      "110": "somewhere"\n'
    assert _error(tmp_path, text) == (
        "countries.yaml:12: countries.DE.sources.110: a source for '110', which is not listed"
    )


def test_an_unknown_code_in_the_button_lists(tmp_path: Path) -> None:
    assert _error(tmp_path, GOOD.replace("de: [DE]", "de: [DE, AT]")) == (
        "countries.yaml:2: likely.de: 'AT' is not a country in this file"
    )


def test_norway_read_as_a_boolean(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace("de: [DE]", "de: [DE, NO]"))
    assert message.startswith("countries.yaml:2: likely.de[1]: Input should be a valid string")
    assert "put the text in quotes" in message


def test_a_missing_name(tmp_path: Path) -> None:
    assert _error(tmp_path, GOOD.replace("    ru: Германия\n", "")) == (
        "countries.yaml:5: countries.DE.ru: missing: this key is required"
    )


def test_an_unknown_field(tmp_path: Path) -> None:
    message = _error(tmp_path, GOOD.replace("    zones:", "    zone: Europe/Berlin\n    zones:"))
    assert message == "countries.yaml:9: countries.DE.zone: unknown key"


def test_a_bad_zone_entry(tmp_path: Path) -> None:
    text = GOOD.replace("zones: [Europe/Berlin]", "zones:\n      - {zone: Europe/Berlin}")
    assert _error(tmp_path, text).startswith("countries.yaml:10: countries.DE.zones[0]")


def test_a_lower_case_code(tmp_path: Path) -> None:
    assert _error(tmp_path, GOOD.replace("  DE:", "  de:").replace("[DE]", "[de]")) == (
        "countries.yaml:5: countries.de: a country key is an ISO 3166-1 alpha-2 code in capitals"
    )


def test_a_name_shared_by_two_countries(tmp_path: Path) -> None:
    second = GOOD.split("countries:\n")[1].replace("DE:", "AT:").replace("Germany", "germany")
    (tmp_path / "countries.yaml").write_text(GOOD + second, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        CountryCatalog.load(tmp_path)
    assert str(info.value).removeprefix(str(tmp_path) + "/") == (
        "countries.yaml:12: countries.AT: 'germany' names both DE and AT: keep it for one of them"
    )


def test_invalid_yaml(tmp_path: Path) -> None:
    assert _error(tmp_path, "countries: [\n").startswith("countries.yaml:2: invalid YAML")


def test_a_language_key_that_is_no_language_code(tmp_path: Path) -> None:
    assert _error(tmp_path, GOOD.replace("  de: [DE]", "  German: [DE]")) == (
        "countries.yaml:2: likely.German: a language key is an ISO 639 code in lower case: en, ru"
    )
