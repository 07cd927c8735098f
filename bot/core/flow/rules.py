"""Urgency from findings, by one rule table (``flows/rules.yaml``), never by scattered ifs.

The result is the most urgent level implied by any single finding or by any escalating
combination. Benign findings can never lower a level: the table only ever raises it. Each
level comes with the findings that caused it, so every outcome can say "because you said".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.errors import FlowError
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml


@dataclass(frozen=True, slots=True)
class FindingRule:
    """What one finding implies by itself."""

    level: str
    red_flag: bool


@dataclass(frozen=True, slots=True)
class Combination:
    """An escalating combination: ``all`` present, one of ``any`` (if given), then ``then``."""

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


def load_rules(path: Path) -> TriageRules:
    """Load and check ``rules.yaml``; every error names the file, line and key."""
    try:
        doc = load_yaml(path)
    except YamlSyntaxError as exc:
        raise FlowError(exc.problem, file=path, line=exc.line) from exc
    data = doc.data if isinstance(doc.data, dict) else {}
    levels = tuple(_str_list(doc, data.get("levels"), "levels"))
    if not levels:
        raise FlowError("needs a non-empty list of levels", file=path, key="levels", line=1)
    findings: dict[str, FindingRule] = {}
    raw_findings = data.get("findings")
    if not isinstance(raw_findings, dict) or not raw_findings:
        raise FlowError("needs a mapping of findings", file=path, key="findings", line=1)
    for name, spec in raw_findings.items():
        key = f"findings.{name}"
        if not isinstance(spec, dict) or spec.get("level") not in levels:
            raise FlowError(
                f"level must be one of {', '.join(levels)}",
                file=path,
                line=doc.line("findings", name),
                key=key,
            )
        findings[str(name)] = FindingRule(level=spec["level"], red_flag=bool(spec.get("red_flag")))
    combos = tuple(
        _combination(doc, i, c, levels, findings)
        for i, c in enumerate(data.get("combinations") or [])
    )
    stop = frozenset(_str_list(doc, data.get("stop_levels", []), "stop_levels"))
    for level in stop - set(levels):
        raise FlowError("unknown level", file=path, line=doc.line("stop_levels"), key=level)
    return TriageRules(levels=levels, stop_levels=stop, findings=findings, combinations=combos)


def _str_list(doc: YamlDoc, value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FlowError("must be a list of ids", file=doc.path, line=doc.line(key), key=key)
    return [str(v) for v in value]


def _combination(
    doc: YamlDoc, index: int, raw: object, levels: tuple[str, ...], known: dict[str, FindingRule]
) -> Combination:
    where = ("combinations", index)
    key = f"combinations[{index}]"
    if not isinstance(raw, dict):
        raise FlowError("must be a mapping", file=doc.path, line=doc.line(*where), key=key)
    names = [*raw.get("all", []), *raw.get("any", [])]
    for name in names:
        if name not in known:
            raise FlowError(
                f"unknown finding {name!r}", file=doc.path, line=doc.line(*where), key=key
            )
    for field_name in ("then", "any_other_with_level"):
        value = raw.get(field_name)
        if (value is not None or field_name == "then") and value not in levels:
            raise FlowError(
                f"{field_name} must be a level", file=doc.path, line=doc.line(*where), key=key
            )
    return Combination(
        id=str(raw.get("id", key)),
        all=tuple(raw.get("all", [])),
        any=tuple(raw.get("any", [])),
        any_other_with_level=raw.get("any_other_with_level"),
        then=str(raw["then"]),
    )
