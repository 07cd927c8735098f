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
from pathlib import Path
from typing import Any

from benchmarks.peers.child import START, start_key
from benchmarks.workload import Workload, generator_engine
from bot.core.messages import EventKind, Reply


def telegram(work: Workload) -> dict[str, Any]:
    """``{"screens": [[{"text", "markup", "state"}]], "moves": {move: [node, screen]},
    "answer": {locale: template}}``."""
    from bot.adapters.telegram import format as fmt

    def message(reply: Reply, text: str, last: bool) -> dict[str, Any]:
        markup = fmt.keyboard(reply.question or "", reply.choices) if last else None
        return {
            "text": text,
            "markup": markup.to_dict() if markup else None,
            "state": reply.question if markup else None,
        }

    def press(question: str, choice: str) -> str:
        return fmt.encode_callback(question, choice)

    return _table(work, message, fmt.format_reply, press)


def discord(work: Workload) -> dict[str, Any]:
    """The same for Discord: content, and the buttons as ``(custom_id, label)`` rows."""
    from bot.adapters.discord import format as fmt

    def message(reply: Reply, text: str, last: bool) -> dict[str, Any]:
        specs = fmt.layout(reply.question, reply.choices) if last and reply.question else []
        buttons = [[s.custom_id, s.label, s.row] for s in specs if isinstance(s, fmt.ButtonSpec)]
        return {"text": text, "buttons": buttons, "state": reply.question if buttons else None}

    return _table(work, message, fmt.format_reply, fmt.button_id)


def _table(work: Workload, message: Any, split: Any, press: Any) -> dict[str, Any]:
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
                shown = []
                for reply in replies:
                    parts = split(reply)
                    shown += [message(reply, p, i == len(parts)) for i, p in enumerate(parts, 1)]
                moves[name] = [len(moves), seen.setdefault(json.dumps(shown), len(screens))]
                if moves[name][1] == len(screens):
                    screens.append(shown)
            node = moves[name][0]
            answers.setdefault(locale, gen.catalog.text("ui.your_answer", locale, answer="{}"))
    return {"screens": screens, "moves": moves, "answer": answers}


def write(table: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return path
