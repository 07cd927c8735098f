"""What a platform tells us about a person before they say anything: their app's language.

Telegram and Discord report a language tag (``en-GB``, ``ru``). It picks the language of a new
conversation, never the country whose emergency number to show (that is asked). The
engine (for a new session) and the service (for texts outside a conversation) both read a tag
through :class:`Hints`, so they can never disagree about a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.content import normalize_locale


@dataclass(frozen=True, slots=True)
class Hints:
    """A platform's language tag for one person (None when the platform says nothing), and
    how the platform names the commands texts mention (None: ``/start`` and so on)."""

    tag: str | None = None
    commands: Mapping[str, str] | None = field(default=None, compare=False)

    @classmethod
    def from_platform(
        cls,
        tag: str | None,
        *,
        unchosen: str | None = None,
        commands: Mapping[str, str] | None = None,
    ) -> Hints:
        """``unchosen`` is the tag the platform gives everyone who never picked one.

        Discord reports ``en-US`` for every English-speaking user who did not change it, so it
        says "English" and nothing about the country; reading the country from it would show a
        person in London or Sydney 911. Such a tag keeps only its language.
        """
        if tag and unchosen and tag == unchosen:
            return cls(tag.replace("_", "-").split("-")[0], commands)
        return cls(tag, commands)

    def locale(self, available: tuple[str, ...], default: str) -> str:
        """The locale to speak: the tag's language when we have it, else ``default``."""
        return normalize_locale(self.tag, available) or default
