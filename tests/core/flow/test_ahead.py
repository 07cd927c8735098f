"""Which questions can still raise a level: from the rule table and the flow graph only."""

from __future__ import annotations

import pytest

from bot.core.engine import Engine
from bot.core.flow.ahead import Ahead


@pytest.fixture
def ahead(engine: Engine) -> Ahead:
    return Ahead(engine.flow)


def matters(ahead: Ahead, state: str, *findings: str) -> bool:
    question = ahead.flow.states[state]
    return ahead.matters(question, findings, question.choices)


def test_signs_of_a_higher_level_always_matter(ahead: Ahead) -> None:
    assert matters(ahead, "rf_hospital", "fever_or_chills")  # cauda equina: hospital
    assert matters(ahead, "rf_emergency", "history_of_cancer")


def test_a_combination_with_what_is_known_matters(ahead: Ahead) -> None:
    assert matters(ahead, "about", "fever_or_chills")  # C3: weak immunity
    assert matters(ahead, "age", "flank_pain_or_blood_in_urine")  # C7: 50 or over


def test_a_question_that_leads_to_a_higher_level_matters(ahead: Ahead) -> None:
    # "pregnant" leads to the maternity warning signs (hospital): About you matters
    assert matters(ahead, "about", "painful_urination")


def test_questions_that_cannot_raise_it_do_not(ahead: Ahead) -> None:
    assert not matters(ahead, "onset", "fever_or_chills")  # C8/C12/C14 stop at urgent
    assert not matters(ahead, "course", "fever_or_chills")
    assert not matters(ahead, "age", "fever_or_chills")  # C7 needs a finding no longer asked


def test_a_combination_completed_by_a_later_question_counts(ahead: Ahead) -> None:
    # at the first checklist with cancer known: C6 with a leg sign on the same screen
    assert matters(ahead, "rf_urine", "history_of_cancer")
    # at the age with a fragile skeleton: C7 needs a sign the questions ahead cannot give
    assert not matters(ahead, "age", "minor_trauma_with_osteoporosis_risk")


def test_skipping_follows_the_way_none_of_these_goes(ahead: Ahead, engine: Engine) -> None:
    verdict = engine.flow.rules.verdict(["fever_or_chills"])
    assert ahead.skip(engine.flow.states["onset"], verdict) == "course"
    assert ahead.skip(engine.flow.states["course"], verdict) == "out_urgent_doctor"


def test_a_combination_that_only_a_later_answer_completes(ahead: Ahead) -> None:
    """Checked with the findings the questions ahead could add (for flows whose order puts
    one half of a combination before the other)."""
    rank = ahead.rules.rank("urgent_doctor")
    known = frozenset({"painful_urination"})
    later = {"flank_pain_or_blood_in_urine"}
    assert ahead._completes(known, {"age_over_50"}, later, rank)  # C7 needs both
    assert not ahead._completes(known, {"age_over_50"}, set(), rank), "nothing ahead to meet"
    # with a fever known, the flank pain alone already means hospital (C5): the age adds nothing
    fever = frozenset({"fever_or_chills"})
    assert not ahead._completes(fever, {"age_over_50"}, later, rank)
