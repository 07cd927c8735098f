"""The only conditions a flow may use.

transitions would happily import any dotted name from YAML and call it. A flow file is data,
so its condition names are looked up here and nowhere else; an unknown name is a FlowError at
load time, never a surprise at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

from bot.core.flow.rules import Verdict

Condition = Callable[[Verdict], bool]


def _level_is(level: str) -> Condition:
    def check(verdict: Verdict) -> bool:
        return verdict.level == level

    check.__name__ = f"level_is_{level}"
    return check


def _has_red_flag(verdict: Verdict) -> bool:
    return bool(verdict.red_flags)


def _hospital_transport_unknown(verdict: Verdict) -> bool:
    """Hospital today, and we don't yet know whether the person can get there on their feet."""
    return (
        verdict.level == "emergency_department"
        and "cannot_walk_or_care_for_self" not in verdict.findings
    )


def _pregnancy_possible(verdict: Verdict) -> bool:
    """Pregnant or unsure: the maternity warning signs must be asked (clinical.md 3.1)."""
    return "pregnancy" in verdict.findings


@cache
def allowed(levels: tuple[str, ...]) -> Mapping[str, Condition]:
    """Every condition a flow may name: ``level_is_<level>`` for each level of the rule table
    (``flows/rules.yaml``), and the fixed ones below."""
    return MappingProxyType(
        {f"level_is_{level}": _level_is(level) for level in levels}
        | {
            "has_red_flag": _has_red_flag,
            "hospital_transport_unknown": _hospital_transport_unknown,
            "pregnancy_possible": _pregnancy_possible,
        }
    )


def lookup(name: str, levels: tuple[str, ...]) -> Condition | None:
    """The allowlisted condition called ``name``, or None when there is no such condition."""
    return allowed(levels).get(name)
