"""The labelled red-flag phrase corpus and how the detector is scored on it.

Why: the detector's figures must be honest, so the phrases live in files split into a
development part (``*_dev.yaml``, tuned on) and a held-out part (``*_holdout.yaml``, written
before tuning and never tuned on). The tests assert the thresholds on both; the benchmark
prints the same figures per language and per finding.

A label is a finding id (a warning or a confirming question both count as caught), ``<id>!``
(only a certain warning counts), ``<id>?`` (a confirming question is right; a certain warning
is a false alarm) or ``benign`` (anything at all is a false positive).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import yaml

CORPUS = Path(__file__).with_name("corpus")
PARTS = (
    "dev",
    "holdout",
    "holdout2",
    "holdout3",
    "holdout4",
    "holdout5",
    "holdout6",
    "holdout7",
    "holdout8",
    "holdout9",
    "holdout10",
    "holdout11",
    "holdout12",
    "holdout13",
    "holdout16",
    "holdout17",
    "holdout18",
    "holdout19",
    "holdout22",
    "holdout23",
    "holdout24",
    "holdout25",
    "holdout26",
    "holdout27",
    "holdout28",
    "holdout29",
    "holdout30",
    "holdout31",
    "holdout32",
    "holdout33",
    "holdout34",
    "holdout35",
    "holdout36",
    "holdout37",
    "holdout38",
    "holdout39",
    "holdout40",
    "holdout41",
    "holdout42",
    "holdout43",
    "holdout44",
    "holdout45",
    "holdout46",
    "holdout47",
    "holdout48",
    "holdout49",
    "holdout50",
    "holdout51",
    "holdout52",
    "holdout53",
    "holdout54",
    "holdout55",
    "holdout56",
    "holdout57",
    "holdout58",
    "holdout59",
    "holdout60",
    "holdout61",
    "holdout62",
    "holdout63",
    "holdout64",
    "holdout65",
)
"""Parts written in both languages."""
ONLY_IN: dict[str, tuple[str, ...]] = {
    "en": ("holdout14", "holdout15", "holdout20", "holdout21"),
    "ru": (),
}
"""Parts written in one language (the twelfth round's blind Russian set was never written)."""
LANGUAGES = ("en", "ru")


def parts(language: str) -> tuple[str, ...]:
    """Every part of ``language``'s corpus, in order."""
    return PARTS + ONLY_IN[language]


BENIGN = "benign"


class _Hit(Protocol):
    @property
    def finding(self) -> str: ...
    @property
    def certain(self) -> bool: ...


Detect = Callable[[str], Sequence[_Hit]]


@dataclass(frozen=True, slots=True)
class Phrase:
    """One labelled phrase: its expected finding (or benign) and how sure the hit must be."""

    text: str
    finding: str  # a finding id or "benign"
    want: str  # "any", "certain", "question" or "none"


@functools.cache
def load(language: str, part: str) -> tuple[Phrase, ...]:
    """The phrases of ``<language>_<part>.yaml`` in file order.

    Read once per process (the files do not change during a run; tests, the benchmark's
    corpus rows and its per-finding table each read all 26), with libyaml's parser when
    PyYAML has it: the pure-Python one took about 0.1 s of CPU per file."""
    text = (CORPUS / f"{language}_{part}.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    phrases: list[Phrase] = []
    for label, texts in data.items():
        finding, want = label, "any"
        if label == BENIGN:
            want = "none"
        elif label.endswith("!"):
            finding, want = label[:-1], "certain"
        elif label.endswith("?"):
            finding, want = label[:-1], "question"
        phrases += [Phrase(str(text), finding, want) for text in texts]
    return tuple(phrases)


@dataclass(slots=True)
class Score:
    """Counts over a set of phrases; sensitivity over danger phrases, specificity over benign."""

    danger: int = 0
    caught: int = 0
    benign: int = 0
    quiet: int = 0
    benign_alarms: int = 0  # certain warnings on benign phrases: must stay 0
    question_alarms: int = 0  # certain warnings where a confirming question was right
    misses: list[Phrase] = field(default_factory=list)
    false_positives: list[tuple[Phrase, str]] = field(default_factory=list)
    per_finding: dict[str, tuple[int, int]] = field(default_factory=dict)  # -> (caught, all)

    @property
    def sensitivity(self) -> float:
        return self.caught / self.danger if self.danger else 1.0

    @property
    def specificity(self) -> float:
        return self.quiet / self.benign if self.benign else 1.0


def score(detect: Detect, phrases: Sequence[Phrase]) -> Score:
    """Run every phrase through ``detect`` and count what it caught and what it left alone."""
    result = Score()
    for phrase in phrases:
        hits = {h.finding: h.certain for h in detect(phrase.text)}
        if phrase.want == "none":
            result.benign += 1
            if hits:
                result.false_positives.append((phrase, _describe(hits)))
                result.benign_alarms += any(hits.values())
            else:
                result.quiet += 1
            continue
        result.danger += 1
        certain = hits.get(phrase.finding)
        ok = certain is not None and (phrase.want != "certain" or certain)
        if phrase.want == "question" and certain:
            result.question_alarms += 1
            ok = False
        result.caught += ok
        if not ok:
            result.misses.append(phrase)
        caught, total = result.per_finding.get(phrase.finding, (0, 0))
        result.per_finding[phrase.finding] = (caught + ok, total + 1)
    return result


def _describe(hits: dict[str, bool]) -> str:
    return ", ".join(f"{f}{'' if c else '?'}" for f, c in sorted(hits.items()))


def report(name: str, result: Score) -> list[str]:
    """Human-readable lines: the totals, per finding, then each miss and false positive."""
    lines = [
        f"{name}: sensitivity {result.sensitivity:.1%} ({result.caught}/{result.danger}), "
        f"specificity {result.specificity:.1%} ({result.quiet}/{result.benign}), "
        f"certain alarms on benign {result.benign_alarms}, "
        f"alarms instead of a question {result.question_alarms}"
    ]
    for finding, (caught, total) in sorted(result.per_finding.items()):
        lines.append(f"  {finding:42} {caught:3}/{total:<3} {caught / total:.0%}")
    lines += [f"  MISS [{p.finding}/{p.want}] {p.text}" for p in result.misses]
    lines += [f"  FALSE [{hits}] {p.text}" for p, hits in result.false_positives]
    return lines
