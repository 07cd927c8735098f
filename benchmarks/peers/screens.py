"""The screens every bot shows, computed once from backcheck's real engine and formatting.

A peer bot has no triage logic: it looks up "after this press, in this language, show these
messages" in a table built here by replaying the workload's walks through the engine and the
platform's formatter. A step that depends on history (the same press leading to two screens)
keeps the first screen seen; the simulated users then press the first button offered, and the
benchmark counts such presses as "off the script".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.peers.child import START, key
from benchmarks.workload import Workload, generator_engine
from bot.core.messages import EventKind, Reply


def telegram(work: Workload) -> dict[str, Any]:
    """``{"screens": {key: [{"text", "markup", "state"}]}, "answer": {locale: template}}``."""
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
    gen = generator_engine()
    screens: dict[str, list[dict[str, Any]]] = {}
    answers: dict[str, str] = {}
    for steps in work.per_user.values():
        session = gen.new_session(steps[0].user)
        for step in steps:
            event = step.event
            replies = gen.handle(session, event)
            locale = event.locale or gen.default_locale
            if event.kind is EventKind.START:
                name = key(locale, START)
            else:
                name = key(locale, press(event.question or "", event.value or ""))
            if name not in screens:
                shown = []
                for reply in replies:
                    parts = split(reply)
                    shown += [message(reply, p, i == len(parts)) for i, p in enumerate(parts, 1)]
                screens[name] = shown
            answers.setdefault(locale, gen.catalog.text("ui.your_answer", locale, answer="{}"))
    return {"screens": screens, "answer": answers}


def write(table: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    return path
