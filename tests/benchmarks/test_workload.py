"""The seeded walks follow the real bot's script, so every bot in a row does the same work."""

from __future__ import annotations

from benchmarks.workload import engine, make_workload
from bot.core.messages import EventKind


def test_every_scripted_press_is_a_button_the_production_engine_offers() -> None:
    """The walks once came from an engine that never asked "Where are you now?": the bot
    asked it, and 88 % of its presses in the end-to-end rows ran off the script."""
    real = engine()
    work = make_workload(40)
    for steps in work.per_user.values():
        session = real.new_session(steps[0].user)
        offered: set[tuple[str, str]] = set()
        for step in steps:
            event = step.event
            if event.kind is not EventKind.START:
                assert (event.question, event.value) in offered, (step.user, event)
            offered = {
                (reply.question, choice.id)
                for reply in real.handle(session, event)
                if reply.question
                for choice in reply.choices
            }
