"""Read and check the per-locale red-flag phrase files and compile their rule language.

Why: the detector (:mod:`bot.core.redflags.detector`) should only judge rules against a message.
Everything about the phrase lists themselves lives here instead: reading
``content/<locale>/redflags.yaml`` (its scalars verbatim), checking its shape with a pydantic
model whose errors name the file, line and key, and parsing the rule and control-list syntax
documented at the top of those files into term ids of a
:class:`~bot.core.redflags.words.Lexicon`:

* ``read_entries`` reads a file, validates it (:class:`PhraseFile`) and returns its keys;
* ``parse_rule`` turns ``[mode:] slot + slot [~N] [! exclusion|...]`` into a ``Rule``;
* ``parse_control`` turns a control-list entry (``not ~2``) into a term id and negation reach.

Syntax errors are raised as ValueError; ``RedFlagDetector.load`` adds the file, line and key.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

from bot.core.errors import ContentError
from bot.core.redflags.words import Lexicon, normalise
from bot.core.yamlfile import YamlSyntaxError, load_yaml, problems

EMERGENCY_FINDINGS: tuple[str, ...] = (
    "major_trauma",
    "chest_or_abdominal_pain",
    "faint_dizzy_or_clammy",
    "confused_or_drowsy",
    "sudden_leg_paralysis",
    "asks_for_emergency_help",
    "saddle_numbness",
    "bladder_or_bowel_dysfunction",
    "sexual_dysfunction_new",
    "bilateral_leg_symptoms",
    "leg_weakness_progressive",
    "foot_drop",
    "cannot_walk_or_care_for_self",
    "dark_urine_after_exercise",
    "pulsating_belly_or_known_aneurysm",
    "groin_or_testicle_pain_swelling",
    "pregnancy_warning_signs",
)
"""The findings free text can reveal whose level alone is an emergency (flows/rules.yaml; a
test keeps the two in step)."""

RED_FLAG_FINDINGS: tuple[str, ...] = (
    *EMERGENCY_FINDINGS,
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
    "muscle_swelling_after_training",
    "severe_pain_unable_to_move",
    "minor_fall_or_jolt",
)
"""Findings of flows/rules.yaml that free text can reveal (each redflags.yaml lists them all)."""

HISTORY_FINDINGS: frozenset[str] = frozenset(
    {
        "history_of_cancer",
        "immunosuppression_or_iv_drug_use",
        "minor_trauma_with_osteoporosis_risk",
        "unexplained_weight_loss",
        "pulsating_belly_or_known_aneurysm",
    }
)
"""Findings about the person's history: true when said of the past ("had cancer years ago",
"an aneurysm found last year" is still a known aneurysm), family history when said of
someone else ("my mum had cancer")."""

TRAINING_EXPLAINS: frozenset[str] = frozenset(
    {
        "leg_weakness_progressive",
        "leg_weakness_one_side",
        "bilateral_leg_symptoms",
        "muscle_swelling_after_training",
        "sudden_leg_paralysis",
        "back_deformity_or_lump",
    }
)
"""Findings whose gym: and maybe: rules ordinary training explains: legs that give out on the
last rep are muscle failure, muscles swollen "from the pump" are the pump."""

WEAK_AFTER_TRAINING: frozenset[str] = frozenset(
    {"leg_weakness_progressive", "leg_weakness_one_side", "bilateral_leg_symptoms"}
)
"""Findings whose gym: rules (weak, wobbly, giving legs) a gym_context phrase in the clause
explains on its own: "legs like jelly after squats" is fatigue. Paralysis and cannot-walk
rules stay a confirming question instead."""

WORD_LISTS: tuple[str, ...] = (
    "russian_markers",
    "ambiguous_short",
    "neither_negations",
    "neither_verbs",
    "concord",
    "free_order",
    "neither_any",
    "neither_openers",
    "laughs",
    "bare_no",
    "similes",
    "compared",
    "places",
    "ni_as_ne",
)
"""Control lists of plain words compared with the typed tokens (no terms, forms or typos),
for one language's grammar; another language's file may leave them empty ([])."""

CONTROL_KEYS: tuple[str, ...] = (
    "clause_breaks",
    "negation_before",
    "negation_after",
    "negation_links",
    "negation_echo",
    "novelty",
    "negation_stops",
    "list_joins",
    "purpose",
    "numbers",
    "doubt",
    "gym_context",
    "other_person",
    "self_person",
    "proxy",
    "urgent_now",
    "past",
    "cleared",
    "no_fall",
    "normal_training",
    "objects",
    "relief",
    "figurative",
    "not_literal",
    "not_typos",
    "fillers",
    "spellings",
    *WORD_LISTS,
)
"""Per-locale word lists that steer matching; every redflags.yaml has all of them."""

WORD_CLASSES = "word_classes"
"""Named lists of alternatives (``numb = numb|numbness|tingl*``), used in rules as ``@numb``:
one synonym class per idea, so every rule of every finding hears the same ways of saying it."""

INFLECTED_CONTROLS: frozenset[str] = frozenset(
    {"gym_context", "other_person", "past", "normal_training", "objects", "relief"}
)
"""Control lists whose words match their other forms too ("после дня груди" is "день груди");
the negation and doubt lists are function words and stay exact."""

EASED_BY_RELIEF: frozenset[str] = frozenset(
    {
        "night_pain_not_eased_by_rest",
        "constant_pain_unrelieved_by_any_position",
        "severe_pain_unable_to_move",
    }
)
"""Findings that say the pain does not ease or locks the person in place: a ``relief`` phrase
in the clause ("better at night", "loosens after a walk", "лёжа проходит") says the
opposite, unless it is negated ("not better at night")."""

DEFAULT_WINDOW = 6  # at most this many other words between the slots of one rule
NEGATION_BEFORE_REACH = 3  # default: a negation this many words before a slot negates it
MAX_NEGATION_REACH = 5  # a larger ~N is capped to this; the detector looks no further back


_RULE_RE = re.compile(
    r"^(?:(?P<status>status):\s*)?(?:(?P<train>train):\s*)?(?:(?P<mode>maybe|gym|sure|alone|told|recent|concept):)?(?P<slots>[^~!]+)(?:~\s*(?P<win>\d+)\s*)?(?:!(?P<ex>.+))?$"
)
_REACH_RE = re.compile(r"^(?P<term>.*?)\s*~(?P<reach>\d+)\s*$")


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


_Phrases = Annotated[
    list[Annotated[str, Field(pattern=r"\S")]], BeforeValidator(_as_list), Field(min_length=1)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Words = Annotated[list[Annotated[str, Field(pattern=r"\S")]], BeforeValidator(_as_list)]

PhraseFile: type[BaseModel] = create_model(
    "PhraseFile",
    __base__=_Strict,
    **{  # type: ignore[call-overload]
        key: (_Words if key in WORD_LISTS else _Phrases, ...)
        for key in (WORD_CLASSES, *CONTROL_KEYS, *RED_FLAG_FINDINGS)
    },
)
"""The shape of a redflags.yaml: every finding and control list, each a string or a list."""

_MESSAGES = {
    "missing": "missing key",
    "extra_forbidden": "unknown key: use a red-flag finding id or one of "
    + ", ".join(CONTROL_KEYS),
    "too_short": "list must not be empty",
    "string_type": "expected a non-empty string",
    "string_pattern_mismatch": "expected a non-empty string",
    "list_type": "expected a string or a list of strings",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One top-level YAML key: its strings and the line each came from."""

    key: str
    items: tuple[tuple[str, int], ...]


