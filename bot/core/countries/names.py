"""Typed answers -> a country: codes, flags, names in English or Russian, small typos.

A wrong match would show someone the emergency number of another country, so matching is
strict: exact forms first (with the Russian "в Германии" case forms generated from the
name), and a typo is forgiven only when a single country is clearly the closest. When two
countries are nearly as close ("austrlia": Austria or Australia?) the answer is None and the
person is asked again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.countries.model import Country

# Leading words people put before a country: "in Germany", "я в Германии", "I'm in the UK".
_LEAD = re.compile(r"^(?:(?:i am|i'm|im|now|currently|я|сейчас|живу|нахожусь|в|во|in|at|the)\s+)+")
_NOT_WORD = re.compile(r"[^\w#]+")
# Two-letter codes that are also everyday words: as a bare answer "no" means no, not Norway.
_WORD_CODES = frozenset({"no", "me", "my", "is", "it", "in", "at", "be", "by", "am", "id"})
_RI_A, _RI_Z = 0x1F1E6, 0x1F1FF
# Shorter words are too close to everyday ones ("state", "walks") to forgive a typo in.
_FUZZY_FROM = 6
_TAG_FLAGS = {"gbeng": "GB", "gbsct": "GB", "gbwls": "GB"}  # 🏴 England, Scotland, Wales


def normalize(text: str) -> str:
    """Case, accents on Latin letters, ё, punctuation and spacing do not matter."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ё", "е"))
    kept: list[str] = []
    for ch in text:
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue  # é -> e, but keep the breve of й
        kept.append(ch)
    text = unicodedata.normalize("NFC", "".join(kept)).replace("'", "").replace("ʼ", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def flag_code(text: str) -> str | None:
    """``🇩🇪`` -> ``DE``; the England/Scotland/Wales flags -> ``GB``; else None."""
    text = text.strip()
    points = [ord(c) for c in text]
    if len(points) == 2 and all(_RI_A <= p <= _RI_Z for p in points):
        return "".join(chr(ord("A") + p - _RI_A) for p in points)
    if points and points[0] == 0x1F3F4:
        tag = "".join(chr(p - 0xE0000) for p in points[1:] if 0xE0061 <= p <= 0xE007A)
        return _TAG_FLAGS.get(tag)
    return None


def russian_forms(name: str) -> set[str]:
    """``Германия`` -> {германия, германии}: the prepositional case of a one-word name.

    Only regular endings are generated; irregular ones (Израиль -> Израиле, Беларусь ->
    Беларуси, Египет -> Египте) and many-word names are listed as aliases in the YAML.
    """
    base = normalize(name)
    forms = {base}
    if " " in base or not re.fullmatch(r"[а-я]+", base):
        return forms
    if base.endswith(("ия", "ея")):
        forms.add(base[:-1] + ("и" if base.endswith("ия") else "е"))
    elif base.endswith(("а", "я")):
        forms.add(base[:-1] + "е")
    elif base.endswith("ы"):
        forms.add(base[:-1] + "ах")
    elif base.endswith("й"):
        forms.add(base[:-1] + "е")
    elif base[-1] not in "аеиоуыэюяь":
        forms.add(base + "е")
    return forms


class NameClash(ValueError):
    """One typed form would name two countries; the file must say which."""

    def __init__(self, form: str, first: str, second: str) -> None:
        super().__init__(f"{form!r} names both {first} and {second}: keep it for one of them")
        self.form, self.first, self.second = form, first, second


class NameIndex:
    """Every form of every country's name, each pointing at exactly one country."""

    def __init__(self, countries: Mapping[str, Country]) -> None:
        self._codes = {code.lower(): code for code in countries}
        self._forms: dict[str, str] = {}
        bases: set[str] = set()
        for country in countries.values():
            for form, base in _forms_of(country):
                other = self._forms.setdefault(form, country.code)
                if other != country.code:
                    raise NameClash(form, other, country.code)
                if base:
                    bases.add(form)
        # Typos are matched against names as written, not the generated case forms: those
        # sit one letter from everyday words ("Польше" / "больше").
        self._choices = sorted(bases)

    def resolve(self, text: str, *, from_command: bool = False) -> str | None:
        """The code of the country ``text`` names, or None when unknown or unclear.

        ``from_command``: the text is the argument of ``/country``, so a bare two-letter
        code always counts; as a free answer, codes that are also words ("no") do not.
        """
        if code := flag_code(text):
            return code if code.lower() in self._codes else None
        words = normalize(text)
        if not words:
            return None
        if (
            len(words) == 2
            and words in self._codes
            and (from_command or words not in _WORD_CODES or text.strip().isupper())
        ):
            return self._codes[words]
        key = _LEAD.sub("", words) or words
        if (found := self._forms.get(key)) is not None:
            return found
        return self._closest(key)

    def starting(self, text: str) -> list[str]:
        """Codes of the countries with a name (either language, or an alias) that starts
        with ``text`` or has a word that does ("kor" -> KR; "ю" -> ZA, KR), in name order."""
        key = normalize(text)
        if not key:
            return []
        found: dict[str, None] = {}
        for form in self._choices:
            if form.startswith(key) or f" {key}" in f" {form}":
                found.setdefault(self._forms[form])
        return list(found)

    def _closest(self, key: str) -> str | None:
        """A typo of one name: close enough, same first letter, and no rival country near."""
        if len(key) < _FUZZY_FROM:
            return None
        allowed = 1 if len(key) <= 7 else 2
        hits = process.extract(
            key, self._choices, scorer=OSA.distance, limit=None, score_cutoff=allowed + 1
        )
        if not hits:
            return None
        best_form, best, _ = min(hits, key=lambda hit: hit[1])
        if best > allowed or best_form[0] != key[0]:  # "while" is not Chile
            return None
        code = self._forms[best_form]
        # Another country within one more edit makes the guess unsafe.
        if any(self._forms[form] != code and dist <= best + 1 for form, dist, _ in hits):
            return None
        return code


def _forms_of(country: Country) -> Iterable[tuple[str, bool]]:
    """Every exact form of the country's names, and whether it is a name as written."""
    for name in (*country.names.values(), *country.aliases):
        written = _LEAD.sub("", normalize(name)) or normalize(name)
        yield written, True
        for form in russian_forms(name) - {written}:
            yield form, False
