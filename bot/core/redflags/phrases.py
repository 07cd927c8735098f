"""Read and check the per-locale red-flag phrase files and compile their rule language.

Why: the detector (:mod:`bot.core.redflags.detector`) should only judge rules against a message.
Everything about the phrase lists themselves lives here instead: reading
``content/<locale>/redflags.yaml`` (its
scalars verbatim, with file and line for every error), checking that each file has exactly the
finding ids and control lists, and parsing the rule and control-list syntax documented at the
top of those files into term ids of a :class:`~bot.core.redflags.words.Lexicon`:

* ``read_entries`` and ``check_keys`` read a file and check its top-level keys;
* ``parse_rule`` turns ``[maybe:|gym:] slot + slot [~N] [! exclusion|...]`` into a ``Rule``;
* ``parse_control`` turns a control-list entry (``not ~2``) into a term id and negation reach.

Syntax errors are raised as ValueError; ``RedFlagDetector.load`` adds the file, line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ContentError
from bot.core.redflags.words import Lexicon

RED_FLAG_FINDINGS: tuple[str, ...] = (
    "major_trauma",
    "chest_or_abdominal_pain",
    "faint_dizzy_or_clammy",
    "confused_or_drowsy",
    "sudden_leg_paralysis",
    "saddle_numbness",
    "bladder_or_bowel_dysfunction",
    "sexual_dysfunction_new",
    "bilateral_leg_symptoms",
    "leg_weakness_progressive",
    "foot_drop",
    "cannot_walk_or_care_for_self",
    "dark_urine_after_exercise",
    "fever_or_chills",
    "history_of_cancer",
    "unexplained_weight_loss",
    "immunosuppression_or_iv_drug_use",
    "night_pain_not_eased_by_rest",
    "constant_pain_unrelieved_by_any_position",
    "flank_pain_or_blood_in_urine",
    "minor_trauma_with_osteoporosis_risk",
    "leg_weakness_one_side",
    "back_deformity_or_lump",
    "pain_worse_on_cough_or_sneeze",
)
"""Findings with ``red_flag: true`` in flows/rules.yaml that free text can reveal."""

CONTROL_KEYS: tuple[str, ...] = (
    "clause_breaks",
    "negation_before",
    "negation_after",
    "negation_links",
    "negation_stops",
    "doubt",
    "gym_context",
    "not_typos",
)
"""Per-locale word lists that steer matching; every redflags.yaml has all of them."""

DEFAULT_WINDOW = 6  # at most this many other words between the slots of one rule
NEGATION_BEFORE_REACH = 3  # default: a negation this many words before a slot negates it
MAX_NEGATION_REACH = 5  # a larger ~N is capped to this; the detector looks no further back

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~9x faster

_RULE_RE = re.compile(
    r"^(?:(?P<mode>maybe|gym):)?(?P<slots>[^~!]+)(?:~\s*(?P<win>\d+)\s*)?(?:!(?P<ex>.+))?$"
)
_REACH_RE = re.compile(r"^(?P<term>.*?)\s*~(?P<reach>\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level YAML key: its strings and the line each came from."""

    key: str
    items: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule of a finding (see the YAML header)."""

    finding: str
    slots: tuple[frozenset[int], ...]  # per slot: ids of the alternative terms
    excludes: frozenset[int]  # term ids that void a slot occurrence they overlap
    window: int
    reach: int  # window + longest term of each slot: no match spans more tokens
    mode: str  # "" (sure), "maybe" (always uncertain), "gym" (uncertain in gym context)


def read_entries(path: Path) -> list[Entry]:
    """Top-level keys of a redflags.yaml with string / list-of-string values and lines.

    Scalars are taken verbatim, so an unquoted ``no`` stays the word "no" (not False).
    """
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except OSError as exc:
        raise ContentError(f"cannot read red-flag phrases: {exc}", file=path) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ContentError(f"invalid YAML: {exc}", file=path, line=line) from exc
    if not isinstance(root, yaml.MappingNode):
        raise ContentError("top level must be a mapping of finding ids and lists", file=path)
    entries: list[Entry] = []
    for key_node, value in root.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if any(e.key == key for e in entries):
            raise ContentError("duplicate key", file=path, line=line, key=key)
        entries.append(Entry(key, _strings(value, path, key)))
    return entries


def _strings(node: yaml.Node, path: Path, key: str) -> tuple[tuple[str, int], ...]:
    nodes = node.value if isinstance(node, yaml.SequenceNode) else [node]
    items: list[tuple[str, int]] = []
    for item in nodes:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
            raise ContentError("expected a non-empty string", file=path, line=line, key=key)
        items.append((str(item.value), line))
    if not items:
        line = node.start_mark.line + 1
        raise ContentError("list must not be empty", file=path, line=line, key=key)
    return tuple(items)


def check_keys(entries: list[Entry], path: Path) -> None:
    expected = set(RED_FLAG_FINDINGS) | set(CONTROL_KEYS)
    for entry in entries:
        if entry.key not in expected:
            raise ContentError(
                "unknown key: use a red-flag finding id or one of " + ", ".join(CONTROL_KEYS),
                file=path,
                line=entry.items[0][1],
                key=entry.key,
            )
    for key in (*RED_FLAG_FINDINGS, *CONTROL_KEYS):
        if not any(e.key == key for e in entries):
            raise ContentError("missing key", file=path, key=key)


def parse_rule(text: str, finding: str, lexicon: Lexicon) -> Rule:
    """'gym: can't|cannot + walk|stand ~4 ! can't stand the' -> Rule (see YAML header)."""
    m = _RULE_RE.match(" ".join(text.split()))
    if m is None:
        raise ValueError("expected '[maybe:|gym:] slot + slot [~N] [! exclusion|...]'")
    slots = tuple(
        frozenset(lexicon.term(alt, fuzzy=True) for alt in _alternatives(slot))
        for slot in m["slots"].split("+")
    )
    if not all(slots):
        raise ValueError("empty slot between '+' signs")
    excludes = frozenset(lexicon.term(alt, fuzzy=False) for alt in _alternatives(m["ex"] or ""))
    window = int(m["win"]) if m["win"] else DEFAULT_WINDOW
    longest = sum(max(lexicon.term_length(t) for t in slot) for slot in slots)
    return Rule(finding, slots, excludes, window, window + longest, m["mode"] or "")


def _alternatives(slot: str) -> list[str]:
    alts = [a.strip() for a in slot.split("|")]
    if any(not a for a in alts) and slot.strip():
        raise ValueError(f"empty alternative in {slot.strip()!r}")
    return [a for a in alts if a]


def parse_control(key: str, text: str, lexicon: Lexicon) -> tuple[int, int]:
    """A control-list entry -> (term id, negation reach); 'not ~2' sets a reach of 2."""
    m = _REACH_RE.match(text)
    if m is not None and key != "negation_before":
        raise ValueError("~N is only allowed in negation_before")
    phrase, reach = (m["term"], int(m["reach"])) if m else (text, NEGATION_BEFORE_REACH)
    return lexicon.term(phrase, fuzzy=False), min(reach, MAX_NEGATION_REACH)
