"""Spot red-flag symptoms in anything the user types, in English and Russian.

Why: clinical policy says free text beats buttons. Someone who writes "I can't feel my groin"
halfway through the questionnaire must get the warning at once, not after six more questions.
Gym talk shares words with red flags ("legs are dead after squats", "chest press"), so a finding
only fires on a symptom-specific *combination* of words (numb word + saddle-area word, leg word +
cannot-move word) inside a short window, never on a single common word.

The phrase lists are data (``content/<locale>/redflags.yaml``); the pattern language is
documented at the top of those files. This module compiles them once at load, then ``detect``
tokenises a message, finds the rule matches and judges each one:

* negation shortly before a slot ("no numbness", "не немеет") or right after the match
  ("онемения нет") in the same phrase drops it;
* doubt in the same clause ("not sure if", "кажется", a question mark) keeps it but marks it
  uncertain, so the engine asks a direct confirming question; doubt also beats negation;
* a typo of one edit on a word of 5+ letters still matches ("numbnes", "онемениe").

Every loaded locale is checked on every message, because people mix languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, pairwise, product
from pathlib import Path
from typing import Any

import yaml

from bot.core.errors import ContentError

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
"""Findings with red flag = yes (clinical.md section 3) that free text can reveal."""

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
MAX_NEGATION_REACH = 5
NEGATION_AFTER_REACH = 4  # "температуры и озноба нет": at most this far after the match
MIN_FUZZY_LEN = 5  # typo tolerance only for words this long ...
MIN_FUZZY_STEM_LEN = 6  # ... and stems this long (a short stem plus a typo matches too much)
MAX_OCCURRENCES = 6  # per slot, so a pathological message cannot explode the search
_CACHE_LIMIT = 50_000
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~9x faster

_RULE_RE = re.compile(
    r"^(?:(?P<mode>maybe|gym):)?(?P<slots>[^~!]+)(?:~\s*(?P<win>\d+)\s*)?(?:!(?P<ex>.+))?$"
)
_REACH_RE = re.compile(r"^(?P<term>.*?)\s*~(?P<reach>\d+)\s*$")
_TEXT_RE = re.compile(
    r"(?P<num>\d+(?:[.,]\d+)?)|(?P<word>[^\W\d_]+(?:['\-][^\W\d_]+)*)|(?P<q>\?)"
    r"|(?P<stop>[.!;…\n]+)|(?P<pause>[,:()\"«»/]+|\s[-–—]+\s)"
)
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмтнв", "aceopxykmthb")


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    """A red-flag finding seen in free text; ``certain`` is False when said with doubt."""

    finding: str
    certain: bool


@dataclass(frozen=True, slots=True)
class _Rule:
    finding: str
    slots: tuple[tuple[int, ...], ...]  # per slot: ids of the alternative terms
    excludes: tuple[int, ...]  # term ids that void a slot occurrence they overlap
    window: int
    mode: str  # "" (sure), "maybe" (always uncertain), "gym" (uncertain in gym context)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    sentence: int
    phrase: int  # commas, colons and dashes start a new phrase


# --------------------------------------------------------------------------- text


def normalise(text: str) -> str:
    """Case, Unicode form, ё/е and apostrophes folded so that lists stay short."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return re.sub(r"[’‘`´ʼ]", "'", text)


def _fix_mixed_script(word: str) -> str:
    """'онемениe' with a Latin 'e' is read as all-Cyrillic (the majority script wins)."""
    cyr = sum("а" <= ch <= "я" for ch in word)
    lat = sum("a" <= ch <= "z" for ch in word)
    if not cyr or not lat:
        return word
    return word.translate(_LATIN_TO_CYRILLIC if cyr >= lat else _CYRILLIC_TO_LATIN)


def tokenise(text: str) -> list[_Token]:
    """Words, numbers and '?' with sentence and phrase numbers; hyphens split words."""
    tokens: list[_Token] = []
    sentence = phrase = 0
    for m in _TEXT_RE.finditer(normalise(text)):
        kind = m.lastgroup
        if kind in ("stop", "pause"):
            phrase += 1
            sentence += kind == "stop"
            continue
        for part in m.group().split("-"):
            tokens.append(_Token(_fix_mixed_script(part), sentence, phrase))
        if kind == "q":
            sentence, phrase = sentence + 1, phrase + 1
    return tokens


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, also counting one swap of neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        swapped = i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


# --------------------------------------------------------------------------- lexicon


class _Lexicon:
    """Word patterns (exact words and stems) and the terms (word sequences) built from them."""

    def __init__(self) -> None:
        self.words: dict[tuple[str, bool, bool], int] = {}  # (text, stem, fuzzy)
        self.terms: dict[tuple[int, ...], int] = {}
        self.terms_by_first: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        self.not_typos: set[str] = set()
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._stem_lengths: list[int] = []
        self._near: dict[str, list[tuple[str, bool, int]]] = {}  # deletion variant -> words
        self._cache: dict[str, frozenset[int]] = {}

    def term(self, phrase: str, *, fuzzy: bool) -> int:
        """Id of a term such as "can't feel" or "онемел*"; registers it on first use."""
        ids: list[int] = []
        for chunk in phrase.split():
            stem = chunk.endswith("*")
            parts = [t.text for t in tokenise(chunk.rstrip("*"))]
            if not parts:
                raise ValueError(f"no letters or digits in {chunk!r}")
            for n, part in enumerate(parts):
                ids.append(self._word(part, stem and n == len(parts) - 1, fuzzy=fuzzy))
        key = tuple(ids)
        if key not in self.terms:
            self.terms[key] = len(self.terms)
            self.terms_by_first.setdefault(key[0], []).append((self.terms[key], key))
        return self.terms[key]

    def _word(self, text: str, stem: bool, *, fuzzy: bool) -> int:
        """Typo-tolerant words get their own id, so "never" the negation stays exact."""
        min_len = MIN_FUZZY_STEM_LEN if stem else MIN_FUZZY_LEN
        fuzzy = fuzzy and text.isalpha() and len(text) >= min_len
        wid = self.words.setdefault((text, stem, fuzzy), len(self.words))
        return wid

    def finish(self) -> None:
        """Build the lookup tables once every term is known."""
        self._exact, self._stems, self._near = {}, {}, {}
        for (text, stem, fuzzy), wid in self.words.items():
            (self._stems if stem else self._exact).setdefault(text, []).append(wid)
            for variant in {text, *_deletions(text)} if fuzzy else ():
                self._near.setdefault(variant, []).append((text, stem, wid))
        self._stem_lengths = sorted({len(t) for t in self._stems})
        self._cache.clear()

    def classify(self, token: str) -> frozenset[int]:
        """Ids of every word pattern this token matches (cached: chat reuses words)."""
        hit = self._cache.get(token)
        if hit is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            hit = self._cache[token] = frozenset(self._match(token))
        return hit

    def _match(self, token: str) -> Iterator[int]:
        yield from self._exact.get(token, ())
        for n in self._stem_lengths:
            yield from self._stems.get(token[:n], ()) if n <= len(token) else ()
        if len(token) >= MIN_FUZZY_LEN and token.isalpha() and not self._is_known(token):
            yield from self._typo_match(token)

    def _is_known(self, token: str) -> bool:
        return token in self._exact or token in self.not_typos

    def _typo_match(self, token: str) -> Iterator[int]:
        """Words (whole token) and stems (token prefix) one edit away, via deletion variants.

        The first letter must be right: typos there are rare, and allowing them turns
        "never" into "fever" and "everything" into "fever*".
        """
        lengths = {k for n in self._stem_lengths for k in (n - 1, n, n + 1) if k <= len(token)}
        for probe in {token, *(token[:k] for k in lengths)}:
            for variant in {probe, *_deletions(probe)}:
                for text, stem, wid in self._near.get(variant, ()):
                    first_ok = probe[0] == text[0]
                    if first_ok and (stem or probe == token) and _within_one_edit(probe, text):
                        yield wid


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Entry:
    """One YAML value: the strings and the line each came from."""

    key: str
    items: tuple[tuple[str, int], ...]


def _read_entries(path: Path) -> list[_Entry]:
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
    entries: list[_Entry] = []
    for key_node, value in root.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if any(e.key == key for e in entries):
            raise ContentError("duplicate key", file=path, line=line, key=key)
        entries.append(_Entry(key, _strings(value, path, key)))
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
        raise ContentError(
            "list must not be empty", file=path, line=node.start_mark.line + 1, key=key
        )
    return tuple(items)


def _check_keys(entries: list[_Entry], path: Path) -> None:
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


def _parse_rule(text: str, finding: str, lexicon: _Lexicon) -> _Rule:
    """'gym: can't|cannot + walk|stand ~4 ! can't stand the' -> _Rule (see YAML header)."""
    m = _RULE_RE.match(" ".join(text.split()))
    if m is None:
        raise ValueError("expected 'slot + slot [~N] [! exclusion|...]'")
    slots = tuple(
        tuple(lexicon.term(alt, fuzzy=True) for alt in _alternatives(slot))
        for slot in m["slots"].split("+")
    )
    if not all(slots):
        raise ValueError("empty slot between '+' signs")
    excludes = tuple(lexicon.term(alt, fuzzy=False) for alt in _alternatives(m["ex"] or ""))
    window = int(m["win"]) if m["win"] else DEFAULT_WINDOW
    return _Rule(finding, slots, excludes, window, m["mode"] or "")


def _alternatives(slot: str) -> list[str]:
    alts = [a.strip() for a in slot.split("|")]
    if any(not a for a in alts) and slot.strip():
        raise ValueError(f"empty alternative in {slot.strip()!r}")
    return [a for a in alts if a]


# --------------------------------------------------------------------------- detector

Occurrence = tuple[int, int]  # token span [start, end) of a term


@dataclass(slots=True)
class _Message:
    """One analysed message: tokens, term occurrences and the scopes derived from them."""

    tokens: list[_Token]
    spans: dict[int, list[Occurrence]]  # term id -> occurrences
    clause: list[int]
    phrase: list[int]
    marks: dict[str, set[int]]  # control list -> token indices it covers
    negation_reach: dict[int, int]  # last token of a negation -> how many words it reaches
    negation_after: list[Occurrence]
    symptom_words: set[int]  # tokens inside any slot term: "и озноба" may precede "нет"


class RedFlagDetector:
    """Compiled phrase lists of one or more locales; ``detect`` is pure and thread-safe."""

    def __init__(self, rules: list[_Rule], controls: dict[str, dict[int, int]], lexicon: _Lexicon):
        self._rules = rules
        self._controls = controls  # control list -> {term id: negation reach}
        self._lexicon = lexicon
        self._rules_by_term: dict[int, list[int]] = {}
        for index, rule in enumerate(rules):
            for term in {t for slot in rule.slots for t in slot}:
                self._rules_by_term.setdefault(term, []).append(index)

    @classmethod
    def load(cls, content_dir: Path, locales: Sequence[str] = ("en", "ru")) -> RedFlagDetector:
        """Read ``content/<locale>/redflags.yaml`` for each locale and compile them together.

        Raises ContentError naming the file, line and key of anything malformed.
        """
        lexicon = _Lexicon()
        rules: list[_Rule] = []
        controls: dict[str, dict[int, int]] = {key: {} for key in CONTROL_KEYS}
        for locale in locales:
            path = Path(content_dir) / locale / "redflags.yaml"
            entries = _read_entries(path)
            _check_keys(entries, path)
            for entry in entries:
                for text, line in entry.items:
                    try:
                        if entry.key in controls:
                            _add_control(entry.key, text, controls, lexicon)
                        else:
                            rules.append(_parse_rule(text, entry.key, lexicon))
                    except ValueError as exc:
                        raise ContentError(
                            f"{exc}: {text!r}", file=path, line=line, key=entry.key
                        ) from exc
        lexicon.finish()
        return cls(rules, controls, lexicon)

    def detect(self, text: str) -> list[RedFlagHit]:
        """Red-flag findings mentioned in ``text``: one hit per finding, negated ones left out."""
        message = self._analyse(text)
        candidates = {i for term in message.spans for i in self._rules_by_term.get(term, ())}
        best: dict[str, bool] = {}
        for index in sorted(candidates):
            rule = self._rules[index]
            if not best.get(rule.finding):
                verdict = _judge_rule(rule, message)
                if verdict is not None:
                    best[rule.finding] = best.get(rule.finding, False) or verdict
        return [RedFlagHit(finding, certain) for finding, certain in best.items()]

    def _analyse(self, text: str) -> _Message:
        tokens = tokenise(text)
        spans = _find_terms(tokens, self._lexicon)

        def occurrences(key: str) -> list[Occurrence]:
            return [occ for term in self._controls[key] for occ in spans.get(term, ())]

        marks = {key: {i for s, e in occurrences(key) for i in range(s, e)} for key in CONTROL_KEYS}
        clause, phrase = _scopes(tokens, {s for s, _ in occurrences("clause_breaks")})
        reach = self._controls["negation_before"]
        negation_reach = {
            e - 1: reach[term]
            for term in reach
            for s, e in spans.get(term, ())
            if marks["doubt"].isdisjoint(range(s, e))
        }
        after = [o for o in occurrences("negation_after") if marks["doubt"].isdisjoint(range(*o))]
        symptoms = {
            i for t in spans if t in self._rules_by_term for s, e in spans[t] for i in range(s, e)
        }
        return _Message(tokens, spans, clause, phrase, marks, negation_reach, after, symptoms)


def _add_control(
    key: str, text: str, controls: dict[str, dict[int, int]], lexicon: _Lexicon
) -> None:
    if key == "not_typos":
        lexicon.not_typos.add(normalise(text).strip())
        return
    m = _REACH_RE.match(text)
    if m is not None and key != "negation_before":
        raise ValueError("~N is only allowed in negation_before")
    phrase, reach = (m["term"], int(m["reach"])) if m else (text, NEGATION_BEFORE_REACH)
    controls[key][lexicon.term(phrase, fuzzy=False)] = min(reach, MAX_NEGATION_REACH)


def _find_terms(tokens: list[_Token], lexicon: _Lexicon) -> dict[int, list[Occurrence]]:
    """Every occurrence of every known term in the token stream."""
    ids = [lexicon.classify(t.text) for t in tokens]
    spans: dict[int, list[Occurrence]] = {}
    for start, first in enumerate(ids):
        for wid in first:
            for term_id, words in lexicon.terms_by_first.get(wid, ()):
                end = start + len(words)
                if end <= len(ids) and all(w in ids[start + k] for k, w in enumerate(words)):
                    spans.setdefault(term_id, []).append((start, end))
    return spans


def _scopes(tokens: list[_Token], breaks: set[int]) -> tuple[list[int], list[int]]:
    """Clause and phrase number per token; a clause break ("but", "но") opens both."""
    clause: list[int] = []
    phrase: list[int] = []
    c = p = 0
    for i, token in enumerate(tokens):
        if i and token.sentence != tokens[i - 1].sentence:
            c += 1
        if i and (token.phrase != tokens[i - 1].phrase or i in breaks):
            p += 1
        c += i in breaks
        clause.append(c)
        phrase.append(p)
    return clause, phrase


# --------------------------------------------------------------------------- judging


def _judge_rule(rule: _Rule, message: _Message) -> bool | None:
    """True: a sure hit; False: a hit said with doubt; None: no un-negated match."""
    per_slot = [_slot_occurrences(slot, rule.excludes, message) for slot in rule.slots]
    if not all(per_slot):
        return None
    verdict: bool | None = None
    for combo in product(*per_slot):
        if _fits(combo, rule.window, message):
            result = _judge_combo(rule, combo, message)
            if result:
                return True
            verdict = verdict if result is None else result
    return verdict


def _slot_occurrences(
    slot: tuple[int, ...], excludes: tuple[int, ...], message: _Message
) -> list[Occurrence]:
    blocked = {i for t in excludes for s, e in message.spans.get(t, ()) for i in range(s, e)}
    found = (
        occ
        for term in slot
        for occ in message.spans.get(term, ())
        if blocked.isdisjoint(range(*occ))
    )
    return list(islice(found, MAX_OCCURRENCES))


def _fits(combo: tuple[Occurrence, ...], window: int, message: _Message) -> bool:
    """Slots do not overlap, sit in one sentence, with at most ``window`` other words between."""
    ordered = sorted(combo)
    if any(a[1] > b[0] for a, b in pairwise(ordered)):
        return False
    first, last = ordered[0][0], ordered[-1][1]
    same_sentence = message.tokens[first].sentence == message.tokens[last - 1].sentence
    between = last - first - sum(e - s for s, e in ordered)
    return same_sentence and between <= window


def _judge_combo(rule: _Rule, combo: tuple[Occurrence, ...], message: _Message) -> bool | None:
    covered = {i for s, e in combo for i in range(s, e)}
    clauses = {message.clause[i] for i in covered}
    doubt = any(message.clause[i] in clauses for i in message.marks["doubt"] - covered)
    if _negated(combo, covered, message):
        return False if doubt else None
    if doubt or rule.mode == "maybe":
        return False
    if rule.mode == "gym":
        sentence = message.tokens[combo[0][0]].sentence
        return all(message.tokens[i].sentence != sentence for i in message.marks["gym_context"])
    return True


def _negated(combo: tuple[Occurrence, ...], covered: set[int], message: _Message) -> bool:
    if any(_negated_before(s, covered, message) for s, _ in combo):
        return True
    end = max(e for _, e in combo)
    return any(_negated_after(end, occ, message) for occ in message.negation_after)


def _negated_before(start: int, covered: set[int], message: _Message) -> bool:
    """A negation shortly before ``start`` in its phrase, with no stop word in between."""
    for i in range(start - 1, max(start - 1 - MAX_NEGATION_REACH, -1), -1):
        if message.phrase[i] != message.phrase[start]:
            return False
        if i in covered:
            continue
        if start - i <= message.negation_reach.get(i, 0):
            return True
        if i in message.marks["negation_stops"]:
            return False
    return False


def _negated_after(end: int, negation: Occurrence, message: _Message) -> bool:
    """'онемения нет', 'fever: none', 'температуры и озноба нет', but not 'отнялись, сил нет'."""
    start, stop = negation
    if not end <= start < end + NEGATION_AFTER_REACH:
        return False
    if message.tokens[start].sentence != message.tokens[end - 1].sentence:
        return False
    links = message.marks["negation_links"] | message.symptom_words
    return links.issuperset(range(end, start)) and _closes_phrase(stop, message)


def _closes_phrase(end: int, message: _Message) -> bool:
    """'онемения нет' / 'температуры нет и ...': nothing but a link word follows in the phrase."""
    if end >= len(message.tokens) or message.phrase[end] != message.phrase[end - 1]:
        return True
    return end in message.marks["negation_links"]
