"""Button order from hints, zone questions, and lookups by code."""

from __future__ import annotations

from bot.core.countries import CountryCatalog
from bot.core.countries.catalog import region_of


def test_get_by_code_in_any_case(countries: CountryCatalog) -> None:
    de = countries.get("de")
    assert de is not None and de.code == "DE" and countries.get("DE") is de
    assert de.name("en") == "Germany" and de.name("ru") == "Германия"
    assert de.name("fr") == "Germany"
    assert de.flag == "🇩🇪"
    assert de.zone == "Europe/Berlin"
    assert countries.get("XX") is None
    assert countries.get(None) is None
    assert "de" in countries and "xx" not in countries


def test_a_region_in_the_hint_comes_first(countries: CountryCatalog) -> None:
    assert countries.likely(["en-GB"])[0] == "GB"
    assert countries.likely(["pt-BR"])[:2] == ["BR", "PT"]
    assert countries.likely(["pt_PT"])[:2] == ["PT", "BR"]
    assert countries.likely(["en-US", "ru"])[:2] == ["US", "GB"]


def test_the_language_orders_the_rest(countries: CountryCatalog) -> None:
    assert countries.likely(["ru"])[:4] == ["RU", "KZ", "BY", "UA"]
    assert countries.likely(["de"])[:3] == ["DE", "AT", "CH"]
    assert countries.likely(["es-419"])[:2] == ["ES", "MX"]  # 419: Latin America, not a code
    assert countries.likely(["uk"])[0] == "UA"  # uk is Ukrainian, not the United Kingdom


def test_without_hints_the_fallback_fills_the_buttons(countries: CountryCatalog) -> None:
    assert countries.likely([]) == ["US", "GB", "DE", "RU"]
    assert countries.likely([None, "xx-QQ"]) == ["US", "GB", "DE", "RU"]
    assert len(countries.likely(["ru"], limit=3)) == 3
    assert len(set(countries.likely(["ru", "en"], limit=20))) == len(
        countries.likely(["ru", "en"], limit=20)
    )


def test_several_clocks_mean_a_short_zone_question(countries: CountryCatalog) -> None:
    us = countries.get("US")
    assert us is not None
    choices = countries.needs_zone_choice(us)
    assert [c.zone for c in choices][:2] == ["America/New_York", "America/Chicago"]
    assert choices[0].label("en").startswith("Eastern") and choices[0].label("ru").startswith(
        "Восточное"
    )
    for code in ("CA", "RU", "AU", "BR", "MX", "ID"):
        assert 2 <= len(countries.needs_zone_choice(countries.get(code))) <= 11
    assert countries.needs_zone_choice(countries.get("DE")) == ()
    assert countries.needs_zone_choice(None) == ()


def test_a_zone_payload_must_belong_to_the_country(countries: CountryCatalog) -> None:
    ru = countries.get("RU")
    assert ru is not None
    choice = countries.zone_choice(ru, "Asia/Omsk")
    assert choice is not None and choice.label("ru").startswith("Омск")
    assert countries.zone_choice(ru, "America/New_York") is None


def test_region_of_reads_only_a_region_subtag() -> None:
    cases = {
        "en-GB": "GB", "pt-br": "BR", "pt_BR": "BR", "zh-Hant-TW": "TW", "sr-Latn-RS": "RS",
        "uk": None, "es-419": None, "zh-hans": None, "en-u-ca-gregory": None, "": None,
        "en-GB-oxendict": "GB", "und-DE": "DE",
    }  # fmt: skip
    for tag, region in cases.items():
        assert region_of(tag) == region, tag


def test_a_script_or_an_extension_orders_by_the_language(countries: CountryCatalog) -> None:
    assert countries.likely(["zh-Hant-TW"])[0] == "TW"
    assert countries.likely(["en-u-ca-gregory"])[0] == "US", "'ca' is a key, not Canada"
