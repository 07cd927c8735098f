"""How core replies look on Discord: message parts, component layouts and ``custom_id``s.

Pure functions, kept apart from the adapter so the limits Discord enforces (2000 characters a
message, 5 rows of 5 buttons, 80-character button labels, 100-character ``custom_id``s, 25
select options) are unit-tested without a server. Every text from content is escaped here, so a
``*`` or ``_`` in a translation never turns half a message bold or italic.

A button's ``custom_id`` is ``bc|<question>|<choice>``: short, stable across restarts and naming
the question it answers, so the core can tell an old or forged press from a fresh answer. When
a question has more choices than buttons fit, or a label is too long for a button, the choices
go into select menus instead, with ``custom_id`` ``bs|<question>|<n>`` and choice ids as values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final

from discord.utils import escape_markdown

from bot.adapters import common
from bot.adapters.common import BOLD_FIRST_LINE, UNREADABLE, Press, shorten, split_text
from bot.core.messages import Choice, EventKind, Reply, ReplyKind

MESSAGE_LIMIT: Final = 2000
CUSTOM_ID_LIMIT: Final = 100
BUTTON_LABEL_LIMIT: Final = 80
OPTION_LABEL_LIMIT: Final = 100
PLACEHOLDER_LIMIT: Final = 150
MAX_ROWS: Final = 5
PER_ROW: Final = 5
MAX_BUTTONS: Final = MAX_ROWS * PER_ROW
MAX_OPTIONS: Final = 25
#: Discord's component type numbers, as they arrive in ``interaction.data``.
BUTTON: Final = 2
STRING_SELECT: Final = 3

BUTTON_TEMPLATE: Final = r"bc\|(?P<question>[^|]+)\|(?P<choice>[^|]+)"
SELECT_TEMPLATE: Final = r"bs\|(?P<question>[^|]+)\|(?P<part>[0-9])"
_BUTTON: Final = re.compile(BUTTON_TEMPLATE)
_SELECT: Final = re.compile(SELECT_TEMPLATE)
#: Shared command names that are called differently on Discord (``/start`` is too generic
#: a name among every bot's slash commands in a server).
_COMMAND_NAMES: Final = {"start": "backpain"}
_DM_COMMAND: Final = re.compile(r"/(\w++)(?:\s++(\S.*+))?+")
#: Slash commands without an argument; ``/language`` and ``/region`` take an optional choice.
COMMANDS: Final = {
    _COMMAND_NAMES.get(name, name): kind
    for name, kind in common.COMMANDS.items()
    if kind not in common.WITH_ARGUMENT
}
#: What people type in a DM as if it were a command (Discord sends it as a plain message
#: when the command picker was not used), including Telegram's ``/start``.
DM_COMMANDS: Final = {**common.COMMANDS, **COMMANDS}


class CustomIdTooLong(ValueError):
    """A question id plus choice id does not fit Discord's 100-character ``custom_id``."""


@dataclass(frozen=True, slots=True)
class Control:
    """A button or select menu as it is on a message: enough to find what was pressed."""

    type: int
    custom_id: str
    label: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ButtonSpec:
    """One button to send: its id, its label and the row it goes in."""

    custom_id: str
    label: str
    row: int


@dataclass(frozen=True, slots=True)
class SelectSpec:
    """One select menu to send; ``options`` are (choice id, label) pairs."""

    custom_id: str
    options: tuple[tuple[str, str], ...]
    row: int


# -- custom ids ---------------------------------------------------------------------------------


def button_id(question: str, choice: str) -> str:
    """``bc|<question>|<choice>``; raises :class:`CustomIdTooLong` for ids the flow must shorten."""
    return _checked(f"bc|{question}|{choice}", _BUTTON)


def select_id(question: str, part: int) -> str:
    """``bs|<question>|<n>``: the n-th menu of a question whose choices did not fit buttons."""
    return _checked(f"bs|{question}|{part}", _SELECT)


