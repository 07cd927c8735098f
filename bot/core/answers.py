"""Typed answers: a number, a button's label (typos forgiven), yes / no / not sure, an age.

People on a phone type "no", "нет", "не знаю", "25" or half a label instead of tapping. This
module maps such text to one of the buttons on screen, or to nothing; it never guesses
between two buttons. The red-flag detector has already seen the text before it gets here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence

from bot.core.messages import Choice

YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "y", "sure", "да", "ага", "угу", "д"})
NO_WORDS = frozenset({"no", "nope", "nah", "n", "нет", "не", "неа", "н", "none", "nothing"})
UNSURE_WORDS = frozenset(
    {
        "not sure", "dunno", "dont know", "don't know", "idk", "maybe", "unsure", "no idea",
        "не знаю", "хз", "не уверен", "не уверена", "не уверен(а)", "может быть", "наверное",
        "может", "без понятия",
    }
)  # fmt: skip
# Which button a plain yes or no means, first one on screen wins.
YES_IDS = ("present", "confirm_yes", "still_true", "can_travel", "signs")
NO_IDS = ("absent", "confirm_no", "none_of_these", "cannot_travel")
UNSURE_IDS = ("not_sure",)
AGE_BANDS = ((20, "under_20"), (50, "age_20_49"), (200, "over_50"))
_PUNCT = re.compile(r"[^\w\s'/()]+")
_CLOSE = 0.8


def normalise(text: str) -> str:
    """Lower case, no accents or ticks, ё as е, single spaces: what people mean to type."""
    text = unicodedata.normalize("NFKD", text.replace("ё", "е").replace("Ё", "Е"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _PUNCT.sub(" ", text.lower().replace("✓", " "))
    return " ".join(text.split())


def match(text: str, choices: Sequence[Choice], *, age: bool = False) -> str | None:
    """The id of the button ``text`` stands for, or None when it is not clearly one."""
    said = normalise(text)
    if not said or not choices:
        return None
    ids = [c.id for c in choices]
    if said.isdigit():
        return _number(int(said), ids, age)
    for words, wanted in ((UNSURE_WORDS, UNSURE_IDS), (YES_WORDS, YES_IDS), (NO_WORDS, NO_IDS)):
        if said in words:
            return next((i for i in wanted if i in ids), None)
    labels = {normalise(c.label): c.id for c in choices}
    if said in labels:
        return labels[said]
    close = difflib.get_close_matches(said, list(labels), n=2, cutoff=_CLOSE)
    if len(close) == 1 or (close and _clear_winner(said, close)):
        return labels[close[0]]
    starts = [cid for label, cid in labels.items() if len(said) >= 4 and label.startswith(said)]
    return starts[0] if len(starts) == 1 else None


def is_age_question(choice_ids: Iterable[str]) -> bool:
    """The age question: its buttons are the age bands, so "25" there is an age."""
    return set(choice_ids) == {name for _, name in AGE_BANDS}


def _number(n: int, ids: list[str], age: bool) -> str | None:
    if age and n >= 10:  # "25" at the age question is an age, not the 25th button
        band = next(name for limit, name in AGE_BANDS if n < limit)
        return band if band in ids else None
    return ids[n - 1] if 1 <= n <= len(ids) else None


def _clear_winner(said: str, close: list[str]) -> bool:
    first, second = (difflib.SequenceMatcher(None, said, c).ratio() for c in close[:2])
    return first - second >= 0.1
