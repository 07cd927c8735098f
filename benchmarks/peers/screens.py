"""The screens every bot shows, computed once from backcheck's real engine and formatting.

A peer bot has no triage logic: it looks up "after this path of presses, in this language, show
these messages" in a table built here by replaying the workload's walks through the engine and
the platform's formatter. The table is a tree of paths: each node is a place in a walk, each
move ``"<node>|<press>"`` (or ``"<locale>|/start"``) names the next node and the screen it
shows, and a peer remembers each person's node. Keyed by the press alone, a peer could not
tell one country question from another and walked off the script hundreds of times a window;
``/start`` in the middle of a walk is a move like a press (the engine may remember the first
check); a press the tree lacks (a person off the script) starts over.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.peers.child import START, start_key
from benchmarks.workload import Workload, generator_engine
from bot.core.engine import Engine
from bot.core.messages import EventKind, Reply
from bot.service import check_done

Shown = tuple[list[dict[str, Any]], bool]
"""A screen's messages, and whether a press folds them into the pressed message."""
Show = Callable[[Engine, list[Reply], str, bool], Shown]


def telegram(work: Workload) -> dict[str, Any]:
    """``{"screens": [[{"text", "markup", "state"}]], "moves": {move: [node, screen, fold]},
    "answer": {locale: template}}``.

    The screens are the messages backcheck's adapter sends, calls included: a press that it
    folds into the pressed message (one edit with every reply, ``fold`` 1) is a screen of one
    message, and a "Where are you now?" comes with the share-location keyboard, a message of
    its own. Without those two, the peers made 8% fewer Bot API calls per update than ours
    (2.23-2.31 against 2.43) and the CPU ratios compared unequal work.

    The question a screen asks is always its last message, and a peer edits the pressed
    message into it only after sending the others: backcheck sends the keyboard right after
    the question, but PTB's ConversationHandler moves to the next state only when the
    callback returns, so a person pressing before the last send was answered "no longer
    open" (and the run waited 15 s for a reply that never came)."""
    from bot.adapters.telegram import format as fmt
    from bot.adapters.telegram.adapter import LOCATION_PROMPTS

    def message(text: str, markup: dict[str, Any] | None, state: str | None) -> dict[str, Any]:
        return {"text": text, "markup": markup, "state": state if markup else None}

    def buttons(reply: Reply) -> dict[str, Any] | None:
        markup = fmt.keyboard(reply.question or "", reply.choices)
        return markup.to_dict() if markup else None

    def show(gen: Engine, replies: list[Reply], locale: str, press: bool) -> Shown:
        catalog = gen.catalog
        location = message(
            fmt.escape(catalog.text("country.location_privacy", locale)),
            json.loads(fmt.location_keyboard(catalog.text("country.share_location", locale))),
            None,
        )
        folded = fmt.folded(replies) if press and fmt.folds_into_edit(replies) else None
        if folded is not None:
            last = replies[-1]
            shown = [message(folded, buttons(last), last.question)]
            if any(r.key in LOCATION_PROMPTS for r in replies):
                shown.insert(0, location)
            return shown, True
        shown = []
        for reply in replies:
            parts = fmt.format_reply(reply)
            shown += [
                message(part, buttons(reply) if i == len(parts) else None, reply.question)
                for i, part in enumerate(parts, 1)
            ]
            if reply.key in LOCATION_PROMPTS:
                shown.insert(len(shown) - 1, location)
        return shown, False

    def press(question: str, choice: str) -> str:
        return fmt.encode_callback(question, choice)

    return _table(work, show, press)


def discord(work: Workload) -> dict[str, Any]:
    """The same for Discord: content, and the buttons as ``(custom_id, label)`` rows (a
    press never folds: the peer answers it as backcheck does, whatever ``fold`` says)."""
    from bot.adapters.discord import format as fmt

    def show(gen: Engine, replies: list[Reply], locale: str, press: bool) -> Shown:
        shown: list[dict[str, Any]] = []
        for reply in replies:
            parts = fmt.format_reply(reply)
            for i, part in enumerate(parts, 1):
                last = i == len(parts) and reply.question is not None
                specs = fmt.layout(reply.question or "", reply.choices) if last else []
                buttons = [
                    [s.custom_id, s.label, s.row] for s in specs if isinstance(s, fmt.ButtonSpec)
                ]
                state = reply.question if buttons else None
                shown.append({"text": part, "buttons": buttons, "state": state})
        return shown, False

    return _table(work, show, fmt.button_id)


def _table(work: Workload, show: Show, press: Callable[[str, str], str]) -> dict[str, Any]:
    """Replay every walk through the engine; record each press as a move in the tree of
    paths (the same press on the same path is the same move) and each screen once."""
    gen = generator_engine()
    screens: list[list[dict[str, Any]]] = []
    seen: dict[str, int] = {}  # a screen's JSON -> its index
    moves: dict[str, list[int]] = {}
    answers: dict[str, str] = {}
    for steps in work.per_user.values():
        session = gen.new_session(steps[0].user)
        node: int | None = None
        for step in steps:
            event = step.event
            replies = gen.handle(session, event)
            locale = event.locale or gen.default_locale
            pressed = (
                START
                if event.kind is EventKind.START
                else press(event.question or "", event.value or "")
            )
            name = start_key(locale) if node is None else f"{node}|{pressed}"
            if name not in moves:
                # a press still inside the check (the adapter closes a finished one instead)
                asking = event.kind is EventKind.CHOICE and not check_done(gen, session)
                shown, fold = show(gen, replies, locale, asking)
                screen = seen.setdefault(json.dumps(shown), len(screens))
                moves[name] = [len(moves), screen, int(fold)]
                if moves[name][1] == len(screens):
                    screens.append(shown)
            node = moves[name][0]
            answers.setdefault(locale, gen.catalog.text("ui.your_answer", locale, answer="{}"))
    return {"screens": screens, "moves": moves, "answer": answers}


def write(table: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return path
