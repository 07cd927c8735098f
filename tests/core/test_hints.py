"""A platform's language tag read once, the same way for a new session and for a notice."""

from __future__ import annotations

import pytest

from bot.adapters.discord.adapter import UNCHOSEN_LOCALE
from bot.core.hints import Hints


@pytest.mark.parametrize(
    ("locale", "hint"), [("en-US", "en"), ("en-GB", "en-GB"), ("ru", "ru"), ("de", "de")]
)
def test_discords_default_english_says_nothing_about_the_country(locale: str, hint: str) -> None:
    assert Hints.from_platform(locale, unchosen=UNCHOSEN_LOCALE).tag == hint


def test_a_tag_picks_a_language_we_have_never_the_country() -> None:
    hints = Hints("en-GB")
    assert hints.locale(("en", "ru"), "ru") == "en"
    assert Hints("de").locale(("en", "ru"), "en") == "en"