Terms = tuple[int, ...] | frozenset[int]
"""A rule's alternative term ids: read by ``set.intersection`` with the terms a message holds,
so a small tuple (a seventh of a frozenset's memory: most slots have under ten terms) does,
and only a long list of alternatives stays a set, where it keeps the intersection short."""
MAX_TUPLE_TERMS = 64


@dataclass(frozen=True, slots=True)
class Rule:
    """One compiled rule of a finding (see the YAML header)."""

    finding: str
    slots: tuple[Terms, ...]  # per slot: ids of the alternative terms
    excludes: Terms  # term ids that void a slot occurrence they overlap
    window: int
    reach: int  # window + longest term of each slot: no match spans more tokens
    mode: str  # "" (plain), "maybe" (always uncertain), "gym" (uncertain in gym context),
    # "sure" (doubt words do not make it uncertain: "I feel like I'm going to pass out"),
    # "alone" (only a hit when it is all the message says: "help!" vs "help me pick"),
    # "told" (a history told as one: "had leukemia as a kid, all clear now" is still a
    # history of cancer, so a cleared phrase beside it drops nothing),
    # "recent" (a procedure that counts only while recent: "a spinal injection last
    # month" is a finding, "an epidural when my son was born 7 years ago" is not),
    # "concept" (the second opinion: broad ideas in one clause, always uncertain)
    explained: bool = False  # "train:": the exercise named in its clause explains it, no hit
    # ("chest sore after bench press" is muscle soreness, "chest pain after bench" is asked)
    standing: bool = False  # "status:": its first slot is a standing fact said anywhere in
    # the message ("I'm 26 weeks pregnant. ... now some clear fluid is leaking")