def _checked(custom_id: str, template: re.Pattern[str]) -> str:
    if len(custom_id) > CUSTOM_ID_LIMIT or template.fullmatch(custom_id) is None:
        raise CustomIdTooLong(
            f"custom_id {custom_id!r} is {len(custom_id)} characters or contains '|'; Discord "
            f"allows {CUSTOM_ID_LIMIT}: shorten the question or choice id in the flow"
        )
    return custom_id


def read_press(custom_id: str, values: Sequence[str] = ()) -> Press:
    """The press a ``custom_id`` (and, for a select, its chosen value) stands for."""
    button = _BUTTON.fullmatch(custom_id)
    if button is not None:
        return Press(button["question"], button["choice"])
    select = _SELECT.fullmatch(custom_id)
    if select is not None and len(values) == 1:
        return Press(select["question"], values[0])
    return UNREADABLE


def pressed_label(controls: Sequence[Control], custom_id: str, values: Sequence[str]) -> str | None:
    """The label the person saw on what they pressed or picked, or None if it is not there."""
    for control in controls:
        if control.custom_id != custom_id:
            continue
        if control.type == BUTTON:
            return control.label or None
        chosen = dict(control.options)
        labels = [chosen[v] for v in values if v in chosen]
        return ", ".join(labels) or None
    return None


# -- components ---------------------------------------------------------------------------------


