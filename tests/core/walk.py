"""Walk the triage flow like a person: calm answers unless a vignette says otherwise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tests.conftest import Chat

CALM: Mapping[str, str] = {
    "rf_emergency": "none_of_these",
    "rf_urine": "none_of_these",
    "rf_hospital": "none_of_these",
    "rf_walk_more": "none_of_these",
    "onset": "next_day",
    "course": "improving",
    "age": "age_20_49",
    "about": "none_of_these",
    "pregnancy_signs": "none_of_these",
    "ed_transport": "can_travel",
    "profile": "still_true",
    "region": "skip",  # "Where are you now?", asked once of a first-time person
}
# The question id of "Where are you now?" (the country prompt's buttons carry it).
COUNTRY = "region"
AB = ("about", "age")
# The questions a calm person answers, in order (no danger sign, nothing remembered yet).
CALM_PATH: tuple[tuple[str, str], ...] = tuple(
    (q, CALM[q]) for q in ("rf_emergency", "rf_urine", "rf_hospital", *AB, "onset", "course")
)


def walk(chat: Chat, answers: Mapping[str, str | Sequence[str]] | None = None) -> str | None:
    """Answer every question until an outcome; returns the level.

    ``answers`` maps a question to a choice id, or to a list of ids for a multi question
    (the walker closes it with "nothing else", whose id is none_of_these). A remembered
    profile is confirmed ("profile": "still_true") unless ``answers`` says otherwise.
    """
    answers = answers or {}
    if chat.session.state is None:
        chat.start()
    queued: dict[str, list[str]] = {}
    for _ in range(60):
        question = chat.question
        state = chat.engine.flow.states.get(chat.session.state or "")
        if (state is not None and state.outcome is not None) or question is None:
            return chat.session.level  # a result shown early does not end the walk
        # an unfolded single question (<group>__<item>) is calm when answered "absent"
        calm = "absent" if "__" in question else CALM.get(question)
        wanted = answers.get(question, calm)
        if isinstance(wanted, str) or wanted is None:
            chat.press(wanted or "")
            continue
        pending = queued.setdefault(question, list(wanted))
        chat.press(pending.pop(0) if pending else "none_of_these")
    raise AssertionError("the flow did not end within 60 answers")
