"""Which repeats of a regular expression can backtrack: the shape behind quadratic matching.

A greedy or lazy repeat of variable length (``\\d{6,}``, ``.*?``) may be retried at every
shorter length when what follows fails, which on a long run of matching characters costs the
square of its length. A possessive repeat (``\\d{6,}+``, Python 3.11) or a fixed count never
is. Used by the tests of every pattern that runs on untrusted text.
"""

from __future__ import annotations

import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parser  # type: ignore[attr-defined]
from typing import Any


def backtracking_repeats(pattern: re.Pattern[str]) -> list[str]:
    """The variable-length repeats in ``pattern`` that are not possessive, as text."""
    found: list[str] = []

    def walk(items: Any) -> None:
        for op, arg in items:
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, inner = arg
                if low != high:
                    found.append(f"{op} {{{low},{high}}} of {list(inner)!r}")
                walk(inner)
            elif op is sre_constants.POSSESSIVE_REPEAT:
                walk(arg[2])
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op is sre_constants.SUBPATTERN:
                walk(arg[3])
            elif op in (sre_constants.ATOMIC_GROUP,):
                walk(arg)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                walk(arg[1])

    walk(sre_parser.parse(pattern.pattern, pattern.flags))
    return found
