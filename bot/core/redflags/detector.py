"""Spot red-flag symptoms in anything the user types, in English and Russian.

Why: clinical policy says free text beats buttons. Someone who writes "I can't feel my groin"
halfway through the questionnaire must get the warning at once, not after six more questions.
Gym talk shares words with red flags ("legs are dead after squats", "chest press"), so a finding
only fires on a symptom-specific *combination* of words (numb word + saddle-area word, leg word +
cannot-move word) close together, never on a single common word.

The phrase lists are our own data (``content/<locale>/redflags.yaml``); the pattern language is
documented at the top of those files. Reading and checking them and parsing the rules lives
in :mod:`bot.core.redflags.phrases`; turning text into known word and term ids (normalising,
tokenising, typo and mixed-script tolerance, the word trie) in :mod:`bot.core.redflags.words`.
This module judges the rules: ``load`` compiles the lists once; ``detect`` tokenises a message,
finds every known term, then judges each candidate rule:

* a negation shortly before a slot ("no numbness", "не немеет") or closing the phrase after the
  match ("онемения нет", "fever: none") drops the match, unless it is a purpose ("чтобы стопа
  не цеплялась", "so that my toes don't catch": what it denies happens otherwise) or agrees
  with the match's own "не" ("ни разу не пописала": Russian negatives do not cancel);
* doubt in the same clause ("not sure if", "кажется", a question mark) keeps it but marks it
  uncertain, so the engine asks a direct confirming question; doubt beats negation; a doubt
  word right before a number only estimates it ("maybe 4 metres");
* whose and when (:func:`_context`): another person's history ("my mum had cancer"), a test
  that came back clear, something long past, a thing that fell ("the bar fell") or ordinary
  training that explains it ("gave out on the last rep") drops the match; another person's
  emergency ("my friend collapsed") is asked about, since a bystander may need the number,
  and their other findings ("my daughter has a fever") are dropped;
* a ``figurative`` phrase right after the match ("passed out laughing") drops it, and so
  does a ``not_literal`` one in its sentence ("figuratively", a price, "jk"); a
  ``relief`` phrase in its clause ("better at night") drops night and constant pain; a
  workout named in the sentence makes findings hard training mimics (spent legs, a cut)
  a question rather than an alarm;
* ``concept:`` rules are the second opinion behind the phrase rules: broad ideas of a
  finding met in one clause, always a confirming question, dropped beside a cleared phrase;
* ``sure:`` rules ignore doubt words that are part of the symptom ("I feel like I'm going to
  pass out"); ``alone:`` rules are a hit only when they are the whole message ("help!!!");
  ``train:`` rules are dropped when the exercise named beside them explains them ("heart
  pounding after sprints");
* findings that mean more together are combined (:func:`_combine`): a fall and not being
  able to move or get up is ``major_trauma``, however low the fall.

Word forms, typos, invisible characters and Russian in Latin letters are handled before any
of this, in :mod:`bot.core.redflags.words`. Every loaded locale is checked on every message,
because people mix languages. ``detect(text)`` is the whole API: any adapter (a message, a
caption, an edited or forwarded text) calls it with the text and gets the hits.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from bot.core.errors import ContentError
from bot.core.redflags import compiled
from bot.core.redflags.cache import ByteBoundedCache
from bot.core.redflags.morphology import is_cyrillic
from bot.core.redflags.phrases import (
    CONTROL_KEYS,
    EASED_BY_RELIEF,
    EMERGENCY_FINDINGS,
    HISTORY_FINDINGS,
    MAX_NEGATION_REACH,
    RED_FLAG_FINDINGS,
    TRAINING_EXPLAINS,
    WEAK_AFTER_TRAINING,
    WORD_CLASSES,
    WORD_LISTS,
    Rule,
    Terms,
    expand_classes,
    parse_class,
    parse_control,
    parse_expansion,
    parse_rule,
    parse_spelling,
    parse_word,
    read_entries,
)
from bot.core.redflags.table import IntLists
from bot.core.redflags.trie import Occurrence
from bot.core.redflags.words import (
    SHARED_MORPHOLOGY,
    Lexicon,
    Tokens,
    normalise,
    spell_out_neither_verbs,
    tokenise,
)

_GLUED_RE = re.compile(r"(?<!\w)не\w{4}", re.IGNORECASE)  # "немогу", not "не могу"
NAMED_BEFORE_REACH = 12  # "my mum, two years after the op, had cancer again": this far back
NEGATION_AFTER_REACH = 4  # "температуры и озноба нет": at most this far after the match


@dataclass(frozen=True, slots=True)
class RedFlagHit:
    """A red-flag finding seen in free text; ``certain`` is False when said with doubt."""

    finding: str
    certain: bool


# --------------------------------------------------------------------------- detector


@dataclass
class _Message:
    """One analysed message: tokens, term occurrences and the scopes derived from them."""

    tokens: Tokens
    spans: dict[int, list[Occurrence]]  # term id -> occurrences
    found: set[int]  # term ids that occur
    clause: list[int]
    phrase: list[int]
    marks: dict[str, set[int]]  # control list -> token indices it covers
    negation_reach: dict[int, int]  # last token of a negation -> how many words it reaches
    negation_after: list[Occurrence]
    slot_terms: list[int]  # found terms that are part of some rule
    concord: Set[str]  # a match's own "не" (the concord list): see _agrees
    soft_doubt: set[int]  # doubt marks that do not undo a denial: "?" and laughs
    bare_no: Set[str]  # a whole answer that says no (the bare_no list): see _answered_no
    places: Set[str]  # "in", "в": "my" after one names a place, not the person (_named_before)
    _answers: dict[int, str | tuple[int, ...] | None] = field(default_factory=dict)

    @cached_property
    def asked_sentences(self) -> set[int]:
        """The sentences that hold a question mark (_not_meant: "...? mine is normal")."""
        texts, sentence = self.tokens.texts, self.tokens.sentence
        return {sentence[i] for i, text in enumerate(texts) if text == "?"}

    @cached_property
    def symptom_words(self) -> set[int]:
        """Tokens inside any slot term ("и озноба" may precede "нет"); only negations need
        them, so most messages never pay for them."""
        return _sign_words(self.spans, self.slot_terms)

    @cached_property
    def mark_clauses(self) -> dict[str, Counter[int]]:
        """Per control list, how many of its tokens each clause holds: "is there one near
        this match" is then a sum over the match's clauses, not a walk over every mark of a
        long message for every combination judged."""
        return {key: Counter(self.clause[i] for i in idx) for key, idx in self.marks.items()}

    def answer_after(self, end: int) -> str | tuple[int, ...] | None:
        """How the message answers the question a match ending at ``end`` is in: BARE_NO ("?
        No."), CLEAR_VALUE ("? 36,6."), the tokens of the phrase after a "no," that says
        what it is instead, or None (no question, no answer, or one that confirms it). The
        same for every rule, so computed once per question mark: a flood of answered
        questions judges hundreds of matches."""
        if end not in self._answers:
            self._answers[end] = _answer_after(end, self)
        return self._answers[end]

    @cached_property
    def negation_after_at(self) -> dict[int, list[Occurrence]]:
        """The negation_after occurrences by their first token: a match looks only at the few
        tokens after it, not at every "нет" of a long message."""
        at: dict[int, list[Occurrence]] = {}
        for occ in self.negation_after:
            at.setdefault(occ[0], []).append(occ)
        return at

    @cached_property
    def sign_starts(self) -> set[int]:
        """Tokens where a slot term starts (_closes_phrase: "нет моча обычная")."""
        return {s for term in self.slot_terms for s, _ in self.spans[term]}

    @cached_property
    def sign_ends(self) -> dict[int, int]:
        """Token right after a slot term -> where the longest such term starts
        (_negated_before: "онемения нет ноги отнялись")."""
        ends: dict[int, int] = {}
        for term in self.slot_terms:
            for start, end in self.spans[term]:
                ends[end] = min(start, ends.get(end, start))
        return ends

    @cached_property
    def terms_at(self) -> dict[int, set[int]]:
        """Per token, the found terms with an occurrence covering it (_answered_no)."""
        at: dict[int, set[int]] = {}
        for term, occurrences in self.spans.items():
            for start, end in occurrences:
                for i in range(start, end):
                    at.setdefault(i, set()).add(term)
        return at

    @cached_property
    def negation_transparent(self) -> set[int]:
        """Tokens a negation reaches across without using up its reach: symptom words and
        link words ("not dizzy or faint"). Built once per message, not once per match."""
        return self.symptom_words | self.marks["negation_links"] | self.marks["list_joins"]


class RedFlagDetector:
    """Compiled phrase lists of one or more locales; ``detect`` is pure and thread-safe."""

    def __init__(
        self, rules: list[Rule], controls: dict[str, dict[int, int]], lexicon: Lexicon
    ) -> None:
        self._rules = _shared_sets(rules)
        self._lexicon = lexicon
        self._negation_reach = controls["negation_before"]
        controls_of_term: dict[int, tuple[str, ...]] = {}
        for key, terms in controls.items():
            for term in terms:
                controls_of_term[term] = (*controls_of_term.get(term, ()), key)
        shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # a few dozen distinct lists
        self._controls_of_term = {t: shared.setdefault(k, k) for t, k in controls_of_term.items()}
        # term -> rule index * SLOT_CODES + slot number, packed: 8,000 lists of (rule, bit)
        # tuples were 2.4 MB of a running bot, one flat table is a tenth of that
        slots_of_term: dict[int, list[int]] = {}
        for index, rule in enumerate(rules):
            if len(rule.slots) > SLOT_CODES:
                raise ValueError(f"a rule has more than {SLOT_CODES} slots")
            for number, slot in enumerate(rule.slots):
                for term in slot:
                    slots_of_term.setdefault(term, []).append(index * SLOT_CODES + number)
        self._slots_of_term = IntLists(slots_of_term)
        self._all_slots = [(1 << len(rule.slots)) - 1 for rule in rules]

    @classmethod
    def load(cls, content_dir: Path, locales: Sequence[str] = ("en", "ru")) -> RedFlagDetector:
        """The detector of ``content/<locale>/redflags.yaml`` for each locale: from the cache
        file when it was compiled from these very files (:mod:`bot.core.redflags.compiled`),
        else compiled now and saved.

        Raises ContentError naming the file, line and key of anything malformed.
        """
        sources = [Path(content_dir) / locale / "redflags.yaml" for locale in locales]
        key = compiled.key_of(sources, SHARED_MORPHOLOGY.fingerprint)
        detector, _ = compiled.load_or_build(
            SHARED_MORPHOLOGY.cache_dir, key, cls, lambda: cls.compile(content_dir, locales)
        )
        return detector

    @classmethod
    def compile(cls, content_dir: Path, locales: Sequence[str] = ("en", "ru")) -> RedFlagDetector:
        """Read ``content/<locale>/redflags.yaml`` for each locale and compile them together.

        Raises ContentError naming the file, line and key of anything malformed.
        """
        lexicon = Lexicon()
        rules: list[Rule] = []
        controls: dict[str, dict[int, int]] = {key: {} for key in CONTROL_KEYS}
        for locale in locales:
            path = Path(content_dir) / locale / "redflags.yaml"
            entries = read_entries(path)
            classes: dict[str, str] = {}
            # Classes first, then the plain word lists (rules read free_order), then the rest.
            entries.sort(key=lambda e: (e.key != WORD_CLASSES, e.key not in WORD_LISTS))
            for entry in entries:
                for text, line in entry.items:
                    try:
                        if entry.key == WORD_CLASSES:
                            parse_class(text, classes)
                        elif entry.key == "not_typos":
                            lexicon.not_typos.add(normalise(text).strip())
                        elif entry.key == "fillers":
                            lexicon.fillers.add(normalise(text).strip())
                        elif entry.key == "spellings":
                            typed, listed = parse_spelling(text)
                            lexicon.spellings[typed] = listed
                        elif entry.key == "neither_verbs":
                            typed, words = parse_expansion(text)
                            lexicon.neither_verbs[typed] = words
                        elif entry.key == "free_order":
                            lexicon.free_order.add(" ".join(normalise(text).split()))
                        elif entry.key in WORD_LISTS:
                            getattr(lexicon, entry.key).add(parse_word(text))
                        elif entry.key in controls:
                            term, reach = parse_control(entry.key, text, lexicon)
                            controls[entry.key][term] = reach
                        else:
                            rules.append(
                                parse_rule(expand_classes(text, classes), entry.key, lexicon)
                            )
                    except ValueError as exc:
                        raise ContentError(
                            f"{exc}: {text!r}", file=path, line=line, key=entry.key
                        ) from exc
        lexicon.finish()
        return cls(rules, controls, lexicon)

    @property
    def word_cache(self) -> ByteBoundedCache[frozenset[int]]:
        """The per-word cache (bounded in bytes), for tests and the benchmark."""
        return self._lexicon.cache

    def clear_caches(self) -> None:
        """Empty the caches of what earlier messages looked up (the benchmark's cold runs)."""
        self._lexicon.clear_caches()

    def detect(self, text: str) -> list[RedFlagHit]:
        """Red-flag findings mentioned in ``text``: one hit per finding, negated ones left out."""
        message = self._analyse(text)
        best: dict[str, bool] = {}
        for index in self._candidates(message.found):
            rule = self._rules[index]
            if not best.get(rule.finding):
                verdict = _judge_rule(rule, message)
                if verdict is not None:
                    best[rule.finding] = best.get(rule.finding, False) or verdict
        _combine(best)
        return [RedFlagHit(finding, certain) for finding, certain in best.items()]

    def _candidates(self, found: set[int]) -> list[int]:
        """Rules with a term found for every slot, in file order."""
        seen: dict[int, int] = {}
        for term in found:
            for code in self._slots_of_term.get(term):
                index = code // SLOT_CODES
                seen[index] = seen.get(index, 0) | 1 << code % SLOT_CODES
        return sorted(i for i, bits in seen.items() if bits == self._all_slots[i])

    def _analyse(self, text: str) -> _Message:
        tokens = tokenise(self._lexicon.spell_pictographs(text))  # "🥚 swollen"
        if _GLUED_RE.search(text):  # a glued "не" is rare: most messages skip the scan
            tokens = self._lexicon.split_glued_negation(tokens)
        lexicon = self._lexicon
        if not lexicon.neither_verbs.keys().isdisjoint(tokens.texts):  # "ни встать, ни сесть"
            tokens = spell_out_neither_verbs(
                tokens, lexicon.neither_verbs, lexicon.neither_negations
            )
        spans = self._lexicon.find_terms(tokens.texts)
        marks: dict[str, set[int]] = {key: set() for key in CONTROL_KEYS}
        controls = self._controls_of_term
        for term in spans.keys() & controls.keys():
            covered = {i for s, e in spans[term] for i in range(s, e)}
            for key in controls[term]:
                marks[key] |= covered
        clause, phrase = _scopes(tokens, marks["clause_breaks"], marks["list_joins"])
        denials = marks["negation_before"]
        if not lexicon.compared.isdisjoint(tokens.texts):  # "worse than normal DOMS"
            denials = denials | {i for i, t in enumerate(tokens.texts) if t in lexicon.compared}
        slot_terms = [t for t in spans if t in self._slots_of_term]
        for key in EXPLAINING:  # "didn't eat beets", "nothing like DOMS" explain nothing
            if marks[key]:
                marks[key] = _undenied(
                    key, spans, controls, denials, phrase, slot_terms, marks["self_person"]
                )
        texts = tokens.texts
        soft = {i for i in marks["doubt"] if texts[i] == "?" or texts[i] in lexicon.laughs}
        if marks["cleared"] and marks["doubt"]:  # "ничего серьёзного, наверное" clears nothing
            marks["cleared"] -= _hedged(spans, controls, marks["doubt"] - soft)
        if marks["other_person"]:
            marks["other_person"] -= _not_people(spans, controls, tokens, lexicon.similes)
        doubt = marks["doubt"]
        if doubt:
            doubt -= _estimates(doubt, marks["numbers"], tokens.texts)
            if marks["urgent_now"]:
                doubt -= _asking_what_to_do(doubt, marks["urgent_now"], tokens.texts)
        # "такого никогда не было", "never had this before" say the sign is new: no denial
        quiet = doubt | marks["novelty"] if marks["novelty"] else doubt
        reach = {
            e - 1: self._negation_reach[term]
            for term in spans.keys() & self._negation_reach.keys()
            for s, e in spans[term]
            if quiet.isdisjoint(range(s, e)) and not _ni_inside(s, e, tokens, lexicon)
        }
        after = [
            occ
            for occ in _control_spans("negation_after", spans, controls)
            if quiet.isdisjoint(range(*occ))
        ]
        return _Message(
            tokens,
            spans,
            set(spans),
            clause,
            phrase,
            marks,
            reach,
            after,
            slot_terms,
            lexicon.concord,
            soft & doubt,
            lexicon.bare_no,
            lexicon.places,
        )


NI_CONCORD_LOOKBACK = 6  # a neither_negations word this close before "ни" agrees with it
# (the neither_verbs spelling-out looks only NI_NEGATION_LOOKBACK back: it needs the verb's
# own "не", where agreement reaches a whole list, "не чувствую ни ног, ни паха")


def _ni_inside(start: int, end: int, tokens: Tokens, lexicon: Lexicon) -> bool:
    """A lone "ни" (a neither_verbs word) that is no denial: after a negation it agrees with
    ("не чувствую ни ног, ни паха": the neither_negations list), inside its phrase ("не могу
    поднять ни одну ногу"), or before a word of "in no way" ("ни лёжа, ни сидя", "ни капли":
    the neither_any list); "ни температуры, ни слабости" (opening its phrase, or after a
    neither_openers word, "и", "при этом") denies what follows, and so does a "ни" before a
    verb's ending of the ni_as_ne list ("ноги ни немеют": "не" spelt as it sounds)."""
    texts = tokens.texts
    if end - start != 1 or texts[start] not in lexicon.neither_verbs:
        return False
    if end < len(texts) and texts[end] in lexicon.neither_any:
        return True
    if end < len(texts) and lexicon.ni_as_ne and texts[end].endswith(tuple(lexicon.ni_as_ne)):
        return False  # "ноги ни немеют", "ни магу": "не" typed as it sounds, a denial
    sentence = tokens.sentence[start]
    for i in range(start - 1, max(start - 1 - NI_CONCORD_LOOKBACK, -1), -1):
        if tokens.sentence[i] != sentence:
            break
        if texts[i] in lexicon.neither_negations:
            return True
    before = start - 1
    if before < 0 or tokens.phrase[before] != tokens.phrase[start]:
        return False
    return texts[before] not in lexicon.neither_openers


def _answered_no(end: int, rule: Rule, message: _Message) -> bool:
    """The match is in a question the message answers with a bare "no" (the bare_no list): as
    a sentence of its own ("Dizzy? No. Faint? No.", a checklist the person went through), or
    before a phrase that says what it is instead ("рак? нет, просто паникую", "упал? нет,
    нога соскользнула"). A phrase that repeats the rule's words or has a negation of its own
    confirms the sign instead ("can't feel my legs? no, I can't", "нет, вообще не чувствую").
    A sentence of nothing but a ``cleared`` phrase answers no too ("Температура? 36,6."),
    except for the emergencies no cleared phrase silences (NEVER_CLEARED).
    """
    answer = message.answer_after(end)
    if answer is None:
        return False
    if isinstance(answer, str):  # BARE_NO or CLEAR_VALUE
        return answer == BARE_NO or rule.finding not in NEVER_CLEARED
    if rule.finding in FOR_ANYONE:
        return False  # "ambulance? no, call one now"
    terms_at = message.terms_at
    return not any(
        term in slot for i in answer for term in terms_at.get(i, ()) for slot in rule.slots
    )


BARE_NO, CLEAR_VALUE = "no", "clear"  # Message.answer_after: "Dizzy? No.", "Температура? 36,6."


def _answer_after(end: int, message: _Message) -> str | tuple[int, ...] | None:
    """See _Message.answer_after."""
    texts, sentence = message.tokens.texts, message.tokens.sentence
    if sentence[end - 1] not in message.asked_sentences:
        return None
    asked = end  # the question mark closing the match's sentence: "rabdo u menya? net"
    while asked < len(texts) and texts[asked] != "?" and sentence[asked] == sentence[end - 1]:
        asked += 1
    answer = asked + 1
    if answer >= len(texts) or texts[asked] != "?":
        return None
    if texts[answer] not in message.bare_no:  # "Температура? 36,6." answers with a clear value
        cleared, reply = message.marks["cleared"], answer
        while reply < len(texts) and sentence[reply] == sentence[answer]:
            if reply not in cleared:
                return None
            reply += 1
        return CLEAR_VALUE
    if answer + 1 == len(texts) or sentence[answer + 1] != sentence[answer]:
        return BARE_NO
    phrase, marks = message.phrase, message.marks
    if phrase[answer + 1] == phrase[answer]:
        return None  # "no I can't": the answer goes on in one breath
    instead = [answer + 1]
    while instead[-1] + 1 < len(texts) and phrase[instead[-1] + 1] == phrase[answer + 1]:
        instead.append(instead[-1] + 1)
    for key in ("negation_before", "negation_after", "urgent_now"):
        if not marks[key].isdisjoint(instead):
            return None
    if not message.concord.isdisjoint(texts[i] for i in instead):
        return None
    return tuple(instead)


def _asking_what_to_do(doubt: set[int], urgent: set[int], texts: list[str]) -> set[int]:
    """Question marks that ask what to do or whether to call ("ноги отнялись, звонить 112?",
    "can't feel my legs, what do I do?"): the symptom is not in doubt, only the next step."""
    asking: set[int] = set()
    for i in sorted(doubt):
        if texts[i] == "?" and (i - 1 in urgent or i - 1 in asking):  # "едет??"
            asking.add(i)
    return asking


EXPLAINING = ("cleared", "normal_training", "not_literal")
"""Control lists that explain a sign away, and so explain nothing when denied."""
UNDENIED_REACH = 3  # a negation this many words before an explanation (same phrase) denies it


def _undenied(
    key: str,
    spans: dict[int, list[Occurrence]],
    controls: dict[int, tuple[str, ...]],
    negations: set[int],
    phrase: list[int],
    slot_terms: list[int],
    mine: set[int],
) -> set[int]:
    """The words of ``key``'s phrases that no negation touches: "свёклу не ел", "didn't eat
    any beetroot", "nothing like DOMS" name a harmless cause only to rule it out, so it
    explains nothing. A negation counts right after the phrase or after an "I" (``mine``) there
    (in its phrase: "my whole life, nothing new" is no denial) or before it
    (:func:`_negation_before`).
    """
    kept: set[int] = set()
    signs: set[int] | None = None  # the signs' words, gathered only when a negation is near
    for s, e in _control_spans(key, spans, controls):
        after = e + (e in mine)  # "свёклу не ел", "на сушке я не сидел"
        if after in negations and phrase[after] == phrase[s]:
            continue
        near = _negation_before(s, negations, phrase)
        if near is not None and near != s - 1:
            signs = _sign_words(spans, slot_terms) if signs is None else signs
            if not signs.isdisjoint(range(near, s - 1)):
                near = None
        if near is None:
            kept.update(range(s, e))
    return kept


def _hedged(
    spans: dict[int, list[Occurrence]], controls: dict[int, tuple[str, ...]], doubt: set[int]
) -> set[int]:
    """The words of ``cleared`` phrases said with a doubt word right beside them: "probably
    nothing serious", "ничего серьёзного, наверное" are the person's hope, not a test that
    came back clear, so they explain nothing away. A question mark or a laugh is no hedge
    ("Температура? 36,6.", "on a night out lol")."""
    hedged: set[int] = set()
    for s, e in _control_spans("cleared", spans, controls):
        if s - 1 in doubt or e in doubt:
            hedged.update(range(s, e))
    return hedged


def _control_spans(
    key: str, spans: dict[int, list[Occurrence]], controls: dict[int, tuple[str, ...]]
) -> Iterator[Occurrence]:
    """Where the phrases of control list ``key`` occur in the message."""
    for term in spans.keys() & controls.keys():
        if key in controls[term]:
            yield from spans[term]


def _negation_before(start: int, negations: set[int], phrase: list[int]) -> int | None:
    """The closest negation in ``start``'s phrase at most ``UNDENIED_REACH`` words before it
    ("theyre not, just DOMS" is no denial: the comma ends it)."""
    for i in range(start - 1, max(start - 1 - UNDENIED_REACH, -1), -1):
        if phrase[i] != phrase[start]:
            return None
        if i in negations:
            return i
    return None


def _sign_words(spans: dict[int, list[Occurrence]], slot_terms: list[int]) -> set[int]:
    """Tokens inside any slot term. A negation in a sign's words, or with them between it
    and an explanation ("не могу встать рано", "ноги чуть не отказали на рекорде"), denies
    the sign, not the explanation."""
    return {i for term in slot_terms for s, e in spans[term] for i in range(s, e)}


def _not_people(
    spans: dict[int, list[Occurrence]],
    controls: dict[int, tuple[str, ...]],
    tokens: Tokens,
    similes: set[str],
) -> set[int]:
    """Words of ``other_person`` phrases that name no one else with the symptom: after a
    comparison ("трясёт как собаку", "walking like my grandad"), or a one-word address
    opening the message ("тренер, обе ноги немеют", "coach, my legs are numb")."""
    found: set[int] = set()
    texts, phrase = tokens.texts, tokens.phrase
    for s, e in _control_spans("other_person", spans, controls):
        addressed = s == 0 and e == 1 and e < len(phrase) and phrase[e] != phrase[0]
        if addressed or (s and texts[s - 1] in similes):
            found.update(range(s, e))
    return found


def _estimates(doubt: set[int], numbers: set[int], texts: list[str]) -> set[int]:
    """Doubt words that only estimate the number right after them ("maybe 4 metres", "может
    3 метра", "probably ten days"): the fall, the weight or the days are not in doubt, only
    their count. ``numbers`` are the words of the ``numbers`` lists."""
    out: set[int] = set()
    for i in sorted(doubt, reverse=True):
        if i + 1 in out or (
            i + 1 not in doubt
            and i + 1 < len(texts)
            and (texts[i + 1][:1].isdigit() or i + 1 in numbers)
        ):
            out.add(i)
    return out


SLOT_CODES = 16  # slots a rule may have (the longest has far fewer)
PURPOSE_REACH = 4  # a purpose word at most this many words before the negation it turns
FALLS = ("major_trauma", "minor_fall_or_jolt")
ASK_FOR_OTHERS = frozenset(
    {*RED_FLAG_FINDINGS} - HISTORY_FINDINGS | {"unexplained_weight_loss"}
) - {
    "asks_for_emergency_help",
    "fever_or_chills",  # "my kid has a fever": a child's illness, not a back after training
    "minor_fall_or_jolt",  # "подруга упала на катке": a small fall matters to a back that hurts
}
"""Someone else's symptom ("my friend collapsed", "my husband wet himself and didn't feel
it", "у мужа колики под рёбрами", "my mum's right leg is getting weaker", "my daughter has
lost weight without dieting", "у мамы обе ноги немеют"): a partner, a parent or a coach may
be typing for the person, so it is asked about with the number visible. Their history ("my
mum had cancer", "dad has an aneurysm", "my coach had sciatica": a cleared phrase) and a
child's fever are not the person's own and are dropped."""
THINGS_CAN_FALL = frozenset({*FALLS, "faint_dizzy_or_clammy"})
"""Findings a thing can be the subject of: "the bar fell", "the tent collapsed"."""
FOR_ANYONE = frozenset({"asks_for_emergency_help"})  # "someone call 911": whoever it is for
NEVER_CLEARED = (frozenset(EMERGENCY_FINDINGS) - FOR_ANYONE) | {"muscle_swelling_after_training"}
"""The emergency symptoms (a plea is words, not a symptom). A ``cleared`` phrase in the
clause ("the scan was clear", "a video about", "early") explains most findings away, but never
silences one of these: "woke up early and can't feel my legs" gets a confirming question with
the number (clinical.md 1: a red flag said with doubt is asked about, never met with
silence). Only merely suggestive wording (a ``maybe:`` or ``concept:`` rule) is dropped, and a
``maybe:`` one only when a workout is named too: "lightheaded after sprints, drank water and
it passed" tells a cause and an end, while "passed out after sprints" is still asked. Swollen,
hard muscles after training are never silenced either: "pee is clear" beside them rules out
the dark urine only, not the muscle breakdown it would have come with (clinical.md 3.2)."""
CANNOT_MOVE = ("sudden_leg_paralysis", "cannot_walk_or_care_for_self", "severe_pain_unable_to_move")
TRAINING_MIMICS = frozenset(
    {
        "sudden_leg_paralysis",
        "bilateral_leg_symptoms",
        "leg_weakness_progressive",
        "leg_weakness_one_side",
        "foot_drop",
        "cannot_walk_or_care_for_self",
        "unexplained_weight_loss",
        "back_deformity_or_lump",
        "severe_pain_unable_to_move",
    }
)
"""Findings hard training often mimics (spent legs, a dragging foot at the end of a long run,
a cut, a pumped back): said in the same sentence as a gym_context phrase, any rule of theirs
asks, with the number visible, instead of alarming ("my legs stopped working on the last
lap, totally gassed"). Findings that training does not explain (a numb groin, dark urine,
whose definition includes the training) keep their certainty."""
UNCERTAIN_MODES = frozenset({"maybe", "concept"})
"""Rule modes whose hits are always a confirming question: ``maybe:`` wording is suggestive,
and ``concept:`` rules are the second opinion behind the phrase rules (broad ideas met in one
clause: a bladder word with a control word), which hears paraphrase the lists never saw but
may also hear gym talk, so it asks and never alarms."""


def _combine(best: dict[str, bool]) -> None:
    """Findings that together mean more than each alone, added to ``best`` in place.

    A fall and then not being able to move or get up is a possible spinal injury: the person
    must not be moved, so it is ``major_trauma`` (call the emergency number) however low the
    fall, certain when not moving was said without doubt ("fell off a box and can't move").
    A plea that alone would only be asked about ("sos", "help" beside other words) is a
    certain call for help when the same message says, without doubt, that the person cannot
    move or get up ("help, I can't get up"): that is someone stuck who needs the number now.
    """
    if any(f in best for f in FALLS) and any(f in best for f in CANNOT_MOVE):
        sure = any(best.get(f) for f in CANNOT_MOVE)
        best["major_trauma"] = best.get("major_trauma", False) or sure
    if best.get("asks_for_emergency_help") is False and any(best.get(f) for f in CANNOT_MOVE):
        best["asks_for_emergency_help"] = True


def _scopes(tokens: Tokens, break_words: set[int], joins: set[int]) -> tuple[list[int], list[int]]:
    """Clause and phrase number per token; a clause break ("but", "но") opens both, and a
    list word opening a phrase ("не было ни онемения, ни слабости") continues the one
    before it, so the negation in front reaches every item of the list."""
    if not break_words and not joins:
        return tokens.sentence, tokens.phrase
    starts = {i for i in break_words if i == 0 or i - 1 not in break_words}
    clause: list[int] = []
    phrase: list[int] = []
    c = p = 0
    for i in range(len(tokens.texts)):
        if i and tokens.sentence[i] != tokens.sentence[i - 1]:
            c += 1
        opens = tokens.phrase[i] != tokens.phrase[i - 1] if i else False
        joined = opens and i in joins and tokens.sentence[i] == tokens.sentence[i - 1]
        if i and ((opens and not joined) or i in starts):
            p += 1
        c += i in starts
        clause.append(c)
        phrase.append(p)
    return clause, phrase


def _shared_sets(rules: list[Rule]) -> list[Rule]:
    """The rules with equal term sets as one object: classes expand into the same sets in
    many rules (2,500 sets, 1,700 distinct), and the cache file keeps what is shared."""
    shared: dict[Terms, Terms] = {}
    return [
        replace(
            rule,
            slots=tuple(shared.setdefault(slot, slot) for slot in rule.slots),
            excludes=shared.setdefault(rule.excludes, rule.excludes),
        )
        for rule in rules
    ]


# --------------------------------------------------------------------------- judging


def _judge_rule(rule: Rule, message: _Message) -> bool | None:
    """True: a sure hit; False: a hit said with doubt; None: no un-negated match."""
    found = message.found
    blocked = {
        i
        for t in found.intersection(rule.excludes)
        for s, e in message.spans[t]
        for i in range(s, e)
    }
    per_slot = [_slot_occurrences(slot, blocked, message) for slot in rule.slots]
    facts = per_slot.pop(0) if rule.standing else None
    if facts == []:
        return None
    verdict: bool | None = None
    never_sure = rule.mode in UNCERTAIN_MODES  # its best is a question: the first one will do
    for nearby in _nearby_combinations(per_slot, rule.reach):
        if _fits(nearby, rule.window, message, concept=rule.mode == "concept"):
            combo = nearby if facts is None else _with_fact(facts, nearby)
            if combo is None:
                continue
            result = _judge_combo(rule, combo, message)
            if result or (result is False and never_sure):
                return result
            verdict = verdict if result is None else result
    return verdict


def _with_fact(
    facts: list[Occurrence], nearby: tuple[Occurrence, ...]
) -> tuple[Occurrence, ...] | None:
    """A ``status:`` rule's match: the standing fact nearest to the rest of it (anywhere in
    the message, but not inside it) in front of the rest; None when there is no such fact.
    "I'm pregnant" in the first sentence and "fluid is leaking" in the third are one hit."""
    start, end = min(s for s, _ in nearby), max(e for _, e in nearby)
    apart = [f for f in facts if f[1] <= start or f[0] >= end]
    if not apart:
        return None
    fact = min(apart, key=lambda f: start - f[1] if f[1] <= start else f[0] - end)
    return (fact, *nearby)


def _slot_occurrences(slot: Terms, blocked: set[int], message: _Message) -> list[Occurrence]:
    found = [occ for term in message.found.intersection(slot) for occ in message.spans[term]]
    if blocked:
        found = [occ for occ in found if blocked.isdisjoint(range(*occ))]
    return sorted(set(found))  # one span found by several terms of the slot is one occurrence


def _nearby_combinations(
    per_slot: list[list[Occurrence]], reach: int
) -> Iterator[tuple[Occurrence, ...]]:
    """One occurrence per slot, all within ``reach`` tokens, depth first: the first sure hit
    ends the search, and a long message stays linear in its length."""
    if not per_slot[0]:
        return
    starts = [[s for s, _ in occurrences] for occurrences in per_slot]
    last = len(per_slot) - 1

    def grow(
        n: int, chosen: tuple[Occurrence, ...], lo: int, hi: int
    ) -> Iterator[tuple[Occurrence, ...]]:
        occurrences = per_slot[n]
        for s, e in occurrences[bisect_left(starts[n], hi - reach) :]:
            if s > lo + reach:
                break
            if max(hi, e) - min(lo, s) <= reach:
                if n == last:
                    yield (*chosen, (s, e))
                else:
                    yield from grow(n + 1, (*chosen, (s, e)), min(lo, s), max(hi, e))

    for occ in per_slot[0]:
        if last == 0:
            yield (occ,)
        else:
            yield from grow(1, (occ,), occ[0], occ[1])


def _fits(
    combo: tuple[Occurrence, ...], window: int, message: _Message, *, concept: bool = False
) -> bool:
    """Slots do not overlap, sit in one sentence (one clause for a ``concept:`` rule: its
    ideas are broad, so "but" must not join two halves), with at most ``window`` other words
    between."""
    ordered = sorted(combo)
    words, previous_end = 0, -1
    for start, end in ordered:
        if start < previous_end:
            return False
        words += end - start
        previous_end = end
    first, last = ordered[0][0], previous_end
    scope = message.clause if concept else message.tokens.sentence
    return last - first - words <= window and scope[first] == scope[last - 1]


def _judge_combo(rule: Rule, combo: tuple[Occurrence, ...], message: _Message) -> bool | None:
    covered = {i for s, e in combo for i in range(s, e)}
    context = _context(rule, covered, message)
    if context == "drop":
        return None
    if rule.standing and _someone_elses(combo[0], message):
        # "my mum has osteoporosis. I lifted a box": her fact, not the person's, unless the
        # person types for her ("she's with me")
        if not message.marks["proxy"]:
            return None
        context = "ask"
    said = covered.difference(range(*combo[0])) if rule.standing else covered  # the sign
    doubt = rule.mode != "sure" and bool(message.marks["doubt"]) and _has_doubt(said, message)
    if (message.negation_reach or message.negation_after) and _negated(combo, covered, message):
        # a doubt word beats the negation ("not sure if it's numb"); a question mark or a
        # laugh does not ("not dizzy, just curious: should I stretch?", "not confused lol")
        return False if doubt and _has_doubt(said, message, words_only=True) else None
    if any(_answered_no(end, rule, message) for _, end in combo):
        return None  # "Dizzy? No. Faint? No.": the person answered their own question
    if rule.mode == "alone" and len(covered) < len(message.tokens.texts):
        return None  # "help!" is a plea; "help, which protein?" and "help! my PR" are not
    if doubt or rule.mode in UNCERTAIN_MODES or context == "ask":
        return False
    if rule.mode == "gym" or rule.finding in TRAINING_MIMICS:
        sentence = message.tokens.sentence
        here = sentence[combo[0][0]]
        return all(sentence[i] != here for i in message.marks["gym_context"])
    return True


def _context(rule: Rule, covered: set[int], message: _Message) -> str:
    """ "drop" for a test that came back clear, something long past, an exercise that
    explains a ``train:`` rule or another person's non-emergency finding; "ask" for another
    person's emergency; "" when it is about the person now. A match that itself names the
    person ("someone dropped a plate on my back") is the person's, whoever did it.

    Ordinary training named beside a finding it can explain ("from the pump", "on the last
    rep") drops its suggestive rules and asks about its plain ones.

    "My mum had cancer" is family history and "the scan was clear" rules it out, unless a
    ``told:`` rule heard the history itself ("had leukemia as a kid, all clear now"); "I fainted
    years ago" is not today's problem (but "I had cancer years ago" still counts). "My friend
    collapsed" may come from a bystander who needs the number: a confirming question shows it,
    and when the message says it is happening now ("what do I do", "только что") the warning.
    """
    marks = message.marks
    clauses = {message.clause[i] for i in covered}

    def near(key: str) -> bool:
        """A mark of ``key`` in the match's clauses that is not part of the match."""
        mine = marks[key]
        if not mine:
            return False
        per_clause = message.mark_clauses[key]
        return sum(per_clause[c] for c in clauses) > len(mine & covered)

    history = rule.finding in HISTORY_FINDINGS
    fall = rule.finding in FALLS
    told = rule.mode == "told"  # "had cancer as a kid, all clear now": the history itself
    cleared = not told and (near("cleared") or (fall and near("no_fall")))
    if cleared and (
        rule.finding not in NEVER_CLEARED
        or rule.mode == "concept"
        or (rule.mode == "maybe" and near("gym_context"))
    ):
        return "drop"  # a suggestive near miss with its explanation beside it is no hit
    after = max(covered) + 1
    if after in marks["figurative"] or (  # "чуть в обморок не упал от счастья"
        after in marks["negation_before"] and after + 2 in marks["figurative"]
    ):
        return "drop"  # the words are a figure of speech: "passed out laughing", "a blow to my ego"
    if marks["not_literal"] and _not_meant(covered, message):
        return "drop"  # "nearly fainted at the price", "can't feel my legs, figuratively"
    if near("past") and (not history or rule.mode == "recent"):
        return "drop"  # "I fainted years ago"; "a back operation in 2012" (recent ones count)
    if rule.mode == "recent" and _cleared_after(max(covered), message, key="past"):
        return "drop"  # "блокаду делали, но это было 3 года назад"
    cleared_after = not told and _cleared_after(max(covered), message, fall=fall)
    if cleared_after and (rule.finding == "minor_fall_or_jolt" or rule.mode == "concept"):
        return "drop"
    if rule.explained and near("gym_context"):
        return "drop"
    trained = rule.finding in TRAINING_EXPLAINS and (
        near("normal_training")  # "икры надулись, но это просто памп": said after a "but"
        or (rule.mode == "concept" and _cleared_after(max(covered), message, key="normal_training"))
    )
    if trained and rule.mode in ("gym", "maybe", "concept"):
        return "drop"
    if rule.finding in WEAK_AFTER_TRAINING and rule.mode == "gym" and near("gym_context"):
        return "drop"
    if rule.finding in EASED_BY_RELIEF and _relieved(clauses, covered, message):
        return "drop"
    if (
        rule.finding in THINGS_CAN_FALL
        and marks["objects"].isdisjoint(covered)  # "со стоек сорвалась штанга": the bar is
        and (  # in it, the rack is before it
            _named_before(min(covered), "objects", message)
            or _subject_after_verb(min(covered), covered, message)
        )
    ):
        return "drop"
    if rule.finding in FOR_ANYONE:
        return ""
    if (
        marks["other_person"]
        and not _mine_inside(covered, message)
        and (
            _named_before(min(covered), "other_person", message)
            or _possessor_after(max(covered), message)
        )
    ):
        # "my dad can't pee properly, it's his prostate": a cause named for someone else
        explained = cleared or cleared_after
        # "my husband is in remission from bowel cancer and his back's been aching": the
        # person typing speaks for someone whose back hurts, so any finding may be theirs
        theirs = rule.finding in ASK_FOR_OTHERS or bool(marks["proxy"])
        if not theirs or explained:
            return "drop"
        # "my friend passed out after deadlifts, he's lying there, what do I do": happening
        # now, to someone the person is with: the number at once, as for themselves
        return "" if rule.finding in ASK_FOR_OTHERS and marks["urgent_now"] else "ask"
    if cleared or cleared_after or trained:
        return "ask"  # "quads rock hard from the pump": training may explain it, or not
    return ""


def _subject_after_verb(start: int, covered: set[int], message: _Message) -> bool:
    """Russian puts the subject after its verb: in "упал телефон со скамьи" the thing right
    after the match's first word is what fell (English says "the phone fell": before it)."""
    after = start + 1
    return (
        after in message.marks["objects"]
        and after not in covered
        and is_cyrillic(message.tokens.texts[after])
    )


def _possessor_after(last: int, message: _Message) -> bool:
    """Russian names whose it is after it too: "рак был у бабушки", "инсульт у отца": an
    other_person "у ..." within POSSESSOR_REACH words after the match, in its phrase."""
    texts, phrase, others = message.tokens.texts, message.phrase, message.marks["other_person"]
    for i in range(last + 1, min(last + 1 + POSSESSOR_REACH, len(texts) - 1)):
        if phrase[i] != phrase[last]:
            return False
        if texts[i] in ("у", "u") and i in others and i + 1 in others:
            return True
    return False


POSSESSOR_REACH = 3  # "рак | был | у бабушки"


def _not_meant(covered: set[int], message: _Message) -> bool:
    """A not_literal phrase in the match's sentence, or in the next one when the match asks a
    question ("is it bad if pee goes cola coloured? mine is totally normal") or when the
    phrase opens it ("my mate yelled 'call an ambulance!' as a joke")."""
    sentence = message.tokens.sentence
    own = sentence[min(covered)]
    asked = own in message.asked_sentences
    return any(
        sentence[i] == own or (sentence[i] == own + 1 and (asked or sentence[i - 1] == own))
        for i in message.marks["not_literal"] - covered
    )


def _mine_inside(covered: set[int], message: _Message) -> bool:
    """A self_person word among the match's words, or between them in the phrase it starts
    in: "штаны на мне болтаются" (my wife says) is the person's own, whoever spoke first."""
    start, end = min(covered), max(covered)
    phrase, clause, mine = message.tokens.phrase, message.clause, message.marks["self_person"]
    inside = mine if len(mine) < end - start else mine.intersection(range(start, end + 1))
    return any(
        i in covered or (phrase[i] == phrase[start] and clause[i] == clause[start])
        for i in inside
        if start <= i <= end
    )


def _someone_elses(fact: Occurrence, message: _Message) -> bool:
    """A ``status:`` rule's standing fact said of another person ("my mum has osteoporosis")."""
    start, end = fact
    mine = not message.marks["self_person"].isdisjoint(range(start, end))
    return not mine and _named_before(start, "other_person", message)


def _relieved(clauses: set[int], covered: set[int], message: _Message) -> bool:
    """A ``relief`` phrase in one of ``clauses`` that no negation shortly before denies and
    that the match does not run into: "my back is better at night" is not night pain, "not
    better at night" still is, and so is "can't sleep well" (the match "can't sleep" goes
    on into the relief's "sleep well": the relief is the symptom's own words). A relief
    later in the same sentence, past a clause break, counts too: "woke at night with it but
    rolled onto my side and it went" says how the pain ended."""
    relief = message.marks["relief"]
    negations = message.negation_reach
    sentence = message.tokens.sentence
    end = max(covered)
    return any(
        (message.clause[i] in clauses or (i > end and sentence[i] == sentence[end]))
        and not any(0 < i - j <= reach for j, reach in negations.items())
        and not (i in covered and i - 1 in covered)
        for i in relief
        if i - 1 not in relief
    )


def _cleared_after(
    end: int, message: _Message, *, fall: bool = False, key: str = "cleared"
) -> bool:
    """A ``cleared`` phrase (for a fall, a ``no_fall`` one too) later in the same sentence,
    past a clause break: "I slipped on the wet floor but caught myself" says how a small slip
    ended, so it is not a fall; "had a cancer scare but it was all clear", "went dark,
    already gone" may have ended well, so any other finding is asked about rather than
    alarmed (a serious fall, or cancer that was cured, stays true whatever the sentence says
    next, so they are never dropped). "Went dark and I nearly fell" clears no faint: a fall
    that did not happen only speaks about falls."""
    sentence = message.tokens.sentence
    marks = message.marks[key]
    if fall:
        marks = marks | message.marks["no_fall"]
    return any(i > end and sentence[i] == sentence[end] for i in marks)


def _named_before(start: int, key: str, message: _Message) -> bool:
    """Another person (or a thing) named before the match in its clause, with no "I" / "me"
    in between: "my mum had cancer", "the bar fell on the floor". Only the last
    ``NAMED_BEFORE_REACH`` words count: whose symptom it is is said close to it."""
    clause = message.clause[start]
    marks, self_person = message.marks[key], message.marks["self_person"]
    if start in marks and start - 1 in marks:  # "the barbell" of "the barbell rolled onto me"
        return False  # is the subject inside the match, not someone or something before it
    for i in range(start - 1, max(start - 1 - NAMED_BEFORE_REACH, -1), -1):
        if message.clause[i] != clause:
            return False
        if i in marks:
            return True
        if i in self_person and (i == 0 or message.tokens.texts[i - 1] not in message.places):
            return False  # "a lady in my class has": "my" after a place word is no "I"
    return False


def _has_doubt(covered: set[int], message: _Message, *, words_only: bool = False) -> bool:
    """A doubt word in a clause of the match; words of the match itself do not count.
    ``words_only``: a question mark or a laugh (``_Message.soft_doubt``) does not count."""
    clauses = {message.clause[i] for i in covered}
    doubt = message.marks["doubt"]
    if words_only:
        clause = message.clause
        return any(clause[i] in clauses for i in doubt - message.soft_doubt - covered)
    per_clause = message.mark_clauses["doubt"]
    return sum(per_clause[c] for c in clauses) > len(doubt & covered)


def _negated(combo: tuple[Occurrence, ...], covered: set[int], message: _Message) -> bool:
    """A negation before any slot, or one closing the phrase of any slot: "боли в груди нет,
    просто забит бицепс" denies the chest, whatever the rest of the sentence adds. A
    negation word that is part of the match ("стопа не поднимается") denies nothing."""
    if any(_negated_before(s, covered, message) for s, _ in combo):
        return True
    at = message.negation_after_at
    if at and any(
        occ[0] not in covered and _negated_after(end, occ, message)  # not the match's own
        for _, end in combo
        for start in range(end, end + NEGATION_AFTER_REACH)
        for occ in at.get(start, ())
    ):
        return True
    return bool(message.marks["negation_echo"]) and _echoes_denial(combo, covered, message)


def _echoes_denial(combo: tuple[Occurrence, ...], covered: set[int], message: _Message) -> bool:
    """'Температуры нет, озноба тоже': an echo word ("тоже") closing the match's phrase
    repeats the denial of the phrase before it, when that phrase opens or closes with a
    negation_after word ("нет температуры", "температуры не было"). A negation inside the
    phrase before is not enough: "не могу пописать, покакать тоже" denies nothing."""
    start, end = min(s for s, _ in combo), max(e for _, e in combo)
    phrase, links = message.phrase, message.negation_transparent
    if end not in message.marks["negation_echo"] or end in covered:
        return False
    stop = end
    while stop < len(phrase) and stop in message.marks["negation_echo"]:
        stop += 1
    if not _closes_phrase(stop, message):
        return False
    opening = start
    while opening > 0 and phrase[opening - 1] == phrase[start]:
        opening -= 1
        if opening not in links:
            return False
    if opening == 0:
        return False
    last = first = opening - 1  # the phrase before: its first and last token
    while first > 0 and phrase[first - 1] == phrase[last]:
        first -= 1
    at = message.negation_after_at
    return any(
        s == first or (e - 1 <= last and links.issuperset(range(e, last + 1)))
        for token in range(first, last + 1)
        for s, e in at.get(token, ())
    )


def _negated_before(start: int, covered: set[int], message: _Message) -> bool:
    """A negation shortly before ``start`` in its phrase, with no stop word in between.

    Other symptom words and link words ("or", "и", "на") in between do not count towards
    its reach: a negation covers a list ("not dizzy or faint", "no numbness and tingling")
    and its preposition ("не на меня").
    """
    transparent = message.negation_transparent
    distance = 1
    for i in range(start - 1, max(start - 1 - 2 * MAX_NEGATION_REACH, -1), -1):
        if message.phrase[i] != message.phrase[start]:
            return False
        if i in covered:
            continue
        if distance <= message.negation_reach.get(i, 0):
            if _closes_item(i, message):
                return False  # "онемения нет ноги отнялись": the "нет" closes the item before
            return not _in_purpose(i, message) and not _agrees(i, covered, message)
        if i in message.marks["negation_stops"]:
            return False
        distance += i not in transparent
        if distance > MAX_NEGATION_REACH:
            return False
    return False


def _closes_item(negation: int, message: _Message) -> bool:
    """A one-word negation_after ("нет") right after a sign that no negation opens: it denies
    that sign ("онемения нет"), not the next one ("... ноги отнялись"). In "нет температуры
    нет слабости" each "нет" opens its own item instead."""
    start = message.sign_ends.get(negation)
    if start is None or (negation, negation + 1) not in message.negation_after_at.get(negation, ()):
        return False
    stops = message.marks["negation_stops"]  # "у меня нет температуры": no sign before it
    return negation - 1 not in stops and start - 1 not in message.marks["negation_before"]


def _agrees(negation: int, covered: set[int], message: _Message) -> bool:
    """The match holds its own "не" after the negation ("ни разу не мочилась", "никак не
    могу встать", "ни разу за день не пописала"): Russian negatives agree, so the negation
    strengthens the symptom instead of denying it. Its "не" words are the concord list."""
    texts = message.tokens.texts
    return any(j > negation and texts[j] in message.concord for j in covered)


def _in_purpose(negation: int, message: _Message) -> bool:
    """The negation sits in a purpose clause ("чтобы стопа не цеплялась", "so that my foot
    doesn't catch"): what it denies is what happens otherwise, so it is no denial."""
    purpose = message.marks["purpose"]
    if not purpose:
        return False
    start = max(negation - 1 - PURPOSE_REACH, -1)
    for i in range(negation - 1, start, -1):
        if message.phrase[i] != message.phrase[negation]:
            return False
        if i in purpose:
            return True
    return False


def _negated_after(end: int, negation: Occurrence, message: _Message) -> bool:
    """'онемения нет', 'fever: none', 'температуры и озноба нет', but not 'отнялись, сил нет'."""
    start, stop = negation
    if not end <= start < end + NEGATION_AFTER_REACH:
        return False
    if message.tokens.sentence[start] != message.tokens.sentence[end - 1]:
        return False
    links = message.negation_transparent
    return links.issuperset(range(end, start)) and _closes_phrase(stop, message)


def _closes_phrase(end: int, message: _Message) -> bool:
    """Nothing but a link word ("и", "and") follows the negation in its phrase, or a bare
    "нет" is followed by the next sign or a stop word: dictated lists have no commas
    ("температуры нет моча обычная", "озноба нет просто спина устала")."""
    if end >= len(message.phrase) or message.phrase[end] != message.phrase[end - 1]:
        return True
    if end in message.marks["negation_links"]:
        return True
    if message.tokens.texts[end - 1] not in message.bare_no:
        return False
    return end in message.sign_starts or end in message.marks["negation_stops"]