def read_entries(path: Path) -> list[Entry]:
    """Top-level keys of a valid redflags.yaml with their strings and lines, in file order.

    Scalars are taken verbatim, so an unquoted ``no`` stays the word "no" (not False).
    Raises ContentError with file, line and key for malformed YAML or a wrong shape: the
    first problem in file order, a missing key last (a misspelt key is reported as unknown
    rather than its correct name as missing).
    """
    try:
        doc = load_yaml(path, verbatim=True)
    except OSError as exc:
        raise ContentError(f"cannot read red-flag phrases: {exc}", file=path) from exc
    except YamlSyntaxError as exc:
        raise ContentError(exc.problem, file=path, line=exc.line, key=exc.key) from exc
    if not isinstance(doc.data, dict):
        raise ContentError("top level must be a mapping of finding ids and lists", file=path)
    try:
        PhraseFile.model_validate(doc.data)
    except ValidationError as exc:
        first = min(problems(doc, exc), key=lambda p: (p.kind == "missing", p.line or 0))
        key = str(first.path[0]) if first.path else None
        message = _MESSAGES.get(first.kind, first.message)
        raise ContentError(message, file=path, line=first.line, key=key) from None
    entries: list[Entry] = []
    for key, value in doc.data.items():
        texts = value if isinstance(value, list) else [value]
        lines = (doc.line(key, i) or 1 for i in range(len(texts)))  # a scalar: its key's line
        entries.append(Entry(str(key), tuple(zip(map(str, texts), lines, strict=True))))
    return entries


def _terms(ids: Iterable[int]) -> Terms:
    """A rule's term ids, distinct: a sorted tuple, or a frozenset when there are many."""
    distinct = frozenset(ids)
    return distinct if len(distinct) > MAX_TUPLE_TERMS else tuple(sorted(distinct))


def parse_rule(text: str, finding: str, lexicon: Lexicon) -> Rule:
    """'gym: can't|cannot + walk|stand ~4 ! can't stand the' -> Rule (see YAML header)."""
    m = _RULE_RE.match(" ".join(text.split()))
    if m is None:
        raise ValueError(
            "expected '[status:] [train:] [maybe:|gym:|sure:|alone:|told:|concept:] slot + slot"
            " [~N]"
            " [! exclusion|...]'"
        )
    slots = tuple(
        _terms(
            lexicon.term(order, fuzzy=True, forms=True)
            for alt in _alternatives(slot)
            for order in _word_orders(alt, lexicon.free_order)
        )
        for slot in m["slots"].split("+")
    )
    if not all(slots):
        raise ValueError("empty slot between '+' signs")
    if m["status"] and len(slots) < 2:
        raise ValueError("a status: rule needs a slot after its standing fact")
    excludes = _terms(
        lexicon.term(alt, fuzzy=False, forms=True) for alt in _alternatives(m["ex"] or "")
    )
    window = int(m["win"]) if m["win"] else DEFAULT_WINDOW
    longest = sum(max(lexicon.term_length(t) for t in slot) for slot in slots)
    reach = window + longest
    mode = m["mode"] or ""
    return Rule(finding, slots, excludes, window, reach, mode, bool(m["train"]), bool(m["status"]))


