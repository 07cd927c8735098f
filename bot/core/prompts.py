"""Side questions outside the flow, as typed objects: one of them may be waiting for an answer.

A confirming question after a doubtful typed red flag, the language and country menus, the
time-zone question of a country with several clocks, the buttons of a cold-pack reminder or a
check-in, and the "still true?" of a remembered profile.
The session stores at most one; :func:`encode` and :func:`decode` keep the stored form a short
string (``confirm:saddle_numbness``), which is also the question id its buttons carry back.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.flow.vocabulary import (
    CONFIRM,
    LANGUAGE,
    PROMPT_CHECKIN,
    PROMPT_COMPRESS,
    PROMPT_ZONE,
    REGION,
)


@dataclass(frozen=True, slots=True)
class Confirm:
    """Is this red flag, mentioned with doubt or a negation, happening now?"""

    finding: str


@dataclass(frozen=True, slots=True)
class ChooseLanguage:
    """The language menu."""


@dataclass(frozen=True, slots=True)
class ChooseRegion:
    """The country menu: which emergency number to show."""


@dataclass(frozen=True, slots=True)
class ChooseZone:
    """Which of the country's clocks is yours? Asked once, when a reminder that keeps quiet
    hours is about to be scheduled; ``then`` is that button (``checkins``, ``remind_next``),
    carried out as soon as the zone is known."""

    then: str


@dataclass(frozen=True, slots=True)
class Compress:
    """A cold-pack reminder's buttons (next one, stop)."""


@dataclass(frozen=True, slots=True)
class CheckIn:
    """How is your back now?"""


@dataclass(frozen=True, slots=True)
class ProfileCheck:
    """The facts remembered from the last check: still true?"""


Prompt = Confirm | ChooseLanguage | ChooseRegion | ChooseZone | Compress | CheckIn | ProfileCheck

_NAMES: dict[str, Prompt] = {
    LANGUAGE: ChooseLanguage(),
    REGION: ChooseRegion(),
    PROMPT_COMPRESS: Compress(),
    PROMPT_CHECKIN: CheckIn(),
    "profile": ProfileCheck(),
}
_IDS = {type(p): name for name, p in _NAMES.items()}


def encode(prompt: Prompt) -> str:
    """The stored form, also the question id of the prompt's buttons."""
    if isinstance(prompt, Confirm):
        return CONFIRM + prompt.finding
    if isinstance(prompt, ChooseZone):
        return PROMPT_ZONE + prompt.then
    return _IDS[type(prompt)]


def decode(raw: object) -> Prompt | None:
    """Inverse of :func:`encode`; None for nothing stored or a form we no longer know.

    A stored value that is not a string at all is a broken record: ``ValueError``.
    """
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValueError("a stored prompt must be a string")
    if raw.startswith(CONFIRM):
        finding = raw.removeprefix(CONFIRM)
        return Confirm(finding) if finding else None
    if raw.startswith(PROMPT_ZONE):
        then = raw.removeprefix(PROMPT_ZONE)
        return ChooseZone(then) if then else None
    return _NAMES.get(raw)