def layout(question: str, choices: Sequence[Choice]) -> list[ButtonSpec] | list[SelectSpec]:
    """Buttons when they fit (at most 25, labels up to 80 characters), else select menus.

    Up to five choices stand one per row, so whole-sentence answers read as a list; more share
    rows evenly.
    """
    fits = len(choices) <= MAX_BUTTONS and all(
        0 < len(c.label) <= BUTTON_LABEL_LIMIT for c in choices
    )
    if fits:
        per_row = max(1, math.ceil(len(choices) / MAX_ROWS))
        return [
            ButtonSpec(button_id(question, c.id), c.label, i // per_row)
            for i, c in enumerate(choices)
        ]
    return _selects(question, choices)


def _selects(question: str, choices: Sequence[Choice]) -> list[SelectSpec]:
    chunks = [choices[i : i + MAX_OPTIONS] for i in range(0, len(choices), MAX_OPTIONS)]
    if len(chunks) > MAX_ROWS:
        raise ValueError(
            f"question {question!r} has {len(choices)} choices; Discord shows at most "
            f"{MAX_ROWS * MAX_OPTIONS} in one message"
        )
    return [
        SelectSpec(
            select_id(question, row),
            tuple((c.id, shorten(c.label or c.id, OPTION_LABEL_LIMIT)) for c in chunk),
            row,
        )
        for row, chunk in enumerate(chunks)
    ]


# -- texts --------------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Every markdown character escaped (Discord hides the backslashes); links stay whole."""
    return escape_markdown(text)


def command_names(ids: Mapping[str, int] | None = None) -> dict[str, str]:
    """How texts name our commands on Discord, for their ``{start}`` placeholders: the slash
    name (``/start`` is ``/backpain`` here), as a clickable mention ``</backpain:ID>`` once
    Discord told us the command's id at sync."""
    names = {}
    for shared in common.COMMANDS:
        name = _COMMAND_NAMES.get(shared, shared)
        command_id = (ids or {}).get(name)
        names[shared] = f"</{name}:{command_id}>" if command_id is not None else f"/{name}"
    return names


def format_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A reply as message contents of at most ``limit`` characters each.

    Warnings and outcomes lead with a bold line, like a headline.
    """
    lines = escape(reply.text).split("\n")
    first = lines[0].strip()
    if reply.kind in BOLD_FIRST_LINE and first and len(first) + 4 <= limit:
        lines[0] = f"**{first}**"
    return split("\n".join(lines), limit)


def split(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``text`` in parts of at most ``limit`` characters; never an empty list."""
    return split_text(text, limit) or ["…"]


def answered(content: str, answer: str, limit: int = MESSAGE_LIMIT) -> str:
    """The question's message with the person's answer under it (within ``limit``)."""
    tail = "\n\n" + escape(answer)
    room = limit - len(tail)
    if len(content) > room:
        content = content[: max(room - 1, 0)].rstrip() + "…"
    return (content + tail)[:limit]


def dm_command(text: str) -> tuple[EventKind, str | None] | None:
    """``/restart`` or ``/language ru`` typed as a DM: the command it names, if it is ours."""
    # Possessive repeats on the stripped text: linear, where ``\s*/(\w+)(?:\s+(.*?))?\s*``
    # retried every split of a long run of spaces (quadratic on a 40,000-character DM).
    match = _DM_COMMAND.fullmatch(text.strip())
    if match is None:
        return None
    kind = DM_COMMANDS.get(match.group(1).lower())
    if kind is None:
        return None
    argument = match.group(2) or None
    return kind, None if kind is EventKind.START else argument


# -- what one turn sends --------------------------------------------------------------------------

#: Replies that are results or alarms: they arrive as new messages (a notification, a place in
#: the history), never by rewriting the question that was pressed.
_NEW_MESSAGE_KINDS: Final = frozenset({ReplyKind.OUTCOME, ReplyKind.WARNING})


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Discord message to send: its text, the reply whose choices ride on it as buttons,
    and a picture (its key and alt text) to attach."""

    content: str
    buttons: Reply | None = None
    image: str | None = None
    alt: str | None = None


class Placement(Enum):
    """Where the first message of a turn goes; the rest are always new messages."""

    NEW = "new"  # a new message (commands; presses the core did not take as an answer)
    EDIT = "edit"  # the pressed message becomes the next question
    MARK = "mark"  # the pressed message keeps its text, shows the answer, loses its buttons


def pack(replies: Sequence[Reply], limit: int = MESSAGE_LIMIT) -> list[Outgoing]:
    """The replies of one turn in as few messages as Discord allows, in order.

    Consecutive texts share a message (a blank line apart) while they fit ``limit``; a message
    ends after buttons or a picture, so what follows them never appears above them.
    """
    messages: list[Outgoing] = []
    texts: list[str] = []

    def flush(last: Outgoing | None = None) -> None:
        if last is not None:
            texts.append(last.content)
        if texts or last is not None:
            content = "\n\n".join(t for t in texts if t) or "…"
            base = last or Outgoing("")
            messages.append(Outgoing(content, base.buttons, base.image, base.alt))
        texts.clear()

    for reply in replies:
        parts = format_reply(reply, limit)
        closing = reply.kind is ReplyKind.IMAGE or bool(reply.choices and reply.question)
        for index, part in enumerate(parts, 1):
            if texts and len("\n\n".join([*texts, part])) > limit:
                flush()
            if index == len(parts) and closing:
                flush(_closing(reply, part))
            else:
                texts.append(part)
    flush()
    return messages


def _closing(reply: Reply, content: str) -> Outgoing:
    if reply.kind is ReplyKind.IMAGE:
        return Outgoing(content, image=reply.image, alt=reply.alt)
    return Outgoing(content, buttons=reply)


def placement(
    *, press: bool, recorded: bool, replies: Sequence[Reply], first: Outgoing
) -> Placement:
    """An answered press edits its question into the next one when that is all that follows;
    results and warnings come as new messages, the question marked answered; anything else a
    press causes (a refusal, a fresh start, a detail) is a new message and the question stays."""
    if not press or not recorded:
        return Placement.NEW
    results = any(r.kind in _NEW_MESSAGE_KINDS and not r.refused for r in replies)
    if first.buttons is not None and not results:
        return Placement.EDIT
    return Placement.MARK


def with_receipt(content: str, receipt: str | None, limit: int = MESSAGE_LIMIT) -> str:
    """The next question under a small grey line: the answers so far, or the one just given
    (when it fits)."""
    if not receipt:
        return content
    line = "-# " + escape(receipt).replace("\n", " ")
    combined = f"{line}\n{content}"
    return combined if len(combined) <= limit else content
