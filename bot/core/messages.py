"""The platform-neutral vocabulary that adapters and the engine exchange.

Adapters turn Telegram updates, Discord interactions or console lines into ``Event`` and turn
``Reply`` back into platform messages. Keeping both small frozen dataclasses means no platform
object ever reaches the core, and the same transcript test covers every platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class EventKind(StrEnum):
    """What the person did."""

    START = "start"
    CHOICE = "choice"
    TEXT = "text"
    BACK = "back"
    RESTART = "restart"
    HELP = "help"
    LANGUAGE = "language"
    REGION = "region"
    ABOUT = "about"
    FORGET = "forget"
    STOP = "stop"
    SUMMARY = "summary"
    REMIND = "remind"  # a stored reminder came due; value is its kind
    LOCATION = "location"  # a shared point, value "lat,lon": mapped to a country, never kept


@dataclass(frozen=True, slots=True)
class Event:
    """One input from a person.

    ``value`` is the choice id, the typed text, or the argument of a command (``ru`` for
    ``/language ru``). ``question`` names the question a pressed button belonged to, so a press
    on an old message can be told apart from an answer to the current one. ``locale`` is the
    platform's language hint, used only while the person has not chosen a language.
    ``commands`` says how the platform names the commands that texts mention (``{start}``:
    ``/start`` on Telegram, ``/backpain`` on Discord); None means the defaults.
    """

    kind: EventKind
    value: str | None = None
    question: str | None = None
    locale: str | None = None
    commands: Mapping[str, str] | None = field(default=None, compare=False)


class ReplyKind(StrEnum):
    """How an adapter should present a reply."""

    QUESTION = "question"
    INFO = "info"
    WARNING = "warning"
    OUTCOME = "outcome"
    IMAGE = "image"  # a picture (``Reply.image`` names it); ``text`` is its caption


@dataclass(frozen=True, slots=True)
class Choice:
    """A button: ``id`` is stable and short, ``label`` is rendered in the person's language."""

    id: str
    label: str
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show.

    ``key`` is the content key it was rendered from (handy in tests and logs, never the
    person's answers); ``question`` is the id that buttons of this reply must carry back.
    ``refused`` marks the notice that a button press changed nothing, so adapters can show it
    as the press's own answer and leave the pressed message alone.
    """

    kind: ReplyKind
    key: str
    text: str
    choices: tuple[Choice, ...] = ()
    question: str | None = None
    findings: tuple[str, ...] = field(default=())
    refused: bool = False  # the press was not applied (stale, forged, double, or blocked)
    image: str | None = None  # a picture key (content/pictures/<key>.png) for IMAGE replies
    alt: str | None = None  # what the picture shows, for screen readers
