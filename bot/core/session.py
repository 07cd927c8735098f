"""A conversation as a small plain record.

One shared state machine serves every person; what differs between people is only this
record. It holds no platform objects and serialises to a few hundred bytes of JSON, so a
million sleeping conversations fit in a storage and a restart loses nothing (in the day after
a step it also holds that step's messages, ``shown``: about a kilobyte more).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.prompts import Prompt, decode, encode

SCHEMA = 1
# Records saved before countries held one of six regions: each maps to its country, except
# "eu", which named no country (every screen then says "112 or your local number").
LEGACY_REGIONS = {"uk": "GB", "us": "US", "ca": "CA", "ru": "RU", "au": "AU"}
# One encoder for every save: json.dumps with options builds a new encoder on each call.
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class Answer:
    """One button answer: the question, the choice id and the findings it asserted."""

    question: str
    choice: str
    findings: tuple[str, ...] = ()


@dataclass(slots=True)
class Session:
    """Where one person is in the flow and what they told us.

    ``answers`` is the history that ``back`` rewinds; ``noted`` holds findings typed in free
    text, which ``back`` never removes (a red flag, once said, stays said). ``pending`` is a
    short-lived prompt outside the flow (:mod:`bot.core.prompts`). ``profile`` keeps the
    answers about the person (age band, pregnancy, cancer, fragile bones, immunity) for the
    next check; a new check offers them for a one-tap "still true", /forget deletes them.
    ``version`` grows with every save and lets a storage refuse a save that lost a race.
    """

    user: str
    state: str | None = None
    answers: list[Answer] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)
    locale: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2, once the person names one
    zone: str | None = None  # IANA time zone from the country or a shared location
    asked_country: bool = False  # "Where are you now?" was asked (answered or skipped)
    # The platform's language tag on the event being handled (``pt-BR``): it orders the
    # country buttons and decides nothing. Never saved: a tag says nothing lasting.
    hint: str | None = None
    pending: Prompt | None = None
    level: str | None = None
    triaged_at: float | None = None
    checkins: list[tuple[float, str]] = field(default_factory=list)
    created_at: float = 0.0
    updated_at: float = 0.0
    version: int = 0
    profile: list[Answer] = field(default_factory=list)
    #: Ids of the last platform events applied to this session, saved in the same write as
    #: the step, so a redelivery after a crash is recognised even when the process's own
    #: event log died with it (``bot.service``). Update ids only: nothing personal.
    handled: list[str] = field(default_factory=list)
    #: The replies of the step that applied ``handled[-1]``, kept until the next saved step.
    #: A crash can cut a step's messages off after the step is saved (the greeting sent, the
    #: first question not yet); the platform's inbox then still holds that update, and its
    #: replay sends these again instead of nothing (``bot.service``). Rendered texts may
    #: quote what the person told us, so they live and die with the record (``/forget``,
    #: retention), as the answers do. A choice's and a warning's findings are not kept:
    #: sending needs only the texts, the buttons and the question ids. Kept in the stored
    #: form (:func:`replies_record`, :func:`read_replies`): read back only for a replay, not
    #: on every load.
    shown: list[Any] = field(default_factory=list)

    @property
    def findings(self) -> list[str]:
        """Every finding asserted so far, in the order given, without repeats."""
        seen: dict[str, None] = {}
        for answer in self.answers:
            seen.update(dict.fromkeys(answer.findings))
        seen.update(dict.fromkeys(self.noted))
        return list(seen)

    def to_json(self) -> str:
        """Compact JSON; short keys keep a sleeping conversation well under a kilobyte."""
        data: dict[str, Any] = {  # short keys; empty fields are dropped below
            "s": SCHEMA,
            "u": self.user,
            "st": self.state,
            "a": _answers(self.answers),
            "pf": _answers(self.profile),
            "n": self.noted,
            "l": self.locale,
            "co": self.country,
            "z": self.zone,
            "aq": 1 if self.asked_country else None,
            "p": encode(self.pending) if self.pending is not None else None,
            "lv": self.level,
            "ta": self.triaged_at,
            "ci": [[round(t, 1), a] for t, a in self.checkins],
            "c": round(self.created_at, 3),
            "t": round(self.updated_at, 3),
            "v": self.version,
            "h": self.handled,
            "sh": self.shown,
        }
        data = {k: v for k, v in data.items() if v not in (None, [], "")}
        return _ENCODE(data)

    @classmethod
    def from_json(cls, raw: str | bytes) -> Session:
        """Inverse of :meth:`to_json`; raises ``ValueError`` on a record that is not ours."""
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("s") != SCHEMA:
            raise ValueError("not a backcheck session record")
        return cls(
            user=str(data["u"]),
            state=data.get("st"),
            answers=_read_answers(data.get("a", [])),
            profile=_read_answers(data.get("pf", [])),
            noted=list(data.get("n", [])),
            locale=data.get("l"),
            country=data.get("co") or LEGACY_REGIONS.get(str(data.get("r"))),
            zone=data.get("z"),
            asked_country=bool(data.get("aq")) or "r" in data,
            pending=decode(data.get("p")),
            level=data.get("lv"),
            triaged_at=data.get("ta"),
            checkins=[(float(t), str(a)) for t, a in data.get("ci", [])],
            created_at=float(data.get("c", 0.0)),
            updated_at=float(data.get("t", 0.0)),
            version=int(data.get("v", 0)),
            handled=list(data.get("h", [])),
            shown=_list(data.get("sh", [])),
        )


def _answers(answers: list[Answer]) -> list[list[Any]]:
    return [[a.question, a.choice, *([list(a.findings)] if a.findings else [])] for a in answers]


def _read_answers(raw: list[list[Any]]) -> list[Answer]:
    return [Answer(a[0], a[1], tuple(a[2]) if len(a) > 2 else ()) for a in raw]


def _list(raw: object) -> list[Any]:
    if not isinstance(raw, list):
        raise ValueError("a stored list is not a list")
    return raw


def replies_record(replies: list[Reply]) -> list[Any]:
    """Replies in the stored form of :attr:`Session.shown`."""
    return [_reply(r) for r in replies]


def read_replies(raw: list[Any]) -> list[Reply]:
    """Inverse of :func:`replies_record`; ``ValueError`` for a record that is not one."""
    return [_read_reply(r) for r in raw]


def _reply(reply: Reply) -> list[Any]:
    """A reply as a short list: kind, key, text, [[id, label], ...], question, image, alt
    (trailing empty fields dropped)."""
    record: list[Any] = [
        reply.kind.value,
        reply.key,
        reply.text,
        [[c.id, c.label] for c in reply.choices],
        reply.question,
        reply.image,
        reply.alt,
    ]
    while record[-1] in (None, []):
        record.pop()
    return record


def _read_reply(raw: list[Any]) -> Reply:
    """Inverse of :func:`_reply`; ``ValueError`` (a broken record) on any other shape."""
    if not isinstance(raw, list) or not 3 <= len(raw) <= 7:
        raise ValueError("a stored reply must be a list of 3 to 7 fields")
    padded: list[Any] = [*raw, *[None] * (7 - len(raw))]
    kind, key, text, choices, question, image, alt = padded
    texts = (key, text)
    optional = (question, image, alt)
    if not all(isinstance(t, str) for t in texts) or not all(
        t is None or isinstance(t, str) for t in optional
    ):
        raise ValueError("a stored reply has a field of the wrong type")
    buttons = []
    for choice in choices or []:
        if not (isinstance(choice, list) and len(choice) == 2):
            raise ValueError("a stored button must be [id, label]")
        if not all(isinstance(part, str) for part in choice):
            raise ValueError("a stored button has a field of the wrong type")
        buttons.append(Choice(choice[0], choice[1]))
    return Reply(ReplyKind(kind), key, text, tuple(buttons), question, image=image, alt=alt)
