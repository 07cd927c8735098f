"""Deep copies of the JSON the fakes keep and hand out, without ``copy.deepcopy``'s cost.

Why: the fakes copy every call, update and message they record or return, so that what a
test holds never changes under it (and the bot cannot change the fake's state through an
object it was given). Nearly all of it is JSON (dicts, lists, strings, numbers), where
``copy.deepcopy`` spends most of its time on its memo and dispatch: about a second of CPU in
each kill test (tests/adapters/telegram/test_kill*.py). This copies dicts and lists by hand
and leaves the rest (a dataclass, a tuple, a dict subclass) to ``copy.deepcopy``. Unlike it,
an object referred to twice becomes two copies, which JSON cannot tell apart anyway.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

T = TypeVar("T")
_IMMUTABLE = frozenset({str, int, float, bool, type(None), bytes})


def snapshot(value: T) -> T:
    """A deep copy of ``value``: dicts and lists rebuilt, immutable scalars shared."""
    return _copy(value)  # type: ignore[no-any-return]


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: _copy(item) for key, item in value.items()}
    if kind is list:
        return [_copy(item) for item in value]
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value)
