"""Whatever a person sends, the engine never crashes and the triage always ends."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.core.session import Session

KINDS = list(EventKind)
WORDS = ["", "hello", "none_of_these", "not_sure", "restart", "summary", "ru", "uk", "x" * 200]


def events(engine: Engine) -> st.SearchStrategy[Event]:
    states = [*engine.flow.states, "confirm:saddle_numbness", "region", "language", None]
    choice_ids = sorted({c.id for s in engine.flow.states.values() for c in s.choices})
    return st.builds(
        Event,
        kind=st.sampled_from(KINDS),
        value=st.one_of(st.none(), st.sampled_from(WORDS + choice_ids), st.text(max_size=40)),
        question=st.one_of(st.none(), st.sampled_from(states)),
        locale=st.one_of(st.none(), st.sampled_from(["en", "ru-RU", "de", "zz"])),
    )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_sequence_of_events_never_raises(engine: Engine, data: st.DataObject) -> None:
    session = engine.new_session("p")
    for event in data.draw(st.lists(events(engine), max_size=40)):
        replies = engine.handle(session, event)
        assert replies, event
        assert all(r.text.strip() for r in replies)
        assert session.state is None or session.state in engine.flow.states
        Session.from_json(session.to_json())  # always serialisable


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_pressing_offered_buttons_always_reaches_an_outcome(
    engine: Engine, data: st.DataObject
) -> None:
    """From any point, answering the questions shown ends in an outcome within a bound."""
    session = engine.new_session("p")
    replies = engine.handle(session, Event(EventKind.START))
    bound = sum(max(1, len(s.choices)) for s in engine.flow.states.values())
    for _ in range(bound):
        if engine.flow.states[session.state or engine.flow.start].outcome is not None:
            break
        question = next(r for r in reversed(replies) if r.choices)
        choice = data.draw(st.sampled_from([c.id for c in question.choices]))
        replies = engine.handle(session, Event(EventKind.CHOICE, choice, question.question))
    assert session.level in engine.flow.rules.levels
    assert session.state is not None and engine.flow.states[session.state].outcome == session.level