def _word_orders(term: str, free: Collection[str]) -> tuple[str, ...]:
    """The term and, when it opens with a free_order phrase followed by one or two words,
    the same words with that phrase last: Russian says "не могу сесть" and "сесть не могу",
    "шагу сделать не могу" as well as "не могу сделать шагу"."""
    for opening in sorted(free, key=len, reverse=True):
        rest = term[len(opening) :].split()
        if term.startswith(opening + " ") and 1 <= len(rest) <= 2 and "*" not in rest[-1]:
            return term, f"{' '.join(rest)} {opening}"
    return (term,)


def _alternatives(slot: str) -> list[str]:
    alts = [a.strip() for a in slot.split("|")]
    if any(not a for a in alts) and slot.strip():
        raise ValueError(f"empty alternative in {slot.strip()!r}")
    return [a for a in alts if a]


_CLASS_RE = re.compile(r"^\s*(?P<name>[a-z_]+)\s*=\s*(?P<alts>.+)$")
_CLASS_USE_RE = re.compile(r"@([a-z_]+)")


def parse_class(text: str, classes: dict[str, str]) -> None:
    """'numb = numb|numbness|@asleep' -> classes["numb"]; a class may use earlier ones."""
    m = _CLASS_RE.match(" ".join(text.split()))
    if m is None:
        raise ValueError("expected 'name = alternative|alternative|...'")
    if m["name"] in classes:
        raise ValueError(f"word class {m['name']!r} defined twice")
    classes[m["name"]] = expand_classes(m["alts"], classes)


def expand_classes(text: str, classes: dict[str, str]) -> str:
    """Replace every ``@name`` in a rule by the alternatives of that word class."""

    def one(m: re.Match[str]) -> str:
        if m[1] not in classes:
            raise ValueError(f"unknown word class @{m[1]}")
        return classes[m[1]]

    return _CLASS_USE_RE.sub(one, text) if "@" in text else text


def parse_spelling(text: str) -> tuple[str, str]:
    """'cnt = can't' -> ("cnt", "can't"): a chat spelling and the listed word it stands for."""
    typed, sep, listed = text.partition("=")
    typed, listed = normalise(typed).strip(), normalise(listed).strip()
    if not sep or not typed or not listed or " " in typed or " " in listed:
        raise ValueError("expected 'typed = listed', one word each")
    return typed, listed


def parse_word(text: str) -> str:
    """An entry of a plain word list (see WORD_LISTS): one word, as the tokens spell it."""
    word = normalise(text).strip()
    if not word or " " in word:
        raise ValueError("expected one word")
    return word


def parse_expansion(text: str) -> tuple[str, tuple[str, ...]]:
    """'ни = не могу' -> ("ни", ("не", "могу")): a word and the words it is read as."""
    typed, sep, words = text.partition("=")
    typed, read = normalise(typed).strip(), tuple(normalise(words).split())
    if not sep or not typed or " " in typed or not read:
        raise ValueError("expected 'word = words'")
    return typed, read


def parse_control(key: str, text: str, lexicon: Lexicon) -> tuple[int, int]:
    """A control-list entry -> (term id, negation reach); 'not ~2' sets a reach of 2."""
    m = _REACH_RE.match(text)
    if m is not None and key != "negation_before":
        raise ValueError("~N is only allowed in negation_before")
    phrase, reach = (m["term"], int(m["reach"])) if m else (text, NEGATION_BEFORE_REACH)
    forms = key in INFLECTED_CONTROLS
    return lexicon.term(phrase, fuzzy=False, forms=forms), min(reach, MAX_NEGATION_REACH)
