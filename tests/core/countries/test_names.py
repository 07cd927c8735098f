"""Typed answers -> the right country, or none: never another country's number."""

from __future__ import annotations

import pytest

from bot.core.countries import CountryCatalog
from bot.core.countries.names import flag_code, normalize, russian_forms


def _code(countries: CountryCatalog, text: str, *, from_command: bool = False) -> str | None:
    found = countries.resolve(text, from_command=from_command)
    return found.code if found else None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("de", "DE"),
        ("DE", "DE"),
        ("🇩🇪", "DE"),
        ("germany", "DE"),
        ("GERMANY", "DE"),
        ("Deutschland", "DE"),
        ("германия", "DE"),
        ("Германия", "DE"),
        ("в Германии", "DE"),
        ("я в германии", "DE"),
        ("I'm in Germany", "DE"),
        ("казахстан", "KZ"),
        ("в Казахстане", "KZ"),
        ("в израиле", "IL"),
        ("Израиль", "IL"),
        ("беларусь", "BY"),
        ("в Беларуси", "BY"),
        ("Белоруссия", "BY"),
        ("USA", "US"),
        ("u.s.a.", "US"),
        ("us", "US"),
        ("America", "US"),
        ("Штаты", "US"),
        ("в США", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("England", "GB"),
        ("Англия", "GB"),
        ("в Англии", "GB"),
        ("🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "GB"),
        ("the Netherlands", "NL"),
        ("Holland", "NL"),
        ("в Нидерландах", "NL"),
        ("Türkiye", "TR"),
        ("turkiye", "TR"),
        ("в Турции", "TR"),
        ("в ОАЭ", "AE"),
        ("Эмираты", "AE"),
        ("в Новой Зеландии", "NZ"),
        ("в Южной Корее", "KR"),
        ("Кыргызстан", "KG"),
        ("Молдавия", "MD"),
        ("в Канаде", "CA"),
        ("в Мексике", "MX"),
        ("в Китае", "CN"),
        ("в Египте", "EG"),
        ("Польше", "PL"),
        ("на Бали", None),  # "на" is not a preposition we strip: better to ask again
        ("Bali", "ID"),
        ("Côte", None),
        ("España", "ES"),
        ("espana", "ES"),
        ("Ёлки", None),
    ],
)
def test_resolves_codes_flags_and_names_in_both_languages(
    countries: CountryCatalog, text: str, code: str | None
) -> None:
    assert _code(countries, text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("germny", "DE"),
        ("germani", "DE"),
        ("германя", "DE"),
        ("kazakstan", "KZ"),
        ("казахтан", "KZ"),
        ("switzerlnd", "CH"),
        ("swedenn", "SE"),
        ("австия", "AT"),
        ("isreal", "IL"),
    ],
)
def test_a_small_typo_is_forgiven(countries: CountryCatalog, text: str, code: str) -> None:
    assert _code(countries, text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("austria", "AT"),
        ("australia", "AU"),
        ("Австрия", "AT"),
        ("Австралия", "AU"),
        ("в Австрии", "AT"),
        ("в Австралии", "AU"),
        ("Slovakia", "SK"),
        ("Slovenia", "SI"),
        ("Iceland", "IS"),
        ("Ireland", "IE"),
        ("Georgia", "GE"),
        ("Nigeria", None),
        ("Niger", None),
    ],
)
def test_look_alike_countries_resolve_exactly(
    countries: CountryCatalog, text: str, code: str | None
) -> None:
    assert _code(countries, text) == code


@pytest.mark.parametrize("text", ["austrlia", "austraia", "slovnia", "irland", "iseland"])
def test_a_typo_between_two_countries_is_not_guessed(countries: CountryCatalog, text: str) -> None:
    """ "austrlia" is one edit from Australia and two from Austria: ask again."""
    assert _code(countries, text) is None


@pytest.mark.parametrize(
    "text", ["", "   ", "xx", "🇽🇽", "mars", "Narnia", "Нарния", "42", "my back hurts", "help"]
)
def test_unknown_text_is_none(countries: CountryCatalog, text: str) -> None:
    assert _code(countries, text) is None


@pytest.mark.parametrize(
    "word",
    ["while", "walks", "wakes", "state", "больше", "дольше", "диване", "скорее", "чиле", "yes",
     "нет", "skip", "пропустить", "at home", "в зале", "I'm in pain", "болит спина"],
)  # fmt: skip
def test_everyday_words_are_not_countries(countries: CountryCatalog, word: str) -> None:
    """One letter from a name is not enough for a short word: "while" is not Chile."""
    assert _code(countries, word) is None


def test_a_code_that_is_a_word_counts_only_as_a_command_argument(
    countries: CountryCatalog,
) -> None:
    assert _code(countries, "no") is None
    assert _code(countries, "no", from_command=True) == "NO"
    assert _code(countries, "NO") == "NO"
    assert _code(countries, "it") is None
    assert _code(countries, "it", from_command=True) == "IT"


def test_every_name_resolves_to_its_own_country(countries: CountryCatalog) -> None:
    for country in countries:
        for name in (*country.names.values(), *country.aliases):
            assert _code(countries, name) == country.code, name
            assert _code(countries, country.flag) == country.code


ALPHABETS = {"en": "abcdefghijklmnopqrstuvwxyz", "ru": "абвгдежзийклмнопрстуфхцчшщъыьэюя"}


def _one_edit(word: str, alphabet: str) -> set[str]:
    """Every deletion, doubling, swap of neighbours and substitution of one letter."""
    typos = {word[:i] + word[i + 1 :] for i in range(len(word))}
    typos |= {word[:i] + word[i] + word[i:] for i in range(len(word))}
    typos |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    typos |= {word[:i] + a + word[i + 1 :] for i in range(len(word)) for a in alphabet}
    return typos - {word}


def test_one_edit_typos_never_give_another_country(countries: CountryCatalog) -> None:
    """One wrong letter: the same country or none, never another (about 40,000 typos).

    The only exception is a typo that is itself another country's name (Iceland/Ireland).
    """
    exact = {normalize(n) for c in countries for n in c.names.values()}
    wrong = []
    for country in countries:
        for locale, alphabet in ALPHABETS.items():
            for typo in _one_edit(normalize(country.name(locale)), alphabet) - exact:
                found = _code(countries, typo)
                if found not in (None, country.code):
                    wrong.append((typo, found, country.code))
    assert not wrong


def test_normalize_keeps_russian_letters_and_drops_latin_accents() -> None:
    assert normalize("  Österreich! ") == "osterreich"
    assert normalize("Китай") == "китай"
    assert normalize("Ёлки") == "елки"


def test_flags() -> None:
    assert flag_code("🇯🇵") == "JP"
    assert flag_code("🇯") is None
    assert flag_code("JP") is None


def test_russian_forms() -> None:
    assert russian_forms("Германия") == {"германия", "германии"}
    assert russian_forms("Канада") == {"канада", "канаде"}
    assert russian_forms("Казахстан") == {"казахстан", "казахстане"}
    assert russian_forms("Филиппины") == {"филиппины", "филиппинах"}
    assert russian_forms("Чили") == {"чили"}
    assert russian_forms("Новая Зеландия") == {"новая зеландия"}
