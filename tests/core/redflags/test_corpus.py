"""The labelled phrase corpus: how many typed danger signs are caught, how much gym talk is left.

Targets (issue "hear what people type"): at least 98% of danger phrases get a warning or a
confirming question, at least 95% of benign phrases get neither, and a benign phrase never
gets a certain alarm. The development part is what the lists were tuned on; the held-out
part was written first and never tuned on, so its floor is what the detector really does on
phrasing it has not seen (``FLOORS``; raise it when the detector improves, never lower it).
"""

from __future__ import annotations

import pytest

from bot.core.redflags.detector import RedFlagDetector
from tests.core.redflags import corpus

SENSITIVITY, SPECIFICITY = 0.98, 0.95
# Held-out floors (sensitivity, specificity) as measured; below the targets where marked.
FLOORS = {"en": (0.98, 0.95), "ru": (0.98, 0.95)}


@pytest.mark.parametrize("language", corpus.LANGUAGES)
def test_each_language_has_at_least_400_labelled_phrases(language: str) -> None:
    phrases = [p for part in corpus.PARTS for p in corpus.load(language, part)]
    assert len(phrases) >= 400
    assert sum(p.finding == corpus.BENIGN for p in phrases) >= 150
    assert len({p.text for p in phrases}) == len(phrases), "a phrase is listed twice"


def test_no_held_out_phrase_is_also_a_development_phrase() -> None:
    for language in corpus.LANGUAGES:
        dev = {p.text.casefold() for p in corpus.load(language, "dev")}
        held = {p.text.casefold() for p in corpus.load(language, "holdout")}
        assert not dev & held, language


@pytest.mark.parametrize("language", corpus.LANGUAGES)
def test_development_phrases_meet_the_targets(detector: RedFlagDetector, language: str) -> None:
    result = corpus.score(detector.detect, corpus.load(language, "dev"))
    report = "\n".join(corpus.report(f"{language} dev", result))
    assert result.sensitivity >= SENSITIVITY, report
    assert result.specificity >= SPECIFICITY, report
    assert result.benign_alarms == 0, report
    assert result.question_alarms == 0, report


@pytest.mark.parametrize("language", corpus.LANGUAGES)
def test_held_out_phrases_stay_above_their_floor(detector: RedFlagDetector, language: str) -> None:
    result = corpus.score(detector.detect, corpus.load(language, "holdout"))
    sensitivity, specificity = FLOORS[language]
    summary = corpus.report(f"{language} holdout", result)[0]  # totals only: never tune on it
    assert result.sensitivity >= sensitivity, summary
    assert result.specificity >= specificity, summary
    assert result.benign_alarms == 0, summary
