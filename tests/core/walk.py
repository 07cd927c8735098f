"""Walk the triage flow like a person: calm answers unless a vignette says otherwise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.conftest import Chat

CALM: Mapping[str, str] = {
    "rf_emergency": "none_of_these",
    "rf_saddle": "saddle_normal",
    "rf_bladder": "bladder_normal",
    "rf_sexual": "sexual_normal",
    "rf_legs": "none_of_these",
    "rf_walk": "can_walk",
    "rf_urine": "none_of_these",
    "rf_systemic": "none_of_these",
    "pain_signs": "none_of_these",
    "leg_signs": "none_of_these",
    "onset": "next_day",
    "character": "dull_both_sides",
    "rest": "eases",
    "course": "improving",
    "recurrence": "first_time",
    "age": "age_20_49",
    "pregnancy": "not_pregnant",
    "ed_transport": "can_travel",
}


def walk(chat: Chat, answers: Mapping[str, str | Sequence[str]] | None = None) -> str | None:
    """Answer every question until an outcome; returns the level.

    ``answers`` maps a question to a choice id, or to a list of ids for a multi question
    (the walker adds the closing "none of these" itself).
    """
    answers = answers or {}
    if chat.session.state is None:
        chat.start()
    queued: dict[str, list[str]] = {}
    for _ in range(60):
        question = chat.question
        if chat.session.level is not None or question is None:
            return chat.session.level
        wanted = answers.get(question, CALM.get(question))
        if isinstance(wanted, str) or wanted is None:
            chat.press(wanted or "")
            continue
        pending = queued.setdefault(question, list(wanted))
        chat.press(pending.pop(0) if pending else "none_of_these")
    raise AssertionError("the flow did not end within 60 answers")
