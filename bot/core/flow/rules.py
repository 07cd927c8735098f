"""Urgency from findings, by one rule table (``flows/rules.yaml``), never by scattered ifs.

The result is the most urgent level implied by any single finding or by any escalating
combination. Benign findings can never lower a level: the table only ever raises it. Each
level comes with the findings that caused it, so every outcome can say "because you said".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.core.errors import FlowError
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml, parse


@dataclass(frozen=True, slots=True)
class FindingRule:
    """What one finding implies by itself."""

    level: str
    red_flag: bool


@dataclass(frozen=True, slots=True)
class Combination:
    """An escalating combination: ``all`` present, one of ``any`` (if given), then ``then``.

    ``id`` is the rule's name in the clinical reference (C1...), so a clinician reviewing the
    triage report (tests/core/test_vignettes.py) can tell which rule each vignette proves.
    """

    id: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    any_other_with_level: str | None
    then: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """A triage level and the findings that justify it (most urgent reasons first)."""

    level: str
    because: tuple[str, ...]
    red_flags: tuple[str, ...]
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TriageRules:
    """The vocabulary, the level order and the combinations, loaded once at start-up."""

    levels: tuple[str, ...]
    stop_levels: frozenset[str]
    findings: dict[str, FindingRule]
    combinations: tuple[Combination, ...]
    early_levels: frozenset[str] = frozenset()
    _cache: dict[tuple[str, ...], Verdict] = field(default_factory=dict, compare=False, repr=False)

    def rank(self, level: str) -> int:
        """0 for the most urgent level; lower is more urgent."""
        return self.levels.index(level)

    def verdict(self, findings: Iterable[str]) -> Verdict:
        """The most urgent level implied by ``findings``; self-care when nothing is known.

        Memoised: people give the same few answer sets over and over.
        """
        key = tuple(findings)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            cached = self._cache[key] = self._verdict(key)
        return cached

    def _verdict(self, findings: tuple[str, ...]) -> Verdict:
        present = [f for f in dict.fromkeys(findings) if f in self.findings]
        best = self.levels[-1]
        because: dict[str, None] = {}
        for finding in present:
            level = self.findings[finding].level
            if self.rank(level) < self.rank(best):
                best, because = level, {finding: None}
            elif level == best:
                because[finding] = None
        for combo in self.combinations:
            matched = self._match(combo, present)
            if matched is None:
                continue
            if self.rank(combo.then) < self.rank(best):
                best, because = combo.then, dict.fromkeys(matched)
            elif combo.then == best:
                because.update(dict.fromkeys(matched))
        red = tuple(f for f in present if self.findings[f].red_flag)
        return Verdict(level=best, because=tuple(because), red_flags=red, findings=tuple(present))

    def _match(self, combo: Combination, present: list[str]) -> list[str] | None:
        if not all(f in present for f in combo.all):
            return None
        extra: list[str] = []
        if combo.any:
            extra = [f for f in combo.any if f in present]
            if not extra:
                return None
        if combo.any_other_with_level is not None:
            extra = [
                f
                for f in present
                if f not in combo.all and self.findings[f].level == combo.any_other_with_level
            ]
            if not extra:
                return None
        return [*combo.all, *extra]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class FindingSpec(_Strict):
    """``findings.<id>`` in rules.yaml."""

    level: str
    red_flag: bool = False


class CombinationSpec(_Strict):
    """One item of ``combinations``; ``id`` names the rule in the clinical reference (C1...)."""

    id: str | None = None
    all: list[str] = []
    any: list[str] = []
    any_other_with_level: str | None = None
    then: str


class RulesFile(_Strict):
    """The shape of ``flows/rules.yaml``; what the names mean is checked in :func:`load_rules`."""

    levels: list[str] = Field(min_length=1)
    stop_levels: list[str] = []
    early_levels: list[str] = []
    findings: dict[str, FindingSpec] = Field(min_length=1)
    combinations: list[CombinationSpec] = []


def load_rules(path: Path) -> TriageRules:
    """Load and check ``rules.yaml``; every error names the file, line and key."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise FlowError(exc.problem, file=path, line=exc.line, key=exc.key) from exc
    spec = parse(RulesFile, doc, FlowError)
    levels = tuple(spec.levels)
    for name, finding in spec.findings.items():
        if finding.level not in levels:
            raise FlowError(
                f"level must be one of {', '.join(levels)}",
                file=path,
                line=doc.line("findings", name, "level"),
                key=f"findings.{name}.level",
            )
    findings = {n: FindingRule(f.level, f.red_flag) for n, f in spec.findings.items()}
    combos = tuple(
        _combination(doc, i, c, levels, findings) for i, c in enumerate(spec.combinations)
    )
    for name in ("stop_levels", "early_levels"):
        for level in getattr(spec, name):
            if level not in levels:
                raise FlowError("unknown level", file=path, line=doc.line(name), key=level)
    return TriageRules(
        levels=levels,
        stop_levels=frozenset(spec.stop_levels),
        findings=findings,
        combinations=combos,
        early_levels=frozenset(spec.early_levels),
    )


def _combination(
    doc: YamlDoc,
    index: int,
    spec: CombinationSpec,
    levels: tuple[str, ...],
    known: dict[str, FindingRule],
) -> Combination:
    where = ("combinations", index)
    key = f"combinations[{index}]"
    for name in (*spec.all, *spec.any):
        if name not in known:
            raise FlowError(
                f"unknown finding {name!r}", file=doc.path, line=doc.line(*where), key=key
            )
    for field_name in ("then", "any_other_with_level"):
        value = getattr(spec, field_name)
        if value is not None and value not in levels:
            raise FlowError(
                f"{field_name} must be a level", file=doc.path, line=doc.line(*where), key=key
            )
    return Combination(
        id=spec.id or key,
        all=tuple(spec.all),
        any=tuple(spec.any),
        any_other_with_level=spec.any_other_with_level,
        then=spec.then,
    )
