"""The conversation's size, measured over every path of the real flow in both languages.

A person lying on a gym floor must get to the action quickly: few taps, little reading, short
questions and buttons, and a first result that fits one phone screen with the action on its
first line. The walker (benchmarks/conversation.py) counts; these tests hold the targets.
"""

from __future__ import annotations

import functools
import statistics

import pytest

from benchmarks.conversation import DANGER_LEVELS, Measures, is_danger, measure
from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.messages import Event, EventKind, ReplyKind
from bot.core.session import Answer, Session
from tests.core.test_vignettes import _default_engine

LABEL_LIMIT = {"en": 24, "ru": 28}
STOP_LEVELS = ("emergency_ambulance", "emergency_department")


@functools.cache
def walked(locale: str) -> Measures:
    return measure(_default_engine(), locale)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_calm_person_needs_few_taps(locale: str) -> None:
    taps = [p.taps for p in walked(locale).calm]
    assert len(taps) > 50, "every calm path is walked"
    assert max(taps) <= 9 and statistics.median(taps) <= 8


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_calm_person_reads_little_before_the_result(locale: str) -> None:
    assert max(p.words for p in walked(locale).calm) <= 350


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_a_danger_sign_reaches_its_result_fast(locale: str) -> None:
    danger = walked(locale).danger
    first = [p for p in danger if p.first_screen]
    assert first and all(p.taps == 1 and p.level == "emergency_ambulance" for p in first)
    stops = [p for p in danger if p.level in STOP_LEVELS]
    assert len(stops) >= 13, "every emergency-level sign on the screens is walked"
    urgent = [p for p in danger if p.level == "urgent_doctor"]
    assert len(urgent) >= 15, "every urgent-level sign (fever, cancer history, ...) is walked"
    assert max(p.taps for p in danger) <= 4, [(p.danger, p.taps) for p in danger if p.taps > 4]


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_danger_sign_of_the_rule_table_is_on_the_first_screens(locale: str) -> None:
    """The walker reaches every danger-sign button a calm walk can offer: none is left out."""
    engine = _default_engine()
    walked_signs = {p.danger for p in walked(locale).danger}
    offered = {
        f
        for name, state in engine.flow.states.items()
        if state.group is None and name in {"rf_emergency", *_calm_questions(engine)}
        for c in state.choices
        for f in c.findings
        if is_danger(engine, f)
    }
    assert offered <= walked_signs, offered - walked_signs


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_first_result_fits_a_phone_screen_with_the_action_first(locale: str) -> None:
    engine = _default_engine()
    number = engine.catalog.text("ui.number_unknown", locale)
    m = walked(locale)
    for path in m.calm + m.danger:
        text = path.result.text
        assert len(text) <= 900, (path.level, path.danger, len(text))
        first = text.split("\n")[0]
        if path.level in STOP_LEVELS:
            assert number in first, first
        assert first.startswith(("📞", "🏥", "🩺", "🏠")), first


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_welcome_is_short_and_names_the_number(locale: str) -> None:
    welcome = walked(locale).welcome
    assert len(welcome) <= 400
    assert _default_engine().catalog.text("ui.number_unknown", locale) in welcome


def _every_question(engine: Engine, locale: str) -> list[tuple[str, str, list[str]]]:
    """Each question of the flow as shown, and each checklist again after one pick."""
    shown = []
    for name, state in engine.flow.states.items():
        if state.outcome is not None:
            continue
        session = Session(user="q", state=name, locale=locale)
        reply = engine.render.question(session)
        shown.append((name, reply.text, [c.label for c in reply.choices]))
        if state.multi:
            item = next(c for c in state.choices if c.findings)
            session.answers.append(Answer(name, item.id, item.findings))
            again = engine.render.question(session)
            shown.append((name, again.text, [c.label for c in again.choices]))
    return shown


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_every_question_and_button_is_short(locale: str) -> None:
    for name, text, labels in _every_question(_default_engine(), locale):
        assert len(text) <= 300, (name, len(text))
        for label in labels:
            assert len(label) <= LABEL_LIMIT[locale], (name, label)


def test_the_walker_sees_every_level_and_every_danger_level() -> None:
    m = walked("en")
    assert {p.level for p in m.calm} == {"urgent_doctor", "doctor", "self_care"}
    assert {p.level for p in m.danger} >= set(DANGER_LEVELS)
    assert all(p.result.kind is ReplyKind.OUTCOME for p in m.calm)


@pytest.mark.parametrize("code", ["RU", "GB", "DE", "IT", "CA", "AU", "US", "IL", "KZ", "DK"])
@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_first_result_fits_with_the_countrys_lines(
    countries: CountryCatalog, code: str, locale: str
) -> None:
    base = _default_engine()
    engine = Engine(base.flow, base.catalog, base.listener, clock=base.clock, countries=countries)
    blank = engine.new_session

    def in_country(user: str) -> Session:
        session = blank(user)
        session.country = code
        return session

    engine.new_session = in_country  # type: ignore[method-assign]
    walked_there = measure(engine, locale)
    longest = max(len(p.result.text) for p in walked_there.calm + walked_there.danger)
    assert longest <= 900, (code, locale, longest)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_country_question_costs_a_first_timer_exactly_one_tap(
    countries: CountryCatalog, locale: str
) -> None:
    base = _default_engine()
    engine = Engine(base.flow, base.catalog, base.listener, clock=base.clock, countries=countries)
    returning = measure(engine, locale)
    first = measure(engine, locale, first_time=True)
    assert sorted(p.taps + 1 for p in returning.calm) == sorted(p.taps for p in first.calm)
    assert all(p.taps == 1 for p in first.danger if p.first_screen), "danger first, untouched"


def _calm_questions(engine: Engine) -> set[str]:
    """The questions a calm walk shows (no danger sign, nothing remembered)."""
    chat_session = engine.new_session("calm")
    chat_session.asked_country = True
    shown: set[str] = set()
    replies = engine.handle(chat_session, Event(EventKind.START))
    for _ in range(20):
        current = next((r for r in reversed(replies) if r.choices), None)
        if current is None or current.question is None:
            break
        state = engine.flow.states.get(current.question)
        if state is None or state.outcome is not None:
            break
        shown.add(state.name)
        ids = [c.id for c in current.choices]
        choice = "none_of_these" if "none_of_these" in ids else ids[0]
        replies = engine.handle(chat_session, Event(EventKind.CHOICE, choice, current.question))
    return shown
